package dev.tandem.core.retry;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Durations;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for transient failures (architecture invariant 4).
 * The n-th retry waits {@code initialDelay × multiplier^(n-1)}, capped at {@code maxDelay}, then spread by
 * ±{@code jitter} so that many records failing together (e.g. during a Salesforce outage) do not come back in one
 * thundering herd. In tandem.yaml this is {@code retry.*} ({@link #SPEC} declares the keys).
 *
 * @param initialDelay delay before the first retry
 * @param multiplier   growth factor per attempt (≥ 1)
 * @param maxDelay     cap on a single delay
 * @param maxAttempts  attempts in total (first try included) before the event is dead-lettered
 * @param jitter       relative spread in [0, 1)
 */
public record RetryPolicy(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, double jitter) {

    public static final Duration DEFAULT_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final double DEFAULT_MULTIPLIER = 2.0;
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(10);
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    public static final int MAX_MAX_ATTEMPTS = 1000;
    public static final double DEFAULT_JITTER = 0.2;

    /** The keys of {@code retry.*}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> INITIAL_DELAY = SPEC.define("initialDelay", Type.DURATION,
            DEFAULT_INITIAL_DELAY, Validator.positive(), "wait before the first retry of a transient failure");
    private static final ConfigSpec.Key<Double> MULTIPLIER = SPEC.define("multiplier", Type.NUMBER, DEFAULT_MULTIPLIER,
            Validator.atLeast(1), "growth of the wait per attempt");
    private static final ConfigSpec.Key<Duration> MAX_DELAY = SPEC.define("maxDelay", Type.DURATION, DEFAULT_MAX_DELAY,
            Validator.positive(), "cap on one wait; at least `initialDelay`");
    private static final ConfigSpec.Key<Integer> MAX_ATTEMPTS = SPEC.define("maxAttempts", Type.INT,
            DEFAULT_MAX_ATTEMPTS, Validator.between(1, MAX_MAX_ATTEMPTS),
            "attempts (first included) before a transient failure is dead-lettered");
    private static final ConfigSpec.Key<Double> JITTER = SPEC.define("jitter", Type.NUMBER, DEFAULT_JITTER,
            Validator.inRange(0, 1), "random spread of each wait (0.2 = ±20 %)");

    /**
     * {@code retry.classes.<class>.*}: the same keys for the failures of one {@link dev.tandem.core.error.ErrorClass}
     * (e.g. {@code retry.classes.lock.maxAttempts}); a key left out is the one of {@code retry.*}.
     */
    static final ConfigSpec CLASS_SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> CLASS_INITIAL_DELAY = CLASS_SPEC.optional("initialDelay",
            Type.DURATION, "retry.initialDelay", Validator.positive(), "wait before the first retry of this class");
    private static final ConfigSpec.Key<Double> CLASS_MULTIPLIER = CLASS_SPEC.optional("multiplier", Type.NUMBER,
            "retry.multiplier", Validator.atLeast(1), "growth of the wait per attempt");
    private static final ConfigSpec.Key<Duration> CLASS_MAX_DELAY = CLASS_SPEC.optional("maxDelay", Type.DURATION,
            "retry.maxDelay", Validator.positive(), "cap on one wait");
    private static final ConfigSpec.Key<Integer> CLASS_MAX_ATTEMPTS = CLASS_SPEC.optional("maxAttempts", Type.INT,
            "retry.maxAttempts", Validator.between(1, MAX_MAX_ATTEMPTS), "attempts before it is dead-lettered");
    private static final ConfigSpec.Key<Double> CLASS_JITTER = CLASS_SPEC.optional("jitter", Type.NUMBER,
            "retry.jitter", Validator.inRange(0, 1), "random spread of each wait");

    static {
        ConfigSpec classes = new ConfigSpec();
        for (dev.tandem.core.error.ErrorClass errorClass : dev.tandem.core.error.ErrorClass.values()) {
            classes.section(RetryPolicies.configName(errorClass), CLASS_SPEC);
        }
        SPEC.section("classes", classes);
    }

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
        return new RetryPolicy(DEFAULT_INITIAL_DELAY, DEFAULT_MULTIPLIER, DEFAULT_MAX_DELAY, DEFAULT_MAX_ATTEMPTS,
                DEFAULT_JITTER);
    }

    /** The policy of a {@code retry} section parsed with {@link #SPEC}. */
    public static RetryPolicy from(Config c) {
        if (c.get(MAX_DELAY).compareTo(c.get(INITIAL_DELAY)) < 0) {
            throw c.invalid(MAX_DELAY, "must be at least " + c.path(INITIAL_DELAY) + " ("
                    + Durations.format(c.get(INITIAL_DELAY)) + "), got " + Durations.format(c.get(MAX_DELAY)));
        }
        return c.build(() -> new RetryPolicy(c.get(INITIAL_DELAY), c.get(MULTIPLIER), c.get(MAX_DELAY),
                c.get(MAX_ATTEMPTS), c.get(JITTER)));
    }

    /**
     * The policy of one {@code retry.classes.<class>} section: each key written there, the others from this
     * policy (the {@code retry.*} one); this policy itself when the section is empty.
     */
    RetryPolicy overriddenBy(Config c) {
        if (!(c.isSet(CLASS_INITIAL_DELAY) || c.isSet(CLASS_MULTIPLIER) || c.isSet(CLASS_MAX_DELAY)
                || c.isSet(CLASS_MAX_ATTEMPTS) || c.isSet(CLASS_JITTER))) {
            return this;
        }
        Duration initial = c.optional(CLASS_INITIAL_DELAY).orElse(initialDelay);
        Duration max = c.optional(CLASS_MAX_DELAY).orElse(maxDelay);
        if (max.compareTo(initial) < 0) {
            throw c.invalid(CLASS_MAX_DELAY, "must be at least the initial delay (" + Durations.format(initial)
                    + "), got " + Durations.format(max));
        }
        return c.build(() -> new RetryPolicy(initial, c.optional(CLASS_MULTIPLIER).orElse(multiplier), max,
                c.optional(CLASS_MAX_ATTEMPTS).orElse(maxAttempts), c.optional(CLASS_JITTER).orElse(jitter)));
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
