package dev.tandem.core.flow;

import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;

import java.util.List;

/**
 * A flow turns source events into writes on the target (fetch → validate → map → resolve → write). Flows take
 * events in batches so that writes can be batched into few API calls (architecture invariant 5).
 */
public interface Flow {

    /** A stable name, used in the audit trail, retries and dead letters. */
    String name();

    /** Whether this flow acts on the event. */
    boolean handles(InboundEvent event);

    /**
     * Processes a batch and returns exactly one outcome per event (matched by offset). A flow should not throw;
     * if it does, the runtime treats every event of the batch as a retryable failure.
     */
    List<FlowOutcome> process(List<LoggedEvent> batch);
}
