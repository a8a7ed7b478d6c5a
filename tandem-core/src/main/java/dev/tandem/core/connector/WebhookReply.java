package dev.tandem.core.connector;

import java.util.Map;
import java.util.Objects;

/**
 * A {@link WebhookSource}'s answer, which the HTTP listener renders as JSON: a 2xx as
 * {@code {"status": code, ...details}}, anything else as Tandem's error body {@code {"error": code, "message": ...}}.
 *
 * @param status  the HTTP status
 * @param code    a stable machine code: {@code accepted}, {@code duplicate}, {@code invalid_signature}, ...
 * @param message for an operator or the sender; never a secret
 * @param details more fields of a 2xx body (JSON scalars: strings, numbers, booleans), e.g. the event id
 */
public record WebhookReply(int status, String code, String message, Map<String, Object> details) {

    public WebhookReply {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        Objects.requireNonNull(code, "code");
        message = message == null ? "" : message;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    /** A 2xx answer. */
    public static WebhookReply ok(int status, String code, Map<String, Object> details) {
        if (status < 200 || status > 299) {
            throw new IllegalArgumentException("not a 2xx status: " + status);
        }
        return new WebhookReply(status, code, "", details);
    }

    /** A refusal (4xx, or 5xx when Tandem cannot take the event now and the sender should retry). */
    public static WebhookReply refused(int status, String code, String message) {
        if (status < 400) {
            throw new IllegalArgumentException("a refusal needs a 4xx or 5xx status: " + status);
        }
        return new WebhookReply(status, code, message, Map.of());
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }
}
