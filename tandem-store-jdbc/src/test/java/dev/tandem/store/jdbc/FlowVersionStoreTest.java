package dev.tandem.store.jdbc;

import dev.tandem.core.flow.FlowVersionStore;
import dev.tandem.core.flow.FlowVersionStore.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The versions of the flows (V29) on SQLite, PostgreSQL (when a server is named) and in memory: kept across a reopen, newest first, the first load wins. */
class FlowVersionStoreTest {

    @TempDir
    Path dir;

    @Test
    void sqliteKeepsEachVersionOnceNewestFirstAcrossAReopen() {
        try (JdbcStores first = JdbcStores.openSqlite(dir.resolve("t.db"))) {
            contract((FlowVersionStore) first.stateStore(), () -> (FlowVersionStore) first.stateStore());
        }
        try (JdbcStores again = JdbcStores.openSqlite(dir.resolve("t.db"))) {
            FlowVersionStore store = (FlowVersionStore) again.stateStore();
            assertThat(store.versions("orders")).extracting(Version::version).containsExactly("bbb", "aaa");
            assertThat(store.version("orders", "aaa").orElseThrow().mappings()).isEqualTo("{\"m.jsonata\":\"$\"}");
        }
    }

    @Test
    @EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
    void postgresKeepsTheSameContract() {
        PostgresTestSchema schema = new PostgresTestSchema();
        try (JdbcStores stores = schema.open()) {
            contract((FlowVersionStore) stores.stateStore(), () -> (FlowVersionStore) stores.stateStore());
        } finally {
            schema.close();
        }
    }

    @Test
    void memoryKeepsTheSameContract() {
        FlowVersionStore store = FlowVersionStore.memory();
        contract(store, () -> store);
    }

    private static void contract(FlowVersionStore store, Supplier<FlowVersionStore> reread) {
        assertThat(store.versions("orders")).isEmpty();
        assertThat(store.recordVersion(new Version("orders", "aaa", "flows/o.yaml", "{\"id\":\"orders\"}",
                "{\"m.jsonata\":\"$\"}", "", Instant.ofEpochMilli(1000)))).isTrue();
        assertThat(store.recordVersion(new Version("orders", "aaa", "flows/o.yaml", "{\"id\":\"changed\"}", "{}", "",
                Instant.ofEpochMilli(5000)))).as("the first load of a version is kept").isFalse();
        store.recordVersion(new Version("orders", "bbb", "flows/o.yaml", "{\"id\":\"orders\",\"name\":\"x'); DROP TABLE flow_version; --\"}",
                "{}", "{}", Instant.ofEpochMilli(2000)));
        store.recordVersion(new Version("customers", "ccc", "c.yaml", "{}", "{}", "", Instant.ofEpochMilli(3000)));
        FlowVersionStore s = reread.get();
        assertThat(s.versions("orders")).extracting(Version::version).containsExactly("bbb", "aaa");
        assertThat(s.version("orders", "aaa").orElseThrow().definition()).isEqualTo("{\"id\":\"orders\"}");
        assertThat(s.version("orders", "bbb").orElseThrow().definition()).contains("DROP TABLE");
        assertThat(s.version("orders", "ccc")).isEmpty();
    }
}
