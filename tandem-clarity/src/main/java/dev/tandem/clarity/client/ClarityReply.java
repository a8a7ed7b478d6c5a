package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A CEF answer: the HTTP status and the body as JSON (null when it was empty or not JSON, e.g. an IIS error page).
 */
public record ClarityReply(int status, JsonNode json) {
}
