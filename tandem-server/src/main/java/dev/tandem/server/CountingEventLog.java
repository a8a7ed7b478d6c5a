package dev.tandem.server;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.spi.EventLog;

import java.util.List;
import java.util.Optional;

/** The event log as an ingestion path sees it: every append is counted as received or duplicate. */
final class CountingEventLog implements EventLog {

    private final EventLog delegate;
    private final ProcessingMetrics metrics;

    CountingEventLog(EventLog delegate, ProcessingMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public AppendResult append(InboundEvent event) {
        AppendResult result = delegate.append(event);
        if (result.duplicate()) {
            metrics.duplicate();
        } else {
            metrics.received();
        }
        return result;
    }

    @Override
    public List<AppendResult> appendAll(List<InboundEvent> events) {
        List<AppendResult> results = delegate.appendAll(events);
        results.forEach(r -> {
            if (r.duplicate()) {
                metrics.duplicate();
            } else {
                metrics.received();
            }
        });
        return results;
    }

    @Override
    public List<LoggedEvent> readAfter(long afterOffset, int max) {
        return delegate.readAfter(afterOffset, max);
    }

    @Override
    public Optional<LoggedEvent> get(long offset) {
        return delegate.get(offset);
    }

    @Override
    public long endOffset() {
        return delegate.endOffset();
    }

    @Override
    public long committedOffset(String consumer) {
        return delegate.committedOffset(consumer);
    }

    @Override
    public void commit(String consumer, long offset) {
        delegate.commit(consumer, offset);
    }

    /** The store owns the log; closing a view of it closes nothing. */
    @Override
    public void close() {
    }
}
