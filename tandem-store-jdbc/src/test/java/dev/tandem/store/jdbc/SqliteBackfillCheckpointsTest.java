package dev.tandem.store.jdbc;

import dev.tandem.core.spi.BackfillCheckpoints.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The backfill checkpoints (V25): one row per object, replaced by each save, kept across a reopen. */
class SqliteBackfillCheckpointsTest {

    @TempDir
    Path dir;

    @Test
    void aSavedCheckpointIsReplacedByTheNextAndSurvivesAReopen() {
        Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("t.db"))) {
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).isEmpty();
            stores.backfillCheckpoints().saveCheckpoint(new Checkpoint("customers", "", 100, "100", 98, 2, 0,
                    false, t0, t0));
            stores.backfillCheckpoints().saveCheckpoint(new Checkpoint("customers", "", 200, "205", 197, 3, 0,
                    false, t0, t0.plusSeconds(5)));
            stores.backfillCheckpoints().saveCheckpoint(new Checkpoint("orders", "2026-01-01T00:00:00Z", 7, "9", 7,
                    0, 0, true, t0, t0));
        }
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("t.db"))) {
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).contains(new Checkpoint("customers", "",
                    200, "205", 197, 3, 0, false, t0, t0.plusSeconds(5)));
            assertThat(stores.backfillCheckpoints().checkpoint("orders").orElseThrow().complete()).isTrue();
            stores.backfillCheckpoints().clearCheckpoint("customers");
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).isEmpty();
        }
    }

    @Test
    void aCheckpointSavedInsideAFailedTransactionIsNotKept() {
        Instant t0 = Instant.parse("2026-12-02T10:00:00Z");
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("t.db"))) {
            try {
                stores.stateStore().inTransaction(() -> {
                    stores.stateStore().putId("Contact", "C-1", "003000000000001AAA");
                    stores.backfillCheckpoints().saveCheckpoint(new Checkpoint("customers", "", 1, "1", 1, 0, 0,
                            false, t0, t0));
                    throw new IllegalStateException("crash before the commit");
                });
            } catch (RuntimeException expected) {
                // the chunk's links and its checkpoint go together
            }
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).isEmpty();
            assertThat(stores.stateStore().targetId("Contact", "C-1")).isEmpty();
        }
    }
}
