package dev.tandem.clarity.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard the client tries before it reports a failure: a few retries with exponential backoff inside the client for
 * answers worth retrying at once (5xx, 408, 429, timeouts, connection failures), and a circuit breaker per base URL so
 * a Clarity that is down fails fast ({@code CLARITY_CIRCUIT_OPEN}, retryable) instead of tying up every caller for the
 * whole timeout. Longer-term retries belong to the runtime's retry queue, so these stay small and bounded.
 *
 * @param maxAttempts         attempts per call, retries included (1 = no retry); only for calls safe to repeat
 * @param initialBackoff      the wait before the first retry; doubled for each further one
 * @param maxBackoff          the longest single wait
 * @param breakerMinimumCalls calls the breaker sees before it may open
 * @param breakerFailureRate  the failure percentage (of the last {@code 2 * breakerMinimumCalls} calls) that opens it
 * @param breakerOpenWait     how long it stays open before letting trial calls through
 */
public record ClarityResilience(int maxAttempts, Duration initialBackoff, Duration maxBackoff,
                                int breakerMinimumCalls, float breakerFailureRate, Duration breakerOpenWait) {

    public static final ClarityResilience DEFAULTS = new ClarityResilience(3, Duration.ofMillis(200),
            Duration.ofSeconds(2), 10, 50f, Duration.ofSeconds(30));

    public ClarityResilience {
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be 1..10, got: " + maxAttempts);
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(breakerOpenWait, "breakerOpenWait");
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("backoff must satisfy 0 <= initialBackoff <= maxBackoff");
        }
        if (breakerMinimumCalls < 1) {
            throw new IllegalArgumentException("breakerMinimumCalls must be positive, got: " + breakerMinimumCalls);
        }
        if (!(breakerFailureRate > 0 && breakerFailureRate <= 100)) {
            throw new IllegalArgumentException("breakerFailureRate must be in (0, 100], got: " + breakerFailureRate);
        }
        if (breakerOpenWait.isNegative() || breakerOpenWait.isZero()) {
            throw new IllegalArgumentException("breakerOpenWait must be positive, got: " + breakerOpenWait);
        }
    }

    /** The wait before retry number {@code retry} (1-based): initial × 2^(retry−1), at most {@link #maxBackoff}. */
    public Duration backoff(int retry) {
        Duration wait = initialBackoff;
        for (int i = 1; i < retry && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }
}
