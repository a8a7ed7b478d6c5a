package dev.tandem.server.http;

/**
 * Tandem's JSON error body on every endpoint: a stable machine code and a message an operator can act on.
 *
 * @param error   e.g. {@code invalid_signature}, {@code malformed_json}, {@code payload_too_large}
 * @param message what is wrong and what to do about it
 */
public record ErrorBody(String error, String message) {
}
