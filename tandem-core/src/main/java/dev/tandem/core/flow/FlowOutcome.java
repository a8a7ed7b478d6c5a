package dev.tandem.core.flow;

import java.time.Duration;

/** What happened to one event in a flow; the runtime turns it into a commit, a retry or a dead letter. */
public sealed interface FlowOutcome {

    long offset();

    /** Written to the target; {@code detail} names what was written (e.g. the Salesforce ids). */
    record Synced(long offset, String detail) implements FlowOutcome {
    }

    /** Nothing to do (e.g. already synced, or not an event this flow acts on). */
    record Skipped(long offset, String reason) implements FlowOutcome {
    }

    /**
     * Failed. Retryable failures are retried with backoff until the policy gives up; the others are dead-lettered
     * at once.
     *
     * @param errorCode  a stable code (the target system's, or Tandem's)
     * @param message    the reason, in words an operator can act on
     * @param retryable  whether a later attempt can succeed
     * @param minimumWait a wait the target asked for, or {@link Duration#ZERO}
     * @param payload    the data the flow had (the fetched record when there is one), for the dead letter
     */
    record Failed(long offset, String errorCode, String message, boolean retryable, Duration minimumWait,
                  String payload, FailureDetails details) implements FlowOutcome {

        public Failed {
            details = details == null ? FailureDetails.NONE : details;
        }

        public Failed(long offset, String errorCode, String message, boolean retryable, Duration minimumWait,
                      String payload) {
            this(offset, errorCode, message, retryable, minimumWait, payload, FailureDetails.NONE);
        }

        public Failed withOffset(long newOffset) {
            return new Failed(newOffset, errorCode, message, retryable, minimumWait, payload, details);
        }

        public Failed withDetails(FailureDetails newDetails) {
            return new Failed(offset, errorCode, message, retryable, minimumWait, payload, newDetails);
        }
    }

    /**
     * What an operator needs beyond the code and message to understand a failure (issue 9, "inspect one"): where it
     * failed, what the other system answered, what was sent, and which other records the record depends on (their
     * change can fix it: an order's billing contact without a last name).
     *
     * @param step       the step kind that failed, e.g. {@code to}, {@code validate}; empty when unknown
     * @param httpStatus the other system's HTTP status, 0 when there was no answer
     * @param fields     the fields the error is about, when the system says
     * @param request    the mapped request (the write plan as JSON) when the failure came after the transform; else null
     * @param refs       related records read for this record, as {@code entity/id} (e.g. {@code Contact/12})
     */
    record FailureDetails(String step, int httpStatus, java.util.List<String> fields, String request,
                          java.util.List<String> refs) {

        public static final FailureDetails NONE = new FailureDetails("", 0, java.util.List.of(), null, java.util.List.of());

        public FailureDetails {
            step = step == null ? "" : step;
            fields = fields == null ? java.util.List.of() : java.util.List.copyOf(fields);
            refs = refs == null ? java.util.List.of() : java.util.List.copyOf(refs);
        }

        public FailureDetails withStep(String s) {
            return new FailureDetails(step.isEmpty() ? s : step, httpStatus, fields, request, refs);
        }

        public FailureDetails withRequest(String r, java.util.List<String> newRefs) {
            return new FailureDetails(step, httpStatus, fields, request == null ? r : request, newRefs);
        }
    }
}
