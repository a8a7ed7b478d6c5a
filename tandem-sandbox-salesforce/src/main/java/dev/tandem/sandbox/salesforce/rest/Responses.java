package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.List;
import java.util.Map;

/** Builders for the response bodies several resources share. */
final class Responses {

    private Responses() {
    }

    static String recordUrl(String version, String type, String id) {
        return "/services/data/v" + version + "/sobjects/" + type + "/" + id;
    }

    /** {@code {"id","success":true,"errors":[]}} with the Location of the new record (spec §2.3). */
    static ApiResponse created(String version, String type, String id, Boolean createdFlag) {
        return new ApiResponse(201, Map.of("Location", recordUrl(version, type, id)), saveResult(id, createdFlag));
    }

    static ObjectNode saveResult(String id, Boolean createdFlag) {
        ObjectNode body = Json.object();
        body.put("id", id);
        body.put("success", true);
        body.putArray("errors");
        if (createdFlag != null) {
            body.put("created", createdFlag);
        }
        return body;
    }

    /** HTTP 300 with the URLs of every record an external id matched (spec §2.4). */
    static ApiResponse multipleChoices(String version, String type, List<String> ids) {
        ArrayNode urls = Json.array();
        ids.forEach(id -> urls.add(recordUrl(version, type, id)));
        return ApiResponse.of(300, urls);
    }

    static ApiException methodNotAllowed(ApiRequest request, String... allowed) {
        return new ApiException(405, List.of(ApiError.of("METHOD_NOT_ALLOWED", "HTTP Method '" + request.method()
                + "' not allowed. Allowed are " + String.join(",", allowed))));
    }

    static ApiException notFound() {
        return ApiException.notFound(ApiError.notFound());
    }
}
