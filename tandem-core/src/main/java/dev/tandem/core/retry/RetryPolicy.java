package dev.tandem.core.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for transient failures (architecture invariant 4).
 * The n-th retry waits {@code initialDelay × multiplier^(n-1)}, capped at {@code maxDelay}, then spread by
 * ±{@code jitter} so that many records failing together (e.g. during a Salesforce outage) do not come back in one
 * thundering herd.
 *
 * @param initialDelay delay before the first retry
 * @param multiplier   growth factor per attempt (≥ 1)
 * @param maxDelay     cap on a single delay
 * @param maxAttempts  attempts in total (first try included) before the event is dead-lettered
 * @param jitter       relative spread in [0, 1)
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, double jitter) {

    public RetryPolicy {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (initialDelay.isNegative() || initialDelay.isZero()) {
            throw new IllegalArgumentException("initialDelay must be positive");
        }
        if (!Double.isFinite(multiplier) || multiplier < 1.0) {
            throw new IllegalArgumentException("multiplier must be >= 1");
        }
        if (maxDelay.compareTo(initialDelay) < 0) {
            throw new IllegalArgumentException("maxDelay must be >= initialDelay");
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1");
        }
        if (!Double.isFinite(jitter) || jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1)");
        }
    }

    /** 1 s doubling to 10 min, 10 attempts (about 30 minutes in all), ±20 % jitter. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(10), 10, 0.2);
    }

    /** Whether another attempt is allowed after {@code attemptsMade} failed attempts. */
    public boolean allowsAnotherAttempt(int attemptsMade) {
        return attemptsMade < maxAttempts;
    }

    /** The delay before the next attempt after {@code attemptsMade} (≥ 1) failed attempts, jitter applied. */
    public Duration delayAfter(int attemptsMade, RandomGenerator random) {
        if (attemptsMade < 1) {
            throw new IllegalArgumentException("attemptsMade must be >= 1");
        }
        double base = initialDelay.toMillis() * Math.pow(multiplier, attemptsMade - 1);
        double capped = Math.min(base, maxDelay.toMillis());
        double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter * capped;
        return Duration.ofMillis(Math.max(1, Math.round(capped + spread)));
    }

    /** When the next attempt is due, at least {@code minimumWait} from now (e.g. a Retry-After from the server). */
    public Instant nextAttemptAt(Instant now, int attemptsMade, Duration minimumWait, RandomGenerator random) {
        Duration delay = delayAfter(attemptsMade, random);
        if (minimumWait != null && minimumWait.compareTo(delay) > 0) {
            delay = minimumWait;
        }
        return now.plus(delay);
    }
}
