package dev.tandem.core.state;

import java.time.Instant;

/**
 * A failed attempt that will be tried again: stored so a restart resumes it.
 *
 * @param eventOffset the log offset of the event being processed
 * @param flow        the flow that failed
 * @param attempts    attempts made so far (1 after the first failure)
 * @param dueAt       when the next attempt may run
 * @param lastError   the last error, for operators
 */
public record PendingRetry(long eventOffset, String flow, int attempts, Instant dueAt, String lastError) {
}
