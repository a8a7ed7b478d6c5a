package dev.tandem.sandbox.clarity.webhook;

import java.time.Duration;

/**
 * Retry policy of spec §11: exponential backoff from {@code retryInitial} doubling up to {@code retryMax}, giving up
 * {@code giveUpAfter} after the event (24 h by default); each attempt times out after {@code timeout}.
 * {@code maxJitter} bounds the random extra delay of the out-of-order switch.
 */
public record WebhookSettings(Duration retryInitial, Duration retryMax, Duration giveUpAfter, Duration timeout,
        Duration maxJitter) {

    public static final WebhookSettings DEFAULTS = new WebhookSettings(Duration.ofSeconds(10), Duration.ofHours(1),
            Duration.ofHours(24), Duration.ofSeconds(10), Duration.ofSeconds(2));

    /** The wait after the given failed attempt (1-based): initial, 2 × initial, 4 × initial ..., capped. */
    public Duration backoffAfter(int failedAttempt) {
        Duration delay = retryInitial;
        for (int i = 1; i < failedAttempt && delay.compareTo(retryMax) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(retryMax) > 0 ? retryMax : delay;
    }
}
