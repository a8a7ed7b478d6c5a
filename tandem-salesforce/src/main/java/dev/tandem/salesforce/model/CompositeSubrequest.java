package dev.tandem.salesforce.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One subrequest of {@code POST /composite} (salesforce-api.md §2.9). Later subrequests refer to earlier results
 * with {@code @{referenceId.field}} in their url or body, e.g. {@code "AccountId": "@{newAccount.id}"} (case matters:
 * a POST result exposes {@code id}, a GET record {@code Id}).
 *
 * @param method      POST, PUT, PATCH, GET or DELETE
 * @param url         a data-API path relative to {@code /services/data/vXX.X/} ({@code sobjects/Account}), or a full
 *                    {@code /services/data/vXX.X/...} path
 * @param referenceId letters, digits and underscores, starting with a letter or digit (§2.9: API 52+ rejects the
 *                    whole request otherwise)
 * @param body        the JSON body, or null
 * @param httpHeaders extra headers; Accept, Authorization and Content-Type are not allowed (§2.9)
 */
public record CompositeSubrequest(String method, String url, String referenceId, ObjectNode body,
                                  Map<String, String> httpHeaders) {

    private static final Set<String> METHODS = Set.of("POST", "PUT", "PATCH", "GET", "DELETE");
    private static final Pattern REFERENCE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_]{0,79}");
    private static final Set<String> FORBIDDEN_HEADERS = Set.of("accept", "authorization", "content-type");

    public CompositeSubrequest {
        Objects.requireNonNull(method, "method");
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("composite subrequest method must be one of " + METHODS + ", got "
                    + method);
        }
        if (url == null || url.isBlank() || url.contains("://")) {
            throw new IllegalArgumentException("composite subrequest url must be a data-API path, got: " + url);
        }
        if (referenceId == null || !REFERENCE_ID.matcher(referenceId).matches()) {
            throw new IllegalArgumentException("composite referenceId must be letters, digits and underscores, "
                    + "starting with a letter or digit, got: " + referenceId);
        }
        httpHeaders = httpHeaders == null ? Map.of() : Map.copyOf(httpHeaders);
        httpHeaders.keySet().forEach(h -> {
            if (FORBIDDEN_HEADERS.contains(h.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException("composite subrequests may not set the " + h + " header (§2.9)");
            }
        });
    }

    public static CompositeSubrequest of(String method, String url, String referenceId, ObjectNode body) {
        return new CompositeSubrequest(method, url, referenceId, body, Map.of());
    }
}
