package dev.tandem.sandbox.clarity.wire;

/**
 * The body ServiceStack writes for an {@code HttpError} 401/403 (spec §2, "Errors"):
 * {@code {"StatusCode":401,"StatusDescription":"Unauthorized","Message":"..."}}.
 */
public record HttpErrorBody(int statusCode, String statusDescription, String message) {
}
