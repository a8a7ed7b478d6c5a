package dev.tandem.store.jdbc;

import dev.tandem.core.spi.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The event log contract on an SQLite file. */
class SqliteEventLogTest extends EventLogContractTest {

    @TempDir
    Path directory;

    private JdbcStores stores;

    @Override
    protected EventLog openEmpty() {
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
        return stores.eventLog();
    }

    @Override
    protected EventLog restart() {
        stores.close();
        return openEmpty();
    }

    @AfterEach
    void closeStores() {
        stores.close();
    }
}
