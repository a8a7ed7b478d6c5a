package dev.tandem.core.runtime;

import java.time.Duration;

/**
 * Tuning of the flow runtime.
 *
 * @param batchSize     maximum events handed to a flow at once (more events per batch → fewer Salesforce calls)
 * @param linger        how long a batch that is not full may wait for more events before it is processed
 * @param pollInterval  how often the log and the retry queue are checked when nothing wakes the runtime
 * @param parallelism   batches the runtime processes at once, across flows; events of one record key stay in log
 *                      order (a key is in at most one batch at a time)
 */
public record RuntimeSettings(int batchSize, Duration linger, Duration pollInterval, int parallelism) {

    public static final int DEFAULT_PARALLELISM = 4;

    public RuntimeSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        if (linger.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("linger must be >= 0 and pollInterval > 0");
        }
        if (parallelism < 1 || parallelism > 64) {
            throw new IllegalArgumentException("parallelism must be 1-64");
        }
    }

    public RuntimeSettings(int batchSize, Duration linger, Duration pollInterval) {
        this(batchSize, linger, pollInterval, DEFAULT_PARALLELISM);
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(50, Duration.ofMillis(50), Duration.ofMillis(500), DEFAULT_PARALLELISM);
    }
}
