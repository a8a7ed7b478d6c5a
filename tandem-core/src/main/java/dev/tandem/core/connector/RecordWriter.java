package dev.tandem.core.connector;

import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;

import java.util.concurrent.CompletableFuture;

/**
 * A system's idempotent writer (cf. Kafka Connect's {@code SinkTask.put}/{@code flush}): groups are queued, then
 * flushed when the caller's batch is complete, so the target can pack many groups into few requests (architecture
 * invariant 5). Writes are upserts by external key, so a replayed group updates what an earlier attempt wrote
 * (invariant 2).
 */
public interface RecordWriter {

    /**
     * Queues a group; completes with its outcome, or exceptionally with an
     * {@link dev.tandem.core.error.IntegrationException} when the request as a whole failed (outage, credentials).
     */
    CompletableFuture<WriteOutcome> write(WriteGroup group);

    /** Sends what is queued now instead of at the end of the batching window. */
    void flush();

    /**
     * Whether a record written with this key field is named by the target's own record id (the key is the id), so
     * the record's id is known before the write returns. Its echo fingerprint is then stored under that id at once:
     * the target's change feed reports the record by id and may report the write before the call has returned.
     */
    default boolean keysByRecordId(String keyField) {
        return false;
    }
}
