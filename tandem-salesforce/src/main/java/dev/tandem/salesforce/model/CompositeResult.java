package dev.tandem.salesforce.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.error.ApiError;

import java.util.List;
import java.util.Map;

/**
 * One subrequest's result in a {@code POST /composite} response (salesforce-api.md §2.9).
 *
 * @param referenceId the subrequest's reference id
 * @param httpStatus  its {@code httpStatusCode}; with {@code allOrNone}, every other subrequest of a failed request
 *                    reports 400 ({@code PROCESSING_HALTED}, retryable)
 * @param body        the response body (an object, an array of errors, or {@code null} for 204)
 * @param httpHeaders e.g. {@code Location} of a created record
 * @param errors      the classified errors when the status is not 2xx, else empty
 */
public record CompositeResult(String referenceId, int httpStatus, JsonNode body, Map<String, String> httpHeaders,
                              List<ApiError> errors) {

    public CompositeResult {
        httpHeaders = Map.copyOf(httpHeaders);
        errors = List.copyOf(errors);
    }

    public boolean successful() {
        return httpStatus / 100 == 2;
    }

    /** The {@code id} of a created or upserted record, or empty text. */
    public String id() {
        return body != null && body.path("id").isTextual() ? body.get("id").asText() : "";
    }
}
