package dev.tandem.core.state;

import java.time.Instant;

/**
 * How a flow's events settled in one time bucket, from the audit trail (the dashboard's series): counts per outcome
 * and a latency histogram (time from receipt to settlement) with fixed upper bounds, {@link #BOUNDS_MS}.
 *
 * @param flow       the flow
 * @param bucket     the bucket's start
 * @param synced     events synced
 * @param skipped    events skipped (already synced, filtered, echoes)
 * @param retried    failed attempts that will be retried
 * @param deadLettered events dead-lettered
 * @param histogram  events settled within each bound of {@link #BOUNDS_MS} (cumulative), then the total
 */
public record SettleStats(String flow, Instant bucket, long synced, long skipped, long retried, long deadLettered,
                          long[] histogram) {

    /** Upper bounds of the latency histogram, in milliseconds. */
    public static final long[] BOUNDS_MS = {10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 300_000};

    /** Events settled for good or for now in the bucket. */
    public long total() {
        return synced + skipped + retried + deadLettered;
    }
}
