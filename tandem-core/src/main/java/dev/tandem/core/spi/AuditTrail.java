package dev.tandem.core.spi;

import dev.tandem.core.state.AuditEntry;

import java.util.List;

/** The per-record audit trail: an entry per processing attempt of each step. */
public interface AuditTrail {

    void audit(AuditEntry entry);

    /** Entries for one event, oldest first. */
    List<AuditEntry> auditFor(long eventOffset);

    /** Entries for many events, by event then oldest first; an implementation should read them in one query. */
    /**
     * The offsets of the newest events whose audited writes name {@code keyOrId} as a record's key or id (in
     * {@link AuditEntry#written()}), newest first: how a record's timeline finds the events written into it that
     * were about another record (a Clarity user written as a Salesforce Contact, say).
     */
    default List<Long> eventsWriting(String keyOrId, int limit) {
        return List.of();
    }

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
