package dev.tandem.core.spi;

import dev.tandem.core.state.AuditEntry;

import java.util.List;

/** The per-record audit trail: an entry per processing attempt of each step. */
public interface AuditTrail {

    void audit(AuditEntry entry);

    /** Entries for one event, oldest first. */
    List<AuditEntry> auditFor(long eventOffset);

    /** Entries for many events, by event then oldest first; an implementation should read them in one query. */
    default List<AuditEntry> auditFor(java.util.Collection<Long> eventOffsets) {
        return eventOffsets.stream().flatMap(o -> auditFor(o).stream()).toList();
    }

    /** Per flow and time bucket since {@code since}, how events settled (the dashboard's series). */
    default List<dev.tandem.core.state.SettleStats> settleStats(java.time.Instant since, java.time.Duration bucket) {
        return List.of();
    }

    /** Deletes audit entries older than {@code before}; returns how many (the retention purge). */
    default int purgeAudit(java.time.Instant before) {
        return 0;
    }
}
