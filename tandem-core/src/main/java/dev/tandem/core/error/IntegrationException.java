package dev.tandem.core.error;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A failure talking to an external system, classified so the runtime knows what to do with it:
 * {@linkplain #retryable() retryable} failures are retried with backoff, the others are dead-lettered with the
 * system's own error code and message (architecture invariant 4: every failure is visible and actionable).
 */
public class IntegrationException extends RuntimeException {

    private final String system;
    private final String errorCode;
    private final int httpStatus;
    private final boolean retryable;
    private final List<String> fields;
    private final Duration retryAfter;

    public IntegrationException(String system, String errorCode, String message, int httpStatus, boolean retryable,
                                List<String> fields, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.system = system;
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
        this.fields = List.copyOf(fields);
        this.retryAfter = retryAfter;
    }

    public static IntegrationException transientFailure(String system, String errorCode, String message, int httpStatus,
                                                        Throwable cause) {
        return new IntegrationException(system, errorCode, message, httpStatus, true, List.of(), null, cause);
    }

    public static IntegrationException permanentFailure(String system, String errorCode, String message, int httpStatus) {
        return new IntegrationException(system, errorCode, message, httpStatus, false, List.of(), null, null);
    }

    /** The system's name, as flows name it (e.g. {@code clarity}). */
    public String system() {
        return system;
    }

    /** The external system's error code (e.g. {@code UNABLE_TO_LOCK_ROW}) or Tandem's (e.g. {@code TIMEOUT}). */
    public String errorCode() {
        return errorCode;
    }

    /** The HTTP status, or 0 when none was received (timeout, connection refused). */
    public int httpStatus() {
        return httpStatus;
    }

    public boolean retryable() {
        return retryable;
    }

    /** The fields the error is about, when the system says. */
    public List<String> fields() {
        return fields;
    }

    /** A minimum wait the system asked for (e.g. after REQUEST_LIMIT_EXCEEDED). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
