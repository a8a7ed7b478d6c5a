package dev.tandem.core.spi;

import dev.tandem.core.state.AuditEntry;

import java.util.List;

/** The per-record audit trail: an entry per processing attempt of each step. */
public interface AuditTrail {

    void audit(AuditEntry entry);

    /** Entries for one event, oldest first. */
    List<AuditEntry> auditFor(long eventOffset);
}
