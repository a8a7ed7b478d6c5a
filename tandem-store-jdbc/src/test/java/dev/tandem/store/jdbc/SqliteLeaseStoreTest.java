package dev.tandem.store.jdbc;

import dev.tandem.core.spi.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The lease contract on an SQLite file, a second pool on the same file standing in for another process. */
class SqliteLeaseStoreTest extends LeaseStoreContractTest {

    @TempDir
    Path directory;

    private JdbcStores stores;
    private JdbcStores other;

    @Override
    protected LeaseStore openEmpty() {
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
        return stores.leases();
    }

    @Override
    protected LeaseStore restart() {
        stores.close();
        return openEmpty();
    }

    @Override
    protected LeaseStore second() {
        // By URL: openSqlite would refuse a second instance with its lock file (SqliteStoreLockTest).
        other = JdbcStores.open("jdbc:sqlite:" + directory.resolve("tandem.db").toAbsolutePath(), null, null);
        return other.leases();
    }

    @AfterEach
    void closeStores() {
        stores.close();
        if (other != null) {
            other.close();
        }
    }
}
