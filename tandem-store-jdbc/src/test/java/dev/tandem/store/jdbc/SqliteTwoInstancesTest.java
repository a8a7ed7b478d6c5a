package dev.tandem.store.jdbc;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Two pools on one SQLite file: SQLite's file lock and busy_timeout keep them apart. */
class SqliteTwoInstancesTest extends TwoInstancesContractTest {

    @TempDir
    Path directory;

    @Override
    protected JdbcStores openInstance() {
        // By URL: openSqlite would refuse the second instance with its lock file (SqliteStoreLockTest).
        return JdbcStores.open("jdbc:sqlite:" + directory.resolve("tandem.db").toAbsolutePath(), null, null);
    }
}
