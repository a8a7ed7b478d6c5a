package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns REST URLs (of HTTP requests and of composite sub-requests) into {@link ApiRequest}s. */
public final class SubRequests {

    private static final String DATA_PREFIX = "/services/data/";

    private SubRequests() {
    }

    /** Decoded, non-empty path segments; "+" stays a plus sign in a path (only form encoding maps it to space). */
    public static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    public static Map<String, List<String>> queryParameters(String rawQuery) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return params;
    }

    /**
     * A composite sub-request's {@code url} ("must start with /services/data/vXX.X/", spec §2.9) as a request;
     * empty when the URL is not a served versioned resource.
     */
    static Optional<ApiRequest> fromUrl(String method, String url, JsonNode body, Map<String, String> headers) {
        if (url == null || !url.startsWith(DATA_PREFIX)) {
            return Optional.empty();
        }
        int question = url.indexOf('?');
        String path = question < 0 ? url : url.substring(0, question);
        String rawQuery = question < 0 ? null : url.substring(question + 1);
        List<String> segments = segments(path.substring(DATA_PREFIX.length()));
        if (segments.isEmpty()) {
            return Optional.empty();
        }
        return ApiVersions.fromSegment(segments.getFirst()).map(version -> new ApiRequest(method, version,
                segments.subList(1, segments.size()), queryParameters(rawQuery), body, null, headers));
    }
}
