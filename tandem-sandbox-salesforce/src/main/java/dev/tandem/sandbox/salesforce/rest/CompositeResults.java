package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.List;

/** The {@code {body, httpHeaders, httpStatusCode, referenceId}} entries of composite responses (spec §2.9). */
final class CompositeResults {

    /** Verbatim rollback marker of the camel composite fixture (spec §2.9). */
    static final ApiResponse ROLLED_BACK = ApiResponse.error(new ApiException(400, List.of(ApiError.of(
            "PROCESSING_HALTED",
            "The transaction was rolled back since another operation in the same transaction failed."))));

    private CompositeResults() {
    }

    static ObjectNode entry(ApiResponse response, String referenceId) {
        ObjectNode entry = Json.object();
        if (response.body() == null) {
            entry.putNull("body");
        } else {
            entry.set("body", response.body());
        }
        ObjectNode headers = entry.putObject("httpHeaders");
        response.headers().forEach(headers::put);
        entry.put("httpStatusCode", response.status());
        entry.put("referenceId", referenceId);
        return entry;
    }

    /**
     * With all-or-none semantics the failing entry keeps its own error and every other entry reports
     * PROCESSING_HALTED (spec §2.9, §2.10).
     */
    static ArrayNode allOrNone(List<String> referenceIds, int failedIndex, ApiResponse failure, ApiResponse halted) {
        ArrayNode entries = Json.array();
        for (int i = 0; i < referenceIds.size(); i++) {
            entries.add(entry(i == failedIndex ? failure : halted, referenceIds.get(i)));
        }
        return entries;
    }

    static ApiException invalidInput(String message) {
        return ApiException.badRequest(ApiError.of("INVALID_INPUT", message));
    }
}
