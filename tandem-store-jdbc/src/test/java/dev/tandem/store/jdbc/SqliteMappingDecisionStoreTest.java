package dev.tandem.store.jdbc;

import dev.tandem.core.mapping.MappingDecisionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Decisions about mapping suggestions on SQLite. */
class SqliteMappingDecisionStoreTest extends MappingDecisionStoreContractTest {

    @TempDir
    Path dir;
    private JdbcStores stores;

    @Override
    protected MappingDecisionStore openEmpty() {
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
        return (MappingDecisionStore) stores.stateStore();
    }

    @Override
    protected MappingDecisionStore reopen() {
        stores.close();
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
        return (MappingDecisionStore) stores.stateStore();
    }

    @AfterEach
    void close() {
        stores.close();
    }
}
