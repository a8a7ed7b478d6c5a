package dev.tandem.sandbox.clarity.wire;

/**
 * Ends a request with a status and a CEF-shaped error body. Handlers throw it; the server's exception mapper
 * writes it, so every error leaves the sandbox as JSON (spec §2) and never as an HTML page or a stack trace.
 */
public final class ClarityHttpException extends RuntimeException {

    private final int status;
    private final transient Object body;

    public ClarityHttpException(int status, Object body, String message) {
        super(message);
        this.status = status;
        this.body = body;
    }

    public int status() {
        return status;
    }

    public Object body() {
        return body;
    }

    /** 401 for a missing, unknown or expired session: the {@code HttpError} shape of spec §2 and §9. */
    public static ClarityHttpException unauthorized(String message) {
        return new ClarityHttpException(401, new HttpErrorBody(401, "Unauthorized", message), message);
    }

    /**
     * 401 for a failed {@code /auth/identity}: ServiceStack's {@code AuthenticateService} throws
     * {@code HttpError.Unauthorized("Invalid UserName or Password")}, which reaches the client in the standard
     * {@code ResponseStatus} envelope (spec §2 "Otherwise ServiceStack's standard ...", §4).
     */
    public static ClarityHttpException invalidCredentials() {
        String message = "Invalid UserName or Password";
        return new ClarityHttpException(401,
                new ResponseStatus.Envelope(new ResponseStatus("Unauthorized", message)), message);
    }

    /** 403 for a login without the route's permission (spec §2 HttpError shape, §4 permissions). */
    public static ClarityHttpException forbidden(String message) {
        return new ClarityHttpException(403, new HttpErrorBody(403, "Forbidden", message), message);
    }

    /**
     * A business-rule failure of a write: {@code CEFActionResponse} with {@code ActionSucceeded=false} and the reason
     * in {@code Messages}, sent with HTTP 200. ServiceStack only sets an error status for a thrown exception or an
     * {@code HttpError} (spec §2 "Errors"); a failing {@code CEFActionResponse} is an ordinary response DTO
     * (spec §2 "Action response"). [INFERRED: the spec shows no captured failure.]
     */
    public static ClarityHttpException actionFailed(String message) {
        return new ClarityHttpException(200, new FailedAction(false, java.util.List.of(message)), message);
    }

    /** The wire form of a failing {@code CEFActionResponse} (no {@code Result}). */
    public record FailedAction(boolean actionSucceeded, java.util.List<String> messages) {
    }

    public static ClarityHttpException notFound(String message) {
        return new ClarityHttpException(404, new ResponseStatus.Envelope(new ResponseStatus("NotFound", message)),
                message);
    }

    /** A configured fault (the {@code /_sandbox/faults} switch): 500 or 503 in ServiceStack's error envelope. */
    public static ClarityHttpException injected(int status) {
        String message = status == 503 ? "Service Unavailable (injected by the sandbox)"
                : "Internal Server Error (injected by the sandbox)";
        return new ClarityHttpException(status, new ResponseStatus.Envelope(new ResponseStatus(
                status == 503 ? "ServiceUnavailable" : "InternalServerError", message)), message);
    }

    public static ClarityHttpException badRequest(String errorCode, String message) {
        return new ClarityHttpException(400, new ResponseStatus.Envelope(new ResponseStatus(errorCode, message)),
                message);
    }
}
