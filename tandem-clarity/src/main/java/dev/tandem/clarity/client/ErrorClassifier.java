package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.error.IntegrationException;

import java.io.IOException;
import java.net.http.HttpTimeoutException;

/**
 * Turns CEF failures into {@link IntegrationException}s (system {@code clarity}), in one place for the session and
 * the client. Retryable: HTTP 5xx, 408 and 429 (the server's or a proxy's trouble, or "slow down"), timeouts and
 * connection failures. Permanent: the other 4xx, with CEF's own code and message.
 *
 * <p>CEF (ServiceStack behind IIS/DNN) reports errors in three shapes (clarity-api.md §2): 401/403 as
 * {@code {"StatusCode","StatusDescription","Message"}}; coded exceptions as {@code {Code, Message, LogID}}; everything
 * else as ServiceStack's {@code {"ResponseStatus":{"ErrorCode","Message",...}}}. A body of none of these shapes (an
 * IIS HTML page) gives code {@code HTTP_<status>}.
 */
public final class ErrorClassifier {

    public static final String SYSTEM = "clarity";
    public static final String TIMEOUT = "TIMEOUT";
    public static final String IO_ERROR = "IO_ERROR";

    private ErrorClassifier() {
    }

    public static boolean isRetryable(int httpStatus) {
        return httpStatus >= 500 || httpStatus == 408 || httpStatus == 429;
    }

    /** CEF's error code and message from an error body, or {@code HTTP_<status>} and a generic message. */
    public static CefError cefError(int httpStatus, JsonNode body) {
        String code = "";
        String message = "";
        if (body != null && body.isObject()) {
            JsonNode status = body.path("ResponseStatus");
            if (status.isObject()) {
                code = text(status, "ErrorCode");
                message = text(status, "Message");
            }
            if (code.isEmpty()) {
                code = text(body, "Code");
            }
            if (code.isEmpty()) {
                code = text(body, "StatusDescription");
            }
            if (message.isEmpty()) {
                message = text(body, "Message");
            }
            if (message.isEmpty()) {
                message = text(body, "StatusDescription");
            }
        }
        return new CefError(code.isEmpty() ? "HTTP_" + httpStatus : code,
                message.isEmpty() ? "HTTP " + httpStatus : message);
    }

    /** The exception for a failed call; {@code what} names the call (e.g. {@code GET /Ordering/SalesOrder/ID/5001}). */
    public static IntegrationException toException(String what, int httpStatus, JsonNode body) {
        CefError error = cefError(httpStatus, body);
        String message = "Clarity " + what + " failed (HTTP " + httpStatus + "): " + error.message();
        return isRetryable(httpStatus)
                ? IntegrationException.transientFailure(SYSTEM, error.code(), message, httpStatus, null)
                : IntegrationException.permanentFailure(SYSTEM, error.code(), message, httpStatus);
    }

    /** No HTTP answer: retryable, status 0, code {@code TIMEOUT} or {@code IO_ERROR}. */
    public static IntegrationException transportFailure(String what, IOException failure) {
        boolean timeout = failure instanceof HttpTimeoutException;
        String message = (timeout ? "Clarity did not answer in time: " : "Could not reach Clarity: ") + what
                + " (" + failure.getClass().getSimpleName() + ")";
        return IntegrationException.transientFailure(SYSTEM, timeout ? TIMEOUT : IO_ERROR, message, 0, failure);
    }

    /** Interrupted while waiting for Clarity: keeps the interrupt and reports a retryable failure. */
    public static IntegrationException interrupted(String what, InterruptedException failure) {
        Thread.currentThread().interrupt();
        return IntegrationException.transientFailure(SYSTEM, "INTERRUPTED",
                "Interrupted while waiting for Clarity: " + what, 0, failure);
    }

    /** CEF's error code and message. */
    public record CefError(String code, String message) {
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isContainerNode() ? "" : value.asText();
    }
}
