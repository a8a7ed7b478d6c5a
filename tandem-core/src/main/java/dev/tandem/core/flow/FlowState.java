package dev.tandem.core.flow;

import dev.tandem.core.state.AuditEntry;

/**
 * Where a flow puts the state it produces while it processes a batch. The runtime buffers it and writes it with
 * the batch's outcomes and offset in one durable commit (today's alternative was one fsync per row: about 11 per
 * order).
 */
public interface FlowState {

    void audit(AuditEntry entry);

    /** Records that the source key is now the target id (the link store, today's id map). */
    void link(String entity, String sourceKey, String targetId);
}
