package dev.tandem.server;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.ForwardingEventLog;

import java.util.List;

/** The event log as an ingestion path sees it: every append is counted as received or duplicate. */
final class CountingEventLog extends ForwardingEventLog {

    private final ProcessingMetrics metrics;
    /** When an event of each source system (e.g. {@code clarity}) last arrived, duplicates included: sources' activity. */
    private final java.util.Map<String, java.time.Instant> lastArrival = new java.util.concurrent.ConcurrentHashMap<>();

    CountingEventLog(EventLog delegate, ProcessingMetrics metrics) {
        super(delegate);
        this.metrics = metrics;
    }

    @Override
    public AppendResult append(InboundEvent event) {
        lastArrival.put(event.source(), java.time.Instant.now());
        return count(delegate.append(event));
    }

    @Override
    public List<AppendResult> appendAll(List<InboundEvent> events) {
        events.forEach(e -> lastArrival.put(e.source(), java.time.Instant.now()));
        List<AppendResult> results = delegate.appendAll(events);
        results.forEach(this::count);
        return results;
    }

    /** When an event of {@code system} last arrived, if one did since start. */
    java.util.Optional<java.time.Instant> lastArrival(String system) {
        return java.util.Optional.ofNullable(lastArrival.get(system));
    }

    private AppendResult count(AppendResult result) {
        if (result.duplicate()) {
            metrics.duplicate();
        } else {
            metrics.received();
        }
        return result;
    }
}
