package dev.tandem.store.jdbc;

import dev.tandem.core.profile.ProfileStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The learned data profiles on SQLite. */
class SqliteProfileStoreTest extends ProfileStoreContractTest {

    @TempDir
    Path dir;
    private JdbcStores stores;

    @Override
    protected ProfileStore openEmpty() {
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
        return (ProfileStore) stores.stateStore();
    }

    @Override
    protected ProfileStore reopen() {
        stores.close();
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
        return (ProfileStore) stores.stateStore();
    }

    @AfterEach
    void close() {
        stores.close();
    }
}
