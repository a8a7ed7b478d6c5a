package dev.tandem.salesforce.api;

import dev.tandem.core.error.ApiError;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The result of one graph node.
 *
 * @param referenceId the node's reference id
 * @param httpStatus  the node's HTTP status
 * @param body        the node's response body (a record, a save result, or the error array)
 * @param errors      the errors, empty on success; {@code PROCESSING_HALTED} marks nodes rolled back because of another node
 */
public record NodeResult(String referenceId, int httpStatus, JsonNode body, List<ApiError> errors) {

    public NodeResult {
        errors = List.copyOf(errors);
    }

    public boolean successful() {
        return httpStatus >= 200 && httpStatus < 300;
    }

    /** The record id of a successful create or upsert ({@code body.id}), or empty text. */
    public String id() {
        return body != null && body.hasNonNull("id") ? body.get("id").asText() : "";
    }
}
