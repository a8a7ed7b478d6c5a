package dev.tandem.core.spi;

/**
 * Tandem's state: id map, pending retries, dead letters, audit trail, poll cursors. One implementation per database
 * (SQLite embedded, PostgreSQL in cluster mode); one contract test suite runs against each.
 */
public interface StateStore extends IdMap, RetryQueue, DeadLetterQueue, AuditTrail, CursorStore,
        AutoCloseable {

    /** Throws when the store cannot be reached; used by {@code GET /health}. */
    void ping();

    @Override
    void close();
}
