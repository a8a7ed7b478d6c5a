package dev.tandem.core.runtime;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;

/**
 * Tuning of the flow runtime ({@code runtime.*} in tandem.yaml; {@link #SPEC} declares the keys).
 *
 * @param batchSize     maximum events handed to a flow at once (more events per batch → fewer Salesforce calls)
 * @param linger        how long a batch that is not full may wait for more events before it is processed
 * @param pollInterval  how often the log and the retry queue are checked when nothing wakes the runtime
 * @param parallelism   batches the flow runtime processes at once; events of one record key stay in log order
 */
public record RuntimeSettings(int batchSize, Duration linger, Duration pollInterval, int parallelism) {

    public static final int DEFAULT_BATCH_SIZE = 50;
    public static final int MAX_BATCH_SIZE = 10_000;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(50);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final int DEFAULT_PARALLELISM = 4;
    public static final int MAX_PARALLELISM = 64;

    /** The keys of {@code runtime.*}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Integer> BATCH_SIZE = SPEC.define("batchSize", Type.INT, DEFAULT_BATCH_SIZE,
            Validator.between(1, MAX_BATCH_SIZE), "events handed to a flow at once; the order flow writes a batch in "
                    + "one Composite Graph request where limits allow");
    private static final ConfigSpec.Key<Duration> LINGER = SPEC.define("linger", Type.DURATION, DEFAULT_LINGER,
            Validator.notNegative(), "how long a batch that is not full may wait for more events before it is "
                    + "processed");
    private static final ConfigSpec.Key<Duration> POLL_INTERVAL = SPEC.define("pollInterval", Type.DURATION,
            DEFAULT_POLL_INTERVAL, Validator.positive(), "how often the log and retry queue are checked when no "
                    + "webhook wakes the runtime");
    private static final ConfigSpec.Key<Integer> PARALLELISM = SPEC.define("parallelism", Type.INT, DEFAULT_PARALLELISM,
            Validator.between(1, MAX_PARALLELISM), "batches the flow runtime processes at once, across flows; events of one "
                    + "record key stay in log order (a key is in at most one batch at a time)");

    public RuntimeSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        if (linger.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("linger must be >= 0 and pollInterval > 0");
        }
        if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be between 1 and " + MAX_PARALLELISM + ", got: "
                    + parallelism);
        }
    }

    /** The default parallelism ({@value #DEFAULT_PARALLELISM}). */
    public RuntimeSettings(int batchSize, Duration linger, Duration pollInterval) {
        this(batchSize, linger, pollInterval, DEFAULT_PARALLELISM);
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(DEFAULT_BATCH_SIZE, DEFAULT_LINGER, DEFAULT_POLL_INTERVAL, DEFAULT_PARALLELISM);
    }

    /** The settings of a {@code runtime} section parsed with {@link #SPEC}. */
    public static RuntimeSettings from(Config c) {
        return c.build(() -> new RuntimeSettings(c.get(BATCH_SIZE), c.get(LINGER), c.get(POLL_INTERVAL),
                c.get(PARALLELISM)));
    }
}
