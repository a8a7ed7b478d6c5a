package dev.tandem.core.flow;

import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.retry.RetryPolicy;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A flow turns source events into writes on the target. Flows take events in batches so that reads and writes can
 * be batched into few API calls (architecture invariant 5). File-defined flows are {@code FlowPipeline}s.
 */
public interface Flow {

    /** The stable id: names the flow's consumer offset, retries, audit entries and dead letters. */
    String name();

    /** The version that handles events now (a content hash for file-defined flows); recorded with each audit entry and dead letter. */
    default String version() {
        return "";
    }

    /**
     * The record key the runtime orders this flow's events by and the flow coalesces them by: events with one key run
     * in log order, never in two batches at once, and those of one batch are one exchange. Default: the event's
     * entity and id.
     */
    default String recordKey(InboundEvent event) {
        return event.entity() + "/" + event.entityId();
    }

    /** Whether this flow acts on the event. */
    boolean handles(InboundEvent event);

    /**
     * Processes a batch and returns exactly one outcome per event (matched by offset). State the flow produces
     * (audit entries, links) goes to {@code state}, which the runtime commits together with the outcomes in one
     * durable transaction. A flow should not throw; if it does, the runtime treats every event of the batch as a
     * retryable failure.
     */
    List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state);

    /**
     * {@link #process(List, FlowState)} with operators' edits of retried dead letters, by event offset (the runtime
     * passes them only for retries). A flow that cannot apply edits ignores them.
     */
    default List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state, java.util.Map<Long, RecordEdit> edits) {
        return process(batch, state);
    }

    /** The redelivery policy for a failure with this code; empty for the runtime's default. */
    default Optional<RetryPolicy> redelivery(String errorCode) {
        return Optional.empty();
    }

    /** Whether the flow runs; a paused flow keeps its offset and is read again when resumed. */
    default boolean enabled() {
        return true;
    }

    /**
     * The systems the flow reads from or writes to (its source and the systems of its steps), by the names
     * connectors register. The runtime pauses the flow while one of them is unavailable
     * ({@link dev.tandem.core.connector.Availability}); empty means it depends on none the runtime watches.
     */
    default Set<String> systems() {
        return Set.of();
    }

    /** Where a flow that has never committed an offset starts: true for the end of the log (only new events). */
    default boolean startsAtLatest() {
        return false;
    }
}
