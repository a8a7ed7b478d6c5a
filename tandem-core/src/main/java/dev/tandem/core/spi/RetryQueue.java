package dev.tandem.core.spi;

import dev.tandem.core.state.PendingRetry;

import java.time.Instant;
import java.util.List;

/** Retries that must survive a restart (architecture: "retries that must survive a restart are rows in the store"). */
public interface RetryQueue {

    /** Inserts or replaces the retry for ({@code eventOffset}, {@code flow}). */
    void scheduleRetry(PendingRetry retry);

    /** Up to {@code max} retries due at or before {@code now}, earliest first. */
    List<PendingRetry> dueRetries(Instant now, int max);

    void removeRetry(long eventOffset, String flow);

    long pendingRetryCount();

    /** The pending retries of one flow (the admin API's {@code GET /retries?flow=} total). */
    long pendingRetryCount(String flow);

    /** One page of the pending retries of {@code flow} (null for all), by event offset after {@code afterOffset}. */
    java.util.List<PendingRetry> pendingRetries(String flow, long afterOffset, int limit);

    java.util.Optional<PendingRetry> pendingRetry(long eventOffset, String flow);

    /** The earliest due time of the pending retries, if any (how long the oldest has waited is in its audit). */
    java.util.Optional<Instant> earliestRetryDue();
}
