package dev.tandem.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Jetty's own error responses as {@link Problem} JSON: what Jetty refuses before a request reaches Javalin (400 bad
 * request line, 408 timeouts, 413, 414 URI too long, 431 header fields too large) would otherwise be an HTML page,
 * the only non-JSON answer of the listener. Installed as the server's error handler.
 *
 * <p>Jetty's message is kept as the detail, cut to {@value #MAX_DETAIL} characters: it describes the client's own
 * request (e.g. "Request Header Fields Too Large"), never server internals; stack traces are never written.
 */
public final class ProblemErrorHandler extends ErrorHandler {

    static final int MAX_DETAIL = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    public ProblemErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    /** The problem for a status Jetty produced: its code named after the status, its detail Jetty's message. */
    public static Problem problem(int status, String message) {
        String reason = HttpStatus.getMessage(status);
        String detail = message == null || message.isBlank() ? reason : message;
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL) + "…";
        }
        return Problem.of(status, code(status), reason, detail);
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "request_header_fields_too_large";
            case 500 -> "internal_error";
            case 503 -> "unavailable";
            default -> "http_" + status;
        };
    }

    static byte[] json(Problem problem) {
        try {
            return JSON.writeValueAsBytes(problem);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            // A record of strings and an int cannot fail to serialise; keep an answer anyway.
            return ("{\"status\":" + problem.status() + ",\"code\":\"" + problem.code() + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
                                    Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        // Jetty may close a connection after refusing its request (an ambiguous URI such as %00 in a path) without
        // saying so; a client that then reuses the connection for its next request reads nothing (seen with the
        // JDK HttpClient: "header parser received no bytes" on a following DELETE, which it does not retry). Saying
        // "Connection: close" (RFC 9112 §9.6) makes every client open a fresh connection instead.
        if (code >= 400 && code < 500) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        response.write(true, ByteBuffer.wrap(json(problem(code, message))), callback);
    }

    /** The body of an answer Jetty writes without a request to hand (a request line or header it cannot parse). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        return ByteBuffer.wrap(json(problem(status, reason)));
    }
}
