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
                  String payload) implements FlowOutcome {
    }
}
