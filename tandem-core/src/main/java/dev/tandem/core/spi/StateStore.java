package dev.tandem.core.spi;

/**
 * Tandem's state: id map, pending retries, dead letters, audit trail, poll cursors. One implementation per database
 * (SQLite embedded, PostgreSQL in cluster mode); one contract test suite runs against each.
 */
public interface StateStore extends IdMap, RetryQueue, DeadLetterQueue, AuditTrail, CursorStore, FlowControls,
        AlertRuleStore, SyncStore,
        AutoCloseable {

    /**
     * Runs {@code work} so that everything it writes through this store (and through the event log of the same
     * database: offset commits) becomes durable in ONE commit, or not at all. The flow runtime settles a whole
     * batch this way. This default runs it write by write.
     */
    default void inTransaction(Runnable work) {
        work.run();
    }

    /** Writes many audit entries; an implementation should send them as one batch. */
    default void auditAll(java.util.List<dev.tandem.core.state.AuditEntry> entries) {
        entries.forEach(this::audit);
    }

    /** Stores many id mappings as {@link #putId} does, in order; an implementation should send them as one batch. */
    default void putIds(java.util.List<String[]> mappings) {
        mappings.forEach(m -> putId(m[0], m[1], m[2]));
    }

    /** Throws when the store cannot be reached; used by {@code GET /health}. */
    void ping();

    @Override
    void close();
}
