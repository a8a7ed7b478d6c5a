package dev.tandem.server;

import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How much work waits, as gauges: {@code tandem_retries_pending} (events waiting for a retry),
 * {@code tandem_dead_letters} (dead letters in the store) and {@code tandem_flow_backlog{flow}} (events in the log
 * that the flow has not settled yet: the log's end offset minus the flow's committed offset).
 *
 * <p>Each reads the database, so the values are computed at most once per {@code maxAge} and served from that
 * snapshot in between: a scraper polling every second, or several at once, costs one round of three small queries
 * per {@code maxAge}. The flows' rows are refreshed with the snapshot ({@link #refresh}, called before each scrape),
 * so a flow added by a hot reload appears and a removed one disappears.
 *
 * <p>Thread-safe.
 */
final class QueueDepthMetrics {

    /** One reading of the queues. */
    record Depths(Instant at, long pendingRetries, long deadLetters, Map<String, Long> backlog) {
    }

    private final StateStore store;
    private final EventLog eventLog;
    private final Supplier<List<String>> flowNames;
    private final Clock clock;
    private final Duration maxAge;
    private final MultiGauge backlog;
    private volatile Depths last;
    private volatile List<String> registeredFlows = List.of();

    QueueDepthMetrics(MeterRegistry registry, StateStore store, EventLog eventLog, Supplier<List<String>> flowNames,
                      Clock clock, Duration maxAge) {
        this.store = Objects.requireNonNull(store, "store");
        this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
        this.flowNames = Objects.requireNonNull(flowNames, "flowNames");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        Gauge.builder("tandem.retries.pending", this, m -> m.depths().pendingRetries())
                .description("events waiting for a retry (the store's retry queue)").register(registry);
        Gauge.builder("tandem.dead.letters", this, m -> m.depths().deadLetters())
                .description("dead letters in the store, waiting for an operator").register(registry);
        this.backlog = MultiGauge.builder("tandem.flow.backlog")
                .description("events in the log the flow has not settled yet (log end offset - committed offset)")
                .register(registry);
    }

    /** The latest reading, taken now when the last one is older than {@code maxAge}. */
    Depths depths() {
        Depths current = last;
        Instant now = clock.instant();
        if (current != null && now.isBefore(current.at().plus(maxAge))) {
            return current;
        }
        synchronized (this) {
            current = last;
            if (current != null && now.isBefore(current.at().plus(maxAge))) {
                return current;
            }
            long end = eventLog.endOffset();
            Map<String, Long> perFlow = new LinkedHashMap<>();
            for (String flow : flowNames.get()) {
                perFlow.put(flow, Math.max(0, end - eventLog.committedOffset(FlowRuntime.consumer(flow))));
            }
            last = new Depths(now, store.pendingRetryCount(), store.deadLetterCount(), Map.copyOf(perFlow));
            return last;
        }
    }

    /** Brings the per-flow rows in line with the loaded flows; call before a scrape, not from inside one. */
    void refresh() {
        List<String> flows = List.copyOf(depths().backlog().keySet());
        if (!flows.equals(registeredFlows)) {
            backlog.register(flows.stream().map(flow -> MultiGauge.Row.of(Tags.of("flow", flow), this,
                    m -> m.depths().backlog().getOrDefault(flow, 0L))).toList(), true);
            registeredFlows = flows;
        }
    }
}
