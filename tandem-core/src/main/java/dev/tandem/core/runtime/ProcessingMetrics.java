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
    private final Counter commits;
    private final Counter batches;
    private final java.util.concurrent.atomic.AtomicInteger batchesInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger keysWaiting = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger flowsPaused = new java.util.concurrent.atomic.AtomicInteger();
    private final Counter parked;

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
        commits = Counter.builder("tandem.runtime.commits")
                .description("Store transactions that settled finished batches (one durable commit each)").register(registry);
        batches = Counter.builder("tandem.runtime.batches").description("Batches handed to flows").register(registry);
        io.micrometer.core.instrument.Gauge.builder("tandem.runtime.batches.in.flight", batchesInFlight, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Batches being processed now").register(registry);
        io.micrometer.core.instrument.Gauge.builder("tandem.runtime.keys.waiting", keysWaiting, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Record keys waiting for a retry (their later events are held behind it)").register(registry);
        io.micrometer.core.instrument.Gauge.builder("tandem.runtime.flows.paused", flowsPaused, java.util.concurrent.atomic.AtomicInteger::get)
                .description("Flows paused because a system they use is unavailable (outage, request limit, credentials)")
                .register(registry);
        parked = Counter.builder("tandem.events.parked")
                .description("Failed attempts rescheduled without counting because their system became unavailable")
                .register(registry);
    }

    /** How many flows are paused for an unavailable system now. */
    public void flowsPaused(int count) {
        flowsPaused.set(count);
    }

    /** An attempt that failed because its system is unavailable was rescheduled without counting it. */
    public void parked() {
        parked.increment();
    }

    public long parkedCount() {
        return (long) parked.count();
    }

    /** A settlement transaction was committed. */
    public void committed() {
        commits.increment();
    }

    /** A batch was handed to a flow. */
    public void batchStarted() {
        batches.increment();
    }

    /** The runtime's current load, for the gauges. */
    public void runtimeLoad(int inFlight, int waitingKeys) {
        batchesInFlight.set(inFlight);
        keysWaiting.set(waitingKeys);
    }

    public long commitCount() {
        return (long) commits.count();
    }

    public long batchCount() {
        return (long) batches.count();
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
