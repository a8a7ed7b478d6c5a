package dev.tandem.core.connector;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.EventLog;

import java.util.List;
import java.util.Objects;

/**
 * The only way into the event log for a {@link ChangeSource}: appends durably, de-duplicated by (source, source
 * event id), and wakes whatever processes the log when something new arrived. A source acknowledges its system
 * (answers a webhook, stores a cursor or replay id) only after {@link #append} returned (invariant "nothing lost").
 *
 * <p>Thread-safe: sources call it from their own threads, at the same time.
 */
@FunctionalInterface
public interface Ingest {

    /**
     * Appends the events and returns once all are durable; one result per event, in the order given. A failure
     * (the store unreachable) throws, and then nothing may be acknowledged.
     */
    List<AppendResult> append(List<InboundEvent> events);

    /** {@link #append(List)} for one event. */
    default AppendResult append(InboundEvent event) {
        return append(List.of(event)).getFirst();
    }

    /**
     * Appends to the event log ({@link EventLog#appendAll}: one commit for the batch), then runs {@code onAppended}
     * when at least one event was new (e.g. waking the flow runtime).
     */
    static Ingest into(EventLog log, Runnable onAppended) {
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(onAppended, "onAppended");
        return events -> {
            if (events.isEmpty()) {
                return List.of();
            }
            List<AppendResult> results = log.appendAll(List.copyOf(events));
            if (results.stream().anyMatch(r -> !r.duplicate())) {
                onAppended.run();
            }
            return results;
        };
    }

    /** Appends to the event log, waking nobody (tools and tests that read the log themselves). */
    static Ingest into(EventLog log) {
        return into(log, () -> { });
    }
}
