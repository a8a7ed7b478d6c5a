package dev.tandem.store.jdbc;

import dev.tandem.core.event.InboundEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening, configuring and closing the SQLite database behind the embedded stores. */
class SqliteJdbcStoresTest {

    @TempDir
    Path directory;

    @Test
    void theDatabaseRunsInWalModeWithFullSyncAndForeignKeys() throws SQLException {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"))) {
            assertThat(pragma(stores, "journal_mode")).isEqualTo("wal");
            assertThat(pragma(stores, "synchronous")).isEqualTo("2"); // FULL
            assertThat(pragma(stores, "foreign_keys")).isEqualTo("1");
            assertThat(Integer.parseInt(pragma(stores, "busy_timeout"))).isPositive();
        }
    }

    @Test
    void openingCreatesTheDatabaseFileAndMissingDirectories() {
        Path file = directory.resolve("data/state/tandem.db");

        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            stores.stateStore().ping();
        }

        assertThat(file).isRegularFile();
    }

    @Test
    void reopeningAMigratedDatabaseRunsNoMigrationAgain() throws SQLException {
        Path file = directory.resolve("tandem.db");
        long appliedAtFirstOpen;
        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            appliedAtFirstOpen = appliedMigrations(stores);
            stores.eventLog().append(event("e-1"));
        }

        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            assertThat(appliedMigrations(stores)).isEqualTo(appliedAtFirstOpen).isPositive();
            assertThat(stores.eventLog().endOffset()).isEqualTo(1);
        }
    }

    @Test
    void theEventLogAndStateStoreShareOneDatabase() throws SQLException {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"))) {
            stores.eventLog().append(event("e-1"));
            stores.stateStore().putId("Order", "SO-5001", "801000000000001");

            assertThat(count(stores, "event_log")).isEqualTo(1);
            assertThat(count(stores, "id_map")).isEqualTo(1);
        }
    }

    @Test
    void closingTheEventLogAloneLeavesTheStateStoreWorking() {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"))) {
            stores.eventLog().close();

            stores.stateStore().ping();
            assertThatThrownBy(() -> stores.eventLog().endOffset()).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingTheStoresClosesBothViews() {
        JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));

        stores.close();

        assertThatThrownBy(() -> stores.stateStore().ping()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stores.eventLog().endOffset()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> stores.eventLog().append(event("e-1"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anInMemorySqliteUrlIsRejected() {
        assertThatThrownBy(() -> JdbcStores.open("jdbc:sqlite::memory:", null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in-memory");
    }

    @Test
    void aUrlOfAnotherDatabaseIsRejected() {
        assertThatThrownBy(() -> JdbcStores.open("jdbc:mysql://localhost/tandem", "tandem", "secret"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SQLite or PostgreSQL");
    }

    private static String pragma(JdbcStores stores, String name) throws SQLException {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long appliedMigrations(JdbcStores stores) throws SQLException {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long count(JdbcStores stores, String table) throws SQLException {
        try (Connection connection = stores.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static InboundEvent event(String sourceEventId) {
        return new InboundEvent("clarity", sourceEventId, "SalesOrder.Created", "SalesOrder", "5001", "SO-5001",
                Instant.parse("2026-03-01T10:15:30Z"), "{}");
    }
}
