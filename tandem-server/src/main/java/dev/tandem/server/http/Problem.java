package dev.tandem.server.http;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error shape of Tandem's HTTP endpoints: RFC 9457 "Problem Details for HTTP APIs"
 * (https://www.rfc-editor.org/rfc/rfc9457, section 3), sent as {@code application/problem+json}.
 *
 * <p>{@code type} is a stable URI per kind of problem ({@code https://tandem.dev/problems/<code>}), {@code code} the
 * same kind as a short machine code (an extension member, RFC 9457 section 3.2) so clients can switch on it,
 * {@code detail} what is wrong and what to do about it, in words an operator can act on.
 *
 * @param type       a URI naming the kind of problem
 * @param title      a short summary of the kind (the same for every occurrence)
 * @param status     the HTTP status code
 * @param detail     this occurrence, explained
 * @param instance   the request path, when useful
 * @param code       the machine code, e.g. {@code invalid_signature}, {@code unauthorized}
 * @param extensions further members (e.g. {@code errors} of a validation failure); never secrets
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance, String code,
                      @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> extensions) {

    public static final String MEDIA_TYPE = "application/problem+json";
    private static final String TYPE_BASE = "https://tandem.dev/problems/";

    public Problem {
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
    }

    /** A problem of kind {@code code} (e.g. {@code not_found}) with its HTTP status and an explanation. */
    public static Problem of(int status, String code, String title, String detail) {
        return new Problem(TYPE_BASE + code, title, status, detail, null, code, Map.of());
    }

    public Problem withInstance(String path) {
        return new Problem(type, title, status, detail, path, code, extensions);
    }

    public Problem with(String member, Object value) {
        Map<String, Object> e = new LinkedHashMap<>(extensions);
        e.put(member, value);
        return new Problem(type, title, status, detail, instance, code, e);
    }

    @JsonAnyGetter
    Map<String, Object> members() {
        return extensions;
    }

    /** Writes this problem as the response: status, {@code application/problem+json}, the JSON body. */
    public void send(Context ctx) {
        ctx.status(status).json(this).contentType(MEDIA_TYPE);
    }
}
