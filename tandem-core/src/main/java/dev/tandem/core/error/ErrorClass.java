package dev.tandem.core.error;

import java.util.Locale;
import java.util.Set;

/**
 * What kind of failure an error code is, in the terms an operator triages by (issue 9: "error class (data, missing
 * field, duplicate, connection, rate limit, auth, business rule)"). Dead letters are filtered by it, retry policies
 * are chosen by it, and it decides what fixes a failure: new data ({@link #fixedByData()}), the other system coming
 * back ({@link #CONNECTION}, {@link #RATE_LIMIT}) or a change of configuration ({@link #AUTH}).
 *
 * <p>Codes are Salesforce's ({@code errorCode} of an error body, see
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), Clarity's, or
 * Tandem's own (e.g. {@code BUSINESS_RULE_VIOLATION}, {@code MAPPING_ERROR}).
 */
public enum ErrorClass {
    /** A value the target refuses: wrong format, unknown picklist value, a bad reference. */
    DATA,
    /** A required field is empty; fixed by completing the source record. */
    MISSING_FIELD,
    /** The target already has the record (a duplicate rule, a unique field, several matches for a key). */
    DUPLICATE,
    /** The system could not be reached or answered 5xx / timed out; fixed when it is back. */
    CONNECTION,
    /** A request limit was hit; fixed when the limit window frees. */
    RATE_LIMIT,
    /** Credentials or permissions refused; fixed by configuration, never by retrying the record. */
    AUTH,
    /** A rule of the flow (validate step) or of the target (validation rule, trigger) refused the record. */
    BUSINESS_RULE,
    /** Row locks and other contention; retried with backoff. */
    LOCK,
    /** Tandem itself: a mapping that failed, a flow that threw. */
    INTERNAL;

    private static final Set<String> MISSING = Set.of("REQUIRED_FIELD_MISSING", "MISSING_FIELD",
            "REQUIRED_FIELD", "FIELD_MISSING");
    private static final Set<String> DUPLICATES = Set.of("DUPLICATES_DETECTED", "DUPLICATE_VALUE",
            "DUPLICATE_EXTERNAL_ID", "DUPLICATE_USERNAME", "MULTIPLE_CHOICES", "HTTP_300", "DUPLICATE_CANDIDATES");
    private static final Set<String> CONNECTIONS = Set.of("TIMEOUT", "IO_ERROR", "SERVER_UNAVAILABLE",
            "CLARITY_CIRCUIT_OPEN", "SALESFORCE_CIRCUIT_OPEN", "CIRCUIT_OPEN", "INTERRUPTED", "UNEXPECTED_RESPONSE");
    private static final Set<String> RATE_LIMITS = Set.of("REQUEST_LIMIT_EXCEEDED", "TOO_MANY_REQUESTS",
            "HTTP_429", "CONCURRENT_REQUEST_LIMIT_EXCEEDED", "HTTP_ENRICH_THROTTLED");
    private static final Set<String> AUTHS = Set.of("INVALID_SESSION_ID", "INVALID_CLIENT", "INVALID_GRANT",
            "INVALID_AUTH_HEADER", "INSUFFICIENT_ACCESS", "INSUFFICIENT_ACCESS_OR_READONLY", "API_DISABLED_FOR_ORG",
            "CLARITY_LOGIN_FAILED", "HTTP_401", "HTTP_403", "AUTH_FAILED", "UNAUTHORIZED");
    private static final Set<String> BUSINESS = Set.of("BUSINESS_RULE_VIOLATION", "FIELD_CUSTOM_VALIDATION_EXCEPTION",
            "CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY", "VALIDATION_FAILED", "FIELD_INTEGRITY_EXCEPTION");
    private static final Set<String> LOCKS = Set.of("UNABLE_TO_LOCK_ROW", "PROCESSING_HALTED",
            "ALL_OR_NONE_OPERATION_ROLLED_BACK");
    private static final Set<String> INTERNALS = Set.of("FLOW_ERROR", "MAPPING_ERROR", "SPLIT_TOO_LARGE");

    /** The class of an error code, with the HTTP status when the code alone does not tell (0 when none). */
    public static ErrorClass of(String errorCode, int httpStatus) {
        String code = errorCode == null ? "" : errorCode.toUpperCase(Locale.ROOT);
        if (MISSING.contains(code)) {
            return MISSING_FIELD;
        }
        if (DUPLICATES.contains(code)) {
            return DUPLICATE;
        }
        if (RATE_LIMITS.contains(code)) {
            return RATE_LIMIT;
        }
        if (AUTHS.contains(code)) {
            return AUTH;
        }
        if (LOCKS.contains(code)) {
            return LOCK;
        }
        if (BUSINESS.contains(code) || code.startsWith("RULE_") || code.startsWith("VALIDATION_")) {
            return BUSINESS_RULE;
        }
        if (INTERNALS.contains(code)) {
            return INTERNAL;
        }
        if (CONNECTIONS.contains(code) || code.endsWith("_TIMEOUT") || code.endsWith("_UNAVAILABLE")
                || code.endsWith("_SERVER_ERROR") || httpStatus >= 500 || code.matches("HTTP_5\\d\\d")) {
            return CONNECTION;
        }
        if (httpStatus == 401 || httpStatus == 403) {
            return AUTH;
        }
        if (httpStatus == 429) {
            return RATE_LIMIT;
        }
        return DATA;
    }

    /** The class of an error code alone. */
    public static ErrorClass of(String errorCode) {
        return of(errorCode, 0);
    }

    /** Whether a change of the source data can fix it: a new event for the record is worth a retry. */
    public boolean fixedByData() {
        return this == DATA || this == MISSING_FIELD || this == BUSINESS_RULE || this == DUPLICATE;
    }

    /** Whether the other system being available again fixes it. */
    public boolean fixedByRecovery() {
        return this == CONNECTION || this == RATE_LIMIT || this == LOCK;
    }

    /** The lower-case name used in the API and in config, e.g. {@code missing_field}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@link #id()} (or the enum name), case-insensitively. */
    public static ErrorClass parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
