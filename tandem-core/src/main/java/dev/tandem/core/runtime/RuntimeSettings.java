package dev.tandem.core.runtime;

import java.time.Duration;

/**
 * Tuning of the flow runtime.
 *
 * @param batchSize     maximum events handed to a flow at once (more events per batch → fewer Salesforce calls)
 * @param linger        how long to wait for a batch to fill when fewer than {@code batchSize} events are waiting
 * @param pollInterval  how often the log and the retry queue are checked when nothing wakes the runtime
 */
public record RuntimeSettings(int batchSize, Duration linger, Duration pollInterval) {

    public RuntimeSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1");
        }
        if (linger.isNegative() || pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("linger must be >= 0 and pollInterval > 0");
        }
    }

    public static RuntimeSettings defaults() {
        return new RuntimeSettings(50, Duration.ofMillis(50), Duration.ofMillis(500));
    }
}
