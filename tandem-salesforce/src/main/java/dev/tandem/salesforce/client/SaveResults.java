package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.SaveResult;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the SaveResult lists of sObject Collections and Platform Event publishes (salesforce-api.md §2.8, §4.7):
 * {@code [{id, success, errors:[{statusCode, message, fields}], created}]}, one entry per record, in request order.
 */
final class SaveResults {

    private SaveResults() {
    }

    /**
     * One {@link SaveResult} per record. A list of another length than the request cannot be matched to records
     * safely, so it is an {@code UNEXPECTED_RESPONSE} rather than a guess.
     */
    static List<SaveResult> parse(JsonNode body, int expected, ErrorClassifier classifier, String what) {
        if (body == null || !body.isArray() || body.size() != expected) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                    "Unexpected Salesforce response: " + what + " returned "
                            + (body == null || !body.isArray() ? "no result list" : body.size() + " results for "
                            + expected + " records"), 200);
        }
        List<SaveResult> results = new ArrayList<>(expected);
        for (JsonNode entry : body) {
            results.add(one(entry, classifier));
        }
        return results;
    }

    static SaveResult one(JsonNode entry, ErrorClassifier classifier) {
        boolean success = entry.path("success").asBoolean(false);
        List<ApiError> errors = new ArrayList<>();
        for (JsonNode e : entry.path("errors")) {
            if (e.isObject()) {
                // Errors inside a 200 list: retryability follows the code alone (the HTTP status says nothing).
                errors.add(classifier.error(200, e));
            }
        }
        if (!success && errors.isEmpty()) {
            errors.add(new ApiError("UNKNOWN_ERROR", "Salesforce reported a failure without errors: " + entry,
                    List.of(), false));
        }
        String id = entry.path("id").isTextual() ? entry.get("id").asText() : "";
        return new SaveResult(id, success, entry.path("created").asBoolean(false), errors);
    }
}
