package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request to a versioned REST resource, whether it came over HTTP or as a composite sub-request.
 *
 * @param version  "66.0" (from /services/data/v66.0/...)
 * @param segments decoded path segments after the version, without empty ones ({@code sobjects, Account, 001...})
 * @param query    decoded query parameters
 * @param body     the parsed JSON body when it came from a composite request; null means "parse {@code rawBody}"
 * @param rawBody  the HTTP body bytes (empty for composite sub-requests)
 * @param headers  request headers, keys lower-cased
 */
public record ApiRequest(String method, String version, List<String> segments, Map<String, List<String>> query,
        JsonNode body, byte[] rawBody, Map<String, String> headers) {

    public ApiRequest {
        method = method.toUpperCase(Locale.ROOT);
        segments = List.copyOf(segments);
        query = Map.copyOf(query);
        rawBody = rawBody == null ? new byte[0] : rawBody;
        Map<String, String> lower = new TreeMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers = Map.copyOf(lower);
    }

    public String segment(int index) {
        return segments.get(index);
    }

    public int depth() {
        return segments.size();
    }

    public String queryParam(String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** The JSON body; an empty or unreadable body is a 400 JSON_PARSER_ERROR. */
    public JsonNode json() {
        return body != null ? body : Json.parseBody(rawBody);
    }

    public boolean isWrite() {
        return !method.equals("GET") && !method.equals("HEAD");
    }
}
