package dev.tandem.core.spi;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;

import java.util.List;
import java.util.Optional;

/**
 * An event log that forwards every call to another one: the base of decorators that watch appends (counting,
 * timing). {@link #close()} closes nothing, because the store that opened the log owns it.
 */
public abstract class ForwardingEventLog implements EventLog {

    protected final EventLog delegate;

    protected ForwardingEventLog(EventLog delegate) {
        this.delegate = delegate;
    }

    @Override
    public AppendResult append(InboundEvent event) {
        return delegate.append(event);
    }

    @Override
    public List<AppendResult> appendAll(List<InboundEvent> events) {
        return delegate.appendAll(events);
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

    @Override
    public void close() {
    }

    @Override
    public List<LoggedEvent> eventsOf(String key, int limit) {
        return delegate.eventsOf(key, limit);
    }

    @Override
    public List<LoggedEvent> eventsMentioning(String text, int limit) {
        return delegate.eventsMentioning(text, limit);
    }

    @Override
    public List<dev.tandem.core.state.IngestStats> ingestStats(java.time.Instant since, java.time.Duration bucket) {
        return delegate.ingestStats(since, bucket);
    }
}
