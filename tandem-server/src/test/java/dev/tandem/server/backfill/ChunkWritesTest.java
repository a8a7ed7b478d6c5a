package dev.tandem.server.backfill;

import dev.tandem.core.echo.WriteFingerprint;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkWritesTest {

    @TempDir
    Path dir;

    @Test
    void writesWaitForApplyInTheirOrderReadsGoToTheStoreAndADiscardedChunkLeavesNothing() {
        Instant now = Instant.parse("2026-12-02T12:00:00Z");
        try (JdbcStores stores = JdbcStores.openSqlite(dir.resolve("t.db"))) {
            var store = stores.stateStore();
            store.putId("Contact", "C-0", "003000000000000AAA");
            ChunkWrites writes = new ChunkWrites(store, store, stores.writeFingerprints());

            writes.putId("Contact", "C-1", "003000000000001AAA");
            writes.putId("Contact", "C-1", "003000000000002AAA"); // a later write of the same link wins
            writes.saveBaseline("salesforce", "Contact", "003000000000002AAA", Map.of("Email", "h1"), now);
            writes.remember(new WriteFingerprint("salesforce", "Contact", "003000000000002AAA",
                    Map.of("Email", "h1"), now, now.plusSeconds(3600)));

            // nothing is in the store before the chunk commits; reads see what is there
            assertThat(writes.size()).isEqualTo(4);
            assertThat(writes.targetId("Contact", "C-1")).isEmpty();
            assertThat(writes.targetId("Contact", "C-0")).contains("003000000000000AAA");
            assertThat(store.baseline("salesforce", "Contact", "003000000000002AAA")).isEmpty();
            assertThat(stores.writeFingerprints().lastWrite("salesforce", "Contact", "003000000000002AAA", now))
                    .isEmpty();

            store.inTransaction(writes::apply);

            assertThat(writes.size()).isZero();
            assertThat(store.targetId("Contact", "C-1")).contains("003000000000002AAA");
            assertThat(store.baseline("salesforce", "Contact", "003000000000002AAA")).containsEntry("Email", "h1");
            assertThat(stores.writeFingerprints().lastWrite("salesforce", "Contact", "003000000000002AAA", now))
                    .isPresent();

            writes.putId("Contact", "C-9", "003000000000009AAA");
            writes.discard();
            store.inTransaction(writes::apply);
            assertThat(store.targetId("Contact", "C-9")).isEmpty();
        }
    }
}
