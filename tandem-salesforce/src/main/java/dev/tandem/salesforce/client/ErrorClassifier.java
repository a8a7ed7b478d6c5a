package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;

import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which Salesforce failures are worth retrying, in one place for request-level errors and for the per-node
 * errors of Composite Graph results (salesforce-api.md §2.2, §2.12).
 *
 * <p>Retryable: any HTTP 5xx; transport failures ({@code TIMEOUT}, {@code IO_ERROR}); {@code UNABLE_TO_LOCK_ROW}
 * (seen with 400 and 500, §2.12 "transient, retry"); {@code REQUEST_LIMIT_EXCEEDED} (403, after a wait);
 * {@code SERVER_UNAVAILABLE}; and the markers of work rolled back because of <em>another</em> failure
 * ({@code PROCESSING_HALTED}, {@code ALL_OR_NONE_OPERATION_ROLLED_BACK}: a graph halted only because the payload hit
 * the graph-failure limit succeeds when sent again, §2.10). Everything else is permanent: retrying
 * {@code REQUIRED_FIELD_MISSING} or {@code MALFORMED_ID} gives the same answer.
 */
public final class ErrorClassifier {

    public static final String SYSTEM = "salesforce";
    /** Tandem's code for a request that got no answer in time. */
    public static final String TIMEOUT = "TIMEOUT";
    /** Tandem's code for a connection failure. */
    public static final String IO_ERROR = "IO_ERROR";
    /** The daily API allocation is a rolling 24 h window (§5): waiting a while frees capacity. */
    public static final Duration DEFAULT_REQUEST_LIMIT_BACKOFF = Duration.ofMinutes(15);

    private static final Set<String> RETRYABLE_CODES = Set.of(
            "UNABLE_TO_LOCK_ROW",
            "REQUEST_LIMIT_EXCEEDED",
            "SERVER_UNAVAILABLE",
            "PROCESSING_HALTED",
            "ALL_OR_NONE_OPERATION_ROLLED_BACK",
            TIMEOUT,
            IO_ERROR);

    private final Duration requestLimitBackoff;

    public ErrorClassifier() {
        this(DEFAULT_REQUEST_LIMIT_BACKOFF);
    }

    public ErrorClassifier(Duration requestLimitBackoff) {
        this.requestLimitBackoff = Objects.requireNonNull(requestLimitBackoff, "requestLimitBackoff");
    }

    /** Whether an error with this HTTP status and Salesforce error code can succeed when tried again later. */
    public boolean isRetryable(int httpStatus, String errorCode) {
        return httpStatus >= 500 || RETRYABLE_CODES.contains(errorCode);
    }

    /** The minimum wait before retrying, when the error asks for one. */
    public Duration retryAfter(String errorCode) {
        return "REQUEST_LIMIT_EXCEEDED".equals(errorCode) ? requestLimitBackoff : null;
    }

    /**
     * The errors of an error body: the array {@code [{message, errorCode, fields}]} of single-record calls (§2.2), or
     * the {@code statusCode} variant of save results (§2.8), or a save result object {@code {success:false, errors:[...]}}.
     * A body of another shape gives one error {@code HTTP_<status>} carrying the raw text, so nothing is lost.
     */
    public List<ApiError> errors(int httpStatus, JsonNode body, String rawBody) {
        JsonNode array = body != null && body.isObject() && body.path("errors").isArray() ? body.get("errors") : body;
        List<ApiError> errors = new ArrayList<>();
        if (array != null && array.isArray()) {
            for (JsonNode e : array) {
                if (e.isObject()) {
                    errors.add(error(httpStatus, e));
                }
            }
        }
        if (errors.isEmpty()) {
            String code = "HTTP_" + httpStatus;
            errors.add(new ApiError(code, rawBody == null || rawBody.isBlank() ? "HTTP " + httpStatus : rawBody,
                    List.of(), isRetryable(httpStatus, code)));
        }
        return errors;
    }

    /**
     * The exception for a failed request. The code, status and retry-after come from the first error; the message
     * joins every error's message (a request missing several fields can list them in separate objects, §9); the
     * request is retryable only when every error is (or the status is 5xx).
     */
    public IntegrationException toException(int httpStatus, JsonNode body, String rawBody) {
        List<ApiError> errors = errors(httpStatus, body, rawBody);
        ApiError first = errors.getFirst();
        boolean retryable = errors.stream().allMatch(ApiError::retryable);
        String message = errors.stream().map(e -> errors.size() > 1 ? e.errorCode() + ": " + e.message() : e.message())
                .collect(Collectors.joining("; "));
        Set<String> fields = new LinkedHashSet<>();
        errors.forEach(e -> fields.addAll(e.fields()));
        JsonNode duplicateResult = duplicateResult(body);
        if ("DUPLICATES_DETECTED".equals(first.errorCode()) && duplicateResult != null) {
            return new DuplicatesDetectedException(message, httpStatus, List.copyOf(fields), duplicateResult);
        }
        return new IntegrationException(SYSTEM, first.errorCode(), message, httpStatus, retryable,
                List.copyOf(fields), retryable ? retryAfter(first.errorCode()) : null, null);
    }

    /**
     * The record ids a duplicate rule matched: {@code matchResults[].matchRecords[].record.Id} of a
     * {@code duplicateResult} (§2.12); empty for null or another shape.
     */
    public static List<String> matchedRecordIds(JsonNode duplicateResult) {
        List<String> ids = new ArrayList<>();
        if (duplicateResult != null) {
            for (JsonNode match : duplicateResult.path("matchResults")) {
                for (JsonNode record : match.path("matchRecords")) {
                    String id = record.path("record").path("Id").asText("");
                    if (!id.isEmpty()) {
                        ids.add(id);
                    }
                }
            }
        }
        return List.copyOf(ids);
    }

    /** The {@code duplicateResult} of the first DUPLICATES_DETECTED error in an error body, or null. */
    static JsonNode duplicateResult(JsonNode body) {
        JsonNode array = body != null && body.isObject() && body.path("errors").isArray() ? body.get("errors") : body;
        if (array != null && array.isArray()) {
            for (JsonNode e : array) {
                if (e.path("duplicateResult").isObject()) {
                    return e.get("duplicateResult");
                }
            }
        }
        return null;
    }

    /**
     * The exception for a request that got no HTTP answer: retryable, status 0, code {@code TIMEOUT} or
     * {@code IO_ERROR}. {@code what} names the call (e.g. {@code GET /query}) and must not contain secrets.
     */
    public static IntegrationException transportFailure(String what, IOException failure) {
        boolean timeout = failure instanceof HttpTimeoutException;
        String message = (timeout ? "Salesforce did not answer in time: " : "Could not reach Salesforce: ") + what
                + " (" + failure.getClass().getSimpleName() + ")";
        return IntegrationException.transientFailure(SYSTEM, timeout ? TIMEOUT : IO_ERROR, message, 0, failure);
    }

    /** Interrupted while waiting for Salesforce: keeps the interrupt and reports a retryable failure. */
    public static IntegrationException interrupted(String what, InterruptedException failure) {
        Thread.currentThread().interrupt();
        return IntegrationException.transientFailure(SYSTEM, "INTERRUPTED",
                "Interrupted while waiting for Salesforce: " + what, 0, failure);
    }

    /**
     * One error object, {@code errorCode} (single-record calls, §2.2) or {@code statusCode} (SaveResult lists, §2.8)
     * variant, classified.
     */
    public ApiError error(int httpStatus, JsonNode e) {
        String code = text(e, "errorCode");
        if (code.isEmpty()) {
            code = text(e, "statusCode");
        }
        if (code.isEmpty()) {
            code = "HTTP_" + httpStatus;
        }
        List<String> fields = new ArrayList<>();
        e.path("fields").forEach(f -> {
            if (f.isTextual()) {
                fields.add(f.asText());
            }
        });
        String message = text(e, "message");
        // A duplicate rule's answer names the records it matched (§2.12): they go into the message, so a dead
        // letter of a graph or a Collections save says which records to link or merge, not just "Use one of these
        // records?".
        List<String> matched = matchedRecordIds(e.get("duplicateResult"));
        if (!matched.isEmpty()) {
            message = message + " (matching " + (matched.size() == 1 ? "record" : "records") + ": "
                    + String.join(", ", matched) + ")";
        }
        return new ApiError(code, message, fields, isRetryable(httpStatus, code));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? "" : value.asText();
    }
}
