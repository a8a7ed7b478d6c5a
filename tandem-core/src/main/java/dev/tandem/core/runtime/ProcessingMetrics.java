package dev.tandem.core.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * The processing meters, named once here so the webhook, the runtime and the dashboards agree.
 * In Prometheus format they read {@code tandem_events_received_total}, {@code tandem_events_processed_total{outcome}},
 * {@code tandem_events_retried_total}, {@code tandem_events_dead_lettered_total} and
 * {@code tandem_processing_latency_seconds} (a histogram from receipt to settlement).
 */
public final class ProcessingMetrics {

    private final Counter received;
    private final Counter duplicates;
    private final Counter synced;
    private final Counter skipped;
    private final Counter retried;
    private final Counter deadLettered;
    private final Timer latency;

    public ProcessingMetrics(MeterRegistry registry) {
        received = Counter.builder("tandem.events.received").description("Events durably appended to the event log")
                .register(registry);
        duplicates = Counter.builder("tandem.events.duplicates").description("Redelivered events recognised by their id")
                .register(registry);
        synced = Counter.builder("tandem.events.processed").tag("outcome", "synced")
                .description("Events processed, by outcome").register(registry);
        skipped = Counter.builder("tandem.events.processed").tag("outcome", "skipped")
                .description("Events processed, by outcome").register(registry);
        retried = Counter.builder("tandem.events.retried").description("Failed attempts scheduled for a retry")
                .register(registry);
        deadLettered = Counter.builder("tandem.events.dead.lettered").description("Events moved to the dead-letter queue")
                .register(registry);
        latency = Timer.builder("tandem.processing.latency")
                .description("Time from receipt of an event to its settlement (synced, skipped or dead-lettered)")
                .publishPercentileHistogram()
                .register(registry);
    }

    public void received() {
        received.increment();
    }

    public void duplicate() {
        duplicates.increment();
    }

    public void synced(Duration sinceReceipt) {
        synced.increment();
        latency.record(sinceReceipt);
    }

    public void skipped(Duration sinceReceipt) {
        skipped.increment();
        latency.record(sinceReceipt);
    }

    public void retried() {
        retried.increment();
    }

    public void deadLettered(Duration sinceReceipt) {
        deadLettered.increment();
        latency.record(sinceReceipt);
    }

    public long syncedCount() {
        return (long) synced.count();
    }

    public long skippedCount() {
        return (long) skipped.count();
    }

    public long receivedCount() {
        return (long) received.count();
    }

    public long retriedCount() {
        return (long) retried.count();
    }

    public long deadLetteredCount() {
        return (long) deadLettered.count();
    }
}
