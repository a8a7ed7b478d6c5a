package dev.tandem.store.jdbc;

import dev.tandem.core.spi.BackfillCheckpoints;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Backfill checkpoints in the state database (table from V25). A save inside {@code StateStore.inTransaction}
 * joins that transaction, so a chunk's links, dead letters and checkpoint commit together.
 */
public final class JdbcBackfillCheckpoints implements BackfillCheckpoints {

    private final Database database;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcBackfillCheckpoints(Database database) {
        this.database = database;
        database.acquire();
    }

    @Override
    public Optional<Checkpoint> checkpoint(String object) {
        Objects.requireNonNull(object, "object");
        ensureOpen();
        return database.read("read the backfill checkpoint of " + object, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT object, since, records, last_id, written, "
                    + "failed, skipped, complete, started_at, updated_at FROM backfill_checkpoint WHERE object = ?")) {
                select.setString(1, object);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Checkpoint(rows.getString(1), rows.getString(2), rows.getLong(3),
                            rows.getString(4), rows.getLong(5), rows.getLong(6), rows.getLong(7),
                            rows.getInt(8) != 0, Instant.ofEpochMilli(rows.getLong(9)),
                            Instant.ofEpochMilli(rows.getLong(10))));
                }
            }
        });
    }

    @Override
    public void saveCheckpoint(Checkpoint checkpoint) {
        Objects.requireNonNull(checkpoint, "checkpoint");
        ensureOpen();
        database.write("save the backfill checkpoint of " + checkpoint.object(), c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO backfill_checkpoint (object, since, "
                    + "records, last_id, written, failed, skipped, complete, started_at, updated_at) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (object) DO UPDATE SET since = excluded.since, "
                    + "records = excluded.records, last_id = excluded.last_id, written = excluded.written, "
                    + "failed = excluded.failed, skipped = excluded.skipped, complete = excluded.complete, "
                    + "started_at = excluded.started_at, updated_at = excluded.updated_at")) {
                upsert.setString(1, checkpoint.object());
                upsert.setString(2, checkpoint.since());
                upsert.setLong(3, checkpoint.read());
                upsert.setString(4, checkpoint.lastId());
                upsert.setLong(5, checkpoint.written());
                upsert.setLong(6, checkpoint.failed());
                upsert.setLong(7, checkpoint.skipped());
                upsert.setInt(8, checkpoint.complete() ? 1 : 0);
                upsert.setLong(9, checkpoint.startedAt().toEpochMilli());
                upsert.setLong(10, checkpoint.updatedAt().toEpochMilli());
                upsert.executeUpdate();
                return null;
            }
        });
    }

    @Override
    public void clearCheckpoint(String object) {
        Objects.requireNonNull(object, "object");
        ensureOpen();
        database.write("clear the backfill checkpoint of " + object, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM backfill_checkpoint WHERE object = ?")) {
                delete.setString(1, object);
                delete.executeUpdate();
                return null;
            }
        });
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            database.release();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("the backfill checkpoint store is closed");
        }
    }
}
