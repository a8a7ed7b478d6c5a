package dev.tandem.store.jdbc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The lock file that keeps two Tandems off one SQLite store. */
class SqliteStoreLockTest {

    @TempDir
    Path directory;

    @Test
    void aSecondOpenOfAnOpenStoreFailsNamingTheStoreAndTheLockFile() {
        Path file = directory.resolve("tandem.db").toAbsolutePath();
        try (JdbcStores first = JdbcStores.openSqlite(file)) {
            assertThatThrownBy(() -> JdbcStores.openSqlite(file))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("store " + file + " is in use by another Tandem")
                    .hasMessageContaining("lock file " + file + ".lock");
            first.stateStore().ping(); // the refused open left the first one working
        }
    }

    @Test
    void closingTheStoreReleasesTheLock() {
        Path file = directory.resolve("tandem.db");
        JdbcStores.openSqlite(file).close();

        try (JdbcStores again = JdbcStores.openSqlite(file)) {
            again.stateStore().ping();
        }
        assertThat(StoreLock.lockFile(file.toAbsolutePath())).isRegularFile();
    }

    @Test
    void aLockFileLeftBehindWithoutAHolderDoesNotBlock() throws IOException {
        Path file = directory.resolve("tandem.db").toAbsolutePath();
        // What a crashed Tandem leaves: the file with its pid, but no process holding the OS lock.
        Files.writeString(StoreLock.lockFile(file), "999999\n");

        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            stores.stateStore().ping();
            assertThat(Files.readString(StoreLock.lockFile(file)).trim())
                    .isEqualTo(Long.toString(ProcessHandle.current().pid()));
        }
    }

    @Test
    void aStoreOfAnotherNameInTheSameFolderIsNotBlocked() {
        try (JdbcStores first = JdbcStores.openSqlite(directory.resolve("a.db"));
             JdbcStores second = JdbcStores.openSqlite(directory.resolve("b.db"))) {
            first.stateStore().ping();
            second.stateStore().ping();
        }
    }
}
