package dev.tandem.core.port;

import java.util.List;

/**
 * One error reported by Salesforce for a subrequest, with the connector's classification.
 *
 * @param errorCode Salesforce's {@code errorCode} (or {@code statusCode} inside result lists)
 * @param message   Salesforce's message, verbatim
 * @param fields    the fields concerned
 * @param retryable whether trying again later can succeed (e.g. {@code UNABLE_TO_LOCK_ROW})
 */
public record ApiError(String errorCode, String message, List<String> fields, boolean retryable) {

    public ApiError {
        fields = List.copyOf(fields);
    }
}
