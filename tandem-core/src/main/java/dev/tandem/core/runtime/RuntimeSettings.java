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
 * @param probeInterval    the first wait between probes of an unavailable system (its flows paused)
 * @param maxProbeInterval the longest wait between probes; the wait doubles from {@code probeInterval} up to it
 * @param mappingTimeout   the time one evaluation of a flow's JSONata may take before the record fails with that
 *                         reason (a loop, a huge range), instead of holding its worker without end
 */
public record RuntimeSettings(int batchSize, Duration linger, Duration pollInterval, int parallelism,
                              Duration probeInterval, Duration maxProbeInterval, Duration mappingTimeout) {

    public static final int DEFAULT_BATCH_SIZE = 300;
    public static final int MAX_BATCH_SIZE = 10_000;
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(50);
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final int DEFAULT_PARALLELISM = 4;
    public static final int MAX_PARALLELISM = 64;
    public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_PROBE_INTERVAL = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAPPING_TIMEOUT = Duration.ofSeconds(30);

    /** The keys of {@code runtime.*}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Integer> BATCH_SIZE = SPEC.define("batchSize", Type.INT, DEFAULT_BATCH_SIZE,
            Validator.between(1, MAX_BATCH_SIZE), "events handed to a flow at once (a batch fills only while events "
                    + "wait: a quiet flow gets small batches after `linger`); a batch's writes travel in as few requests "
                    + "as the limits allow (200 records per sObject Collections request, 75 graphs per Composite Graph "
                    + "request: a full batch of 300 customers or orders is four full graph requests)");
    private static final ConfigSpec.Key<Duration> LINGER = SPEC.define("linger", Type.DURATION, DEFAULT_LINGER,
            Validator.notNegative(), "how long a batch that is not full may wait for more events before it is "
                    + "processed");
    private static final ConfigSpec.Key<Duration> POLL_INTERVAL = SPEC.define("pollInterval", Type.DURATION,
            DEFAULT_POLL_INTERVAL, Validator.positive(), "how often the log and retry queue are checked when no "
                    + "webhook wakes the runtime");
    private static final ConfigSpec.Key<Integer> PARALLELISM = SPEC.define("parallelism", Type.INT, DEFAULT_PARALLELISM,
            Validator.between(1, MAX_PARALLELISM), "batches the flow runtime processes at once, across flows; events of one "
                    + "record key stay in log order (a key is in at most one batch at a time)");
    private static final ConfigSpec.Key<Duration> PROBE_INTERVAL = SPEC.define("probeInterval", Type.DURATION,
            DEFAULT_PROBE_INTERVAL, Validator.positive(), "while a system is unavailable (outage, request limit used "
                    + "up, credentials refused) its flows are paused and it is probed with one request, first after "
                    + "this wait, then doubling up to `maxProbeInterval`");
    private static final ConfigSpec.Key<Duration> MAX_PROBE_INTERVAL = SPEC.define("maxProbeInterval", Type.DURATION,
            DEFAULT_MAX_PROBE_INTERVAL, Validator.positive(), "the longest wait between two probes of an unavailable "
                    + "system; at least `probeInterval`");
    private static final ConfigSpec.Key<Duration> MAPPING_TIMEOUT = SPEC.define("mappingTimeout", Type.DURATION,
            DEFAULT_MAPPING_TIMEOUT, Validator.of("1ms–1h", RuntimeSettings::validMappingTimeout,
                    "must be between 1ms and 1h"), "the time one evaluation of a flow's JSONata (a mapping, a "
                    + "condition, a rule) may take, in flow runs, `tandem backfill` and `tandem reconcile`; past it the "
                    + "record fails with MAPPING_ERROR \"the expression ran longer than …\" (a loop, a very large "
                    + "range) instead of holding its worker; a mapping takes microseconds to milliseconds");

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
        if (probeInterval.isNegative() || probeInterval.isZero() || maxProbeInterval.compareTo(probeInterval) < 0) {
            throw new IllegalArgumentException("probeInterval must be > 0 and maxProbeInterval >= probeInterval");
        }
        if (!validMappingTimeout(mappingTimeout)) {
            throw new IllegalArgumentException("mappingTimeout must be between 1 ms and 1 h, got " + mappingTimeout);
        }
    }

    /** JSONata's timebox counts milliseconds: under 1 ms would stop every evaluation at once. */
    private static boolean validMappingTimeout(Duration d) {
        return d.compareTo(Duration.ofMillis(1)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0;
    }

    /** The default mapping timeout. */
    public RuntimeSettings(int batchSize, Duration linger, Duration pollInterval, int parallelism,
                           Duration probeInterval, Duration maxProbeInterval) {
        this(batchSize, linger, pollInterval, parallelism, probeInterval, maxProbeInterval, DEFAULT_MAPPING_TIMEOUT);
    }

    /** The default probe intervals. */
    public RuntimeSettings(int batchSize, Duration linger, Duration pollInterval, int parallelism) {
        this(batchSize, linger, pollInterval, parallelism, DEFAULT_PROBE_INTERVAL, DEFAULT_MAX_PROBE_INTERVAL);
    }

    /** These settings with other probe intervals. */
    public RuntimeSettings withProbeIntervals(Duration first, Duration max) {
        return new RuntimeSettings(batchSize, linger, pollInterval, parallelism, first, max, mappingTimeout);
    }

    /** These settings with another bound on each JSONata evaluation. */
    public RuntimeSettings withMappingTimeout(Duration timeout) {
        return new RuntimeSettings(batchSize, linger, pollInterval, parallelism, probeInterval, maxProbeInterval, timeout);
    }

    /** The default parallelism ({@value #DEFAULT_PARALLELISM}). */
    public RuntimeSettings(int batchSize, Duration linger, Duration pollInterval) {
        this(batchSize, linger, pollInterval, DEFAULT_PARALLELISM);
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(DEFAULT_BATCH_SIZE, DEFAULT_LINGER, DEFAULT_POLL_INTERVAL, DEFAULT_PARALLELISM,
                DEFAULT_PROBE_INTERVAL, DEFAULT_MAX_PROBE_INTERVAL);
    }

    /** The settings of a {@code runtime} section parsed with {@link #SPEC}. */
    public static RuntimeSettings from(Config c) {
        if (c.get(MAX_PROBE_INTERVAL).compareTo(c.get(PROBE_INTERVAL)) < 0) {
            throw c.invalid(MAX_PROBE_INTERVAL, "must be at least " + c.path(PROBE_INTERVAL));
        }
        return c.build(() -> new RuntimeSettings(c.get(BATCH_SIZE), c.get(LINGER), c.get(POLL_INTERVAL),
                c.get(PARALLELISM), c.get(PROBE_INTERVAL), c.get(MAX_PROBE_INTERVAL), c.get(MAPPING_TIMEOUT)));
    }
}
