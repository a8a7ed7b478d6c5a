package dev.tandem.sandbox.salesforce.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A REST response before it hits the wire; composite resources embed these as sub-results
 * ({@code body, httpHeaders, httpStatusCode}, spec §2.9).
 *
 * @param body null for bodiless responses (204)
 */
public record ApiResponse(int status, Map<String, String> headers, JsonNode body) {

    public ApiResponse {
        headers = Map.copyOf(new LinkedHashMap<>(headers));
    }

    public static ApiResponse of(int status, JsonNode body) {
        return new ApiResponse(status, Map.of(), body);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, Map.of(), null);
    }

    public static ApiResponse error(ApiException e) {
        return new ApiResponse(e.status(), Map.of(), e.toJson());
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }
}
