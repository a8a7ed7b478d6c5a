package dev.tandem.sandbox.clarity.wire;

import java.util.List;

/**
 * ServiceStack's standard error DTO, written as {@code {"ResponseStatus":{"ErrorCode","Message","Errors":[]}}}
 * (spec §2, "Errors"). The stack trace member is never filled: a sandbox must not leak its internals.
 */
public record ResponseStatus(String errorCode, String message, List<ResponseError> errors) {

    public ResponseStatus(String errorCode, String message) {
        this(errorCode, message, List.of());
    }

    /** One field error inside {@code Errors}. */
    public record ResponseError(String errorCode, String fieldName, String message) {
    }

    /** The envelope ServiceStack puts around {@link ResponseStatus}. */
    public record Envelope(ResponseStatus responseStatus) {
    }
}
