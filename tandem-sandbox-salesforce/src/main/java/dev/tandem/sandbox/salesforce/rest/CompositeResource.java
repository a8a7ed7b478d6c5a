package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code POST /composite}: up to 25 sub-requests with references and optional all-or-none (spec §2.9). */
final class CompositeResource {

    static final int MAX_SUBREQUESTS = 25;
    /** "Up to 5 of these subrequests can be sObject Collections or query operations" (§2.9). */
    static final int MAX_QUERIES_AND_COLLECTIONS = 5;

    private final RestApi api;

    CompositeResource(RestApi api) {
        this.api = api;
    }

    ApiResponse handle(ApiRequest request, CallScope scope) {
        if (!request.method().equals("POST")) {
            throw Responses.methodNotAllowed(request, "POST");
        }
        JsonNode body = request.json();
        JsonNode subrequests = body.get("compositeRequest");
        if (subrequests == null || !subrequests.isArray() || subrequests.isEmpty()) {
            throw CompositeResults.invalidInput("compositeRequest must be a non-empty array of subrequests");
        }
        if (subrequests.size() > MAX_SUBREQUESTS) {
            // The limit is documented (§2.9); the error code for exceeding it is the sandbox's choice [inferred].
            throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED",
                    "Composite request has " + subrequests.size() + " subrequests; the limit is " + MAX_SUBREQUESTS));
        }
        List<String> referenceIds = referenceIds(subrequests);
        long heavy = 0;
        for (JsonNode sub : subrequests) {
            String url = sub.path("url").asText();
            if (url.contains("/query") || url.contains("/composite/sobjects")) {
                heavy++;
            }
        }
        if (heavy > MAX_QUERIES_AND_COLLECTIONS) {
            throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED", "Composite request has " + heavy
                    + " query or sObject Collections subrequests; the limit is " + MAX_QUERIES_AND_COLLECTIONS));
        }
        boolean allOrNone = body.path("allOrNone").asBoolean(false);
        References references = new References();
        int start = scope.tx().savepoint();
        ArrayNode entries = Json.array();
        List<ApiResponse> responses = new ArrayList<>();
        for (int i = 0; i < subrequests.size(); i++) {
            ApiResponse response = api.executeSubrequest(subrequests.get(i), references, scope, false);
            responses.add(response);
            if (response.successful()) {
                references.record(referenceIds.get(i), response.body());
            } else if (allOrNone) {
                // "If the value is true, the entire composite request is rolled back" (§2.9).
                scope.tx().rollbackTo(start);
                return ApiResponse.of(200, wrap(CompositeResults.allOrNone(referenceIds, i, response,
                        CompositeResults.ROLLED_BACK)));
            }
        }
        for (int i = 0; i < responses.size(); i++) {
            entries.add(CompositeResults.entry(responses.get(i), referenceIds.get(i)));
        }
        return ApiResponse.of(200, wrap(entries));
    }

    private static ObjectNode wrap(ArrayNode entries) {
        ObjectNode body = Json.object();
        body.set("compositeResponse", entries);
        return body;
    }

    /** Reference ids must be well-formed and unique; API 52.0+ rejects the whole request otherwise (§2.9). */
    static List<String> referenceIds(JsonNode subrequests) {
        List<String> ids = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (JsonNode sub : subrequests) {
            String id = sub.path("referenceId").asText("");
            if (!References.REFERENCE_ID.matcher(id).matches()) {
                throw CompositeResults.invalidInput("Invalid referenceId: '" + id + "'. A referenceId must start with"
                        + " a letter or a number and contain only letters, numbers and underscores.");
            }
            if (!seen.add(id)) {
                throw CompositeResults.invalidInput("Duplicate referenceId: " + id);
            }
            ids.add(id);
        }
        return ids;
    }
}
