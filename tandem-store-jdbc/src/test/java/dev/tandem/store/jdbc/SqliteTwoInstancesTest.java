package dev.tandem.store.jdbc;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** Two pools on one SQLite file: SQLite's file lock and busy_timeout keep them apart. */
class SqliteTwoInstancesTest extends TwoInstancesContractTest {

    @TempDir
    Path directory;

    @Override
    protected JdbcStores openInstance() {
        return JdbcStores.openSqlite(directory.resolve("tandem.db"));
    }
}
