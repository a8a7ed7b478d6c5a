package dev.tandem.core.spi;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;

import java.util.List;
import java.util.Optional;

/**
 * The inbound event log: an append-only, de-duplicated, durable sequence of events, read by consumers that commit
 * their own offsets (Kafka's model, so the cluster implementation can be Kafka).
 *
 * <p>Invariant "nothing lost": {@link #append} returns only once the event is durable, and a source is
 * acknowledged only after that.
 */
public interface EventLog extends AutoCloseable {

    /** Appends durably unless an event with the same (source, sourceEventId) is already stored. */
    AppendResult append(InboundEvent event);

    /**
     * Appends several events, each de-duplicated as by {@link #append}, and returns once all are durable; results
     * in the order given. An implementation should commit them together (one fsync for a page of polled changes);
     * this default appends them one by one.
     */
    default List<AppendResult> appendAll(List<InboundEvent> events) {
        return events.stream().map(this::append).toList();
    }

    /** Up to {@code max} events with an offset greater than {@code afterOffset}, in offset order. */
    List<LoggedEvent> readAfter(long afterOffset, int max);

    /** The event stored at {@code offset}. */
    Optional<LoggedEvent> get(long offset);

    /** The highest offset in the log, 0 when empty. */
    long endOffset();

    /** The last offset the consumer committed, 0 when it never did. */
    long committedOffset(String consumer);

    /** Records that the consumer has processed every event up to and including {@code offset}. */
    void commit(String consumer, long offset);

    @Override
    void close();

    /** The newest events about a record: its entity key or entity id is {@code key} (the record timeline). */
    default List<LoggedEvent> eventsOf(String key, int limit) {
        return List.of();
    }

    /** The newest events whose payload contains {@code text} (e.g. an e-mail address), case-insensitively. */
    default List<LoggedEvent> eventsMentioning(String text, int limit) {
        return List.of();
    }

    /**
     * Per source system and time bucket since {@code since}, the events received and their receipt lag (the
     * dashboard's "events in" series and ingest health); empty where the log cannot say.
     */
    default List<dev.tandem.core.state.IngestStats> ingestStats(java.time.Instant since, java.time.Duration bucket) {
        return List.of();
    }
}
