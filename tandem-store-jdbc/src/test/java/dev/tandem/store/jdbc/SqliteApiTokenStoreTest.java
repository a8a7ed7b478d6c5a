package dev.tandem.store.jdbc;

import dev.tandem.core.spi.ApiTokenStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The API token contract on an SQLite file. */
class SqliteApiTokenStoreTest extends ApiTokenStoreContractTest {

    @TempDir
    Path directory;

    private JdbcStores stores;

    @Override
    protected ApiTokenStore openEmpty() {
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
        return stores.apiTokens();
    }

    @Override
    protected ApiTokenStore restart() {
        stores.close();
        return openEmpty();
    }

    @AfterEach
    void closeStores() {
        stores.close();
    }
}
