package dev.tandem.store.jdbc;

import dev.tandem.core.spi.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The state store contract on an SQLite file. */
class SqliteStateStoreTest extends StateStoreContractTest {

    @TempDir
    Path directory;

    private JdbcStores stores;

    @Override
    protected StateStore openEmpty() {
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
        return stores.stateStore();
    }

    @Override
    protected StateStore restart() {
        stores.close();
        return openEmpty();
    }

    @AfterEach
    void closeStores() {
        stores.close();
    }
}
