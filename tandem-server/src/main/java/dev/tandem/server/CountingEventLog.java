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

    CountingEventLog(EventLog delegate, ProcessingMetrics metrics) {
        super(delegate);
        this.metrics = metrics;
    }

    @Override
    public AppendResult append(InboundEvent event) {
        return count(delegate.append(event));
    }

    @Override
    public List<AppendResult> appendAll(List<InboundEvent> events) {
        List<AppendResult> results = delegate.appendAll(events);
        results.forEach(this::count);
        return results;
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
