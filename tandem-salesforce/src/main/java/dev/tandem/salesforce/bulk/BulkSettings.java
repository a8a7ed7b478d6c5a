package dev.tandem.salesforce.bulk;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link SalesforceBulkClient} waits for a job.
 *
 * @param firstPoll  the wait before the first status poll; each later wait is {@code multiplier} times the previous
 * @param maxPoll    the longest wait between two polls (each poll is an API call, salesforce-api.md §5)
 * @param multiplier how much the wait grows after each poll, at least 1
 * @param timeout    how long to wait for a terminal state before giving up (the job keeps running in Salesforce)
 */
public record BulkSettings(Duration firstPoll, Duration maxPoll, double multiplier, Duration timeout) {

    public static final Duration DEFAULT_FIRST_POLL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_POLL = Duration.ofSeconds(30);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    public BulkSettings {
        positive(firstPoll, "firstPoll");
        positive(maxPoll, "maxPoll");
        positive(timeout, "timeout");
        if (maxPoll.compareTo(firstPoll) < 0) {
            throw new IllegalArgumentException("maxPoll must not be shorter than firstPoll");
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be at least 1, got: " + multiplier);
        }
    }

    /** First poll after 1 s, doubling up to 30 s, giving up after 30 min. */
    public static BulkSettings defaults() {
        return new BulkSettings(DEFAULT_FIRST_POLL, DEFAULT_MAX_POLL, DEFAULT_MULTIPLIER, DEFAULT_TIMEOUT);
    }

    public BulkSettings withPolling(Duration first, Duration max) {
        return new BulkSettings(first, max, multiplier, timeout);
    }

    public BulkSettings withTimeout(Duration newTimeout) {
        return new BulkSettings(firstPoll, maxPoll, multiplier, newTimeout);
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got: " + value);
        }
    }
}
