package dev.tandem.core.error;

import java.util.List;

/**
 * One error a system reported for one record or request (a rejected write, a failed enrichment), with the
 * connector's classification. Direction-neutral: the connector that talked to the system fills it in with that
 * system's own code and message, so dead letters carry what the system said (architecture invariant 4).
 *
 * @param errorCode the system's error code, verbatim (e.g. Salesforce's {@code errorCode}), or Tandem's own
 * @param message   the system's message, verbatim
 * @param fields    the fields concerned, when the system says
 * @param retryable whether trying again later can succeed (e.g. a record lock)
 * @see IntegrationException the same classification for a failure of a whole call
 */
public record ApiError(String errorCode, String message, List<String> fields, boolean retryable) {

    public ApiError {
        fields = List.copyOf(fields);
    }
}
