package dev.tandem.store.jdbc;

import dev.tandem.core.event.InboundEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening, configuring and closing the SQLite database behind the embedded stores. */
class SqliteJdbcStoresTest {

    @TempDir
    Path directory;

    @Test
    void bothDatabasesRunInWalModeWithFullSyncAndForeignKeys() throws SQLException {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"))) {
            for (DataSource database : List.of(stores.stateDataSource(), stores.eventsDataSource())) {
                assertThat(pragma(database, "journal_mode")).isEqualTo("wal");
                assertThat(pragma(database, "synchronous")).isEqualTo("2"); // FULL
                assertThat(pragma(database, "foreign_keys")).isEqualTo("1");
                assertThat(Integer.parseInt(pragma(database, "busy_timeout"))).isPositive();
            }
        }
    }

    @Test
    void openingCreatesBothDatabaseFilesAndMissingDirectories() {
        Path file = directory.resolve("data/state/tandem.db");

        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            stores.stateStore().ping();
        }

        assertThat(file).isRegularFile();
        assertThat(directory.resolve("data/state/tandem-events.db")).isRegularFile();
    }

    @Test
    void theEventLogFileIsNamedAfterTheStateFile() {
        assertThat(JdbcStores.eventLogFile(Path.of("/var/lib/tandem/tandem.db")))
                .isEqualTo(Path.of("/var/lib/tandem/tandem-events.db"));
        assertThat(JdbcStores.eventLogFile(Path.of("state"))).isEqualTo(Path.of("state-events"));
        assertThat(JdbcStores.eventLogFile(Path.of("a.b/store.sqlite3"))).isEqualTo(Path.of("a.b/store-events.sqlite3"));
        assertThat(JdbcStores.eventLogUrl("jdbc:sqlite:/data/tandem.db?foo=1"))
                .isEqualTo("jdbc:sqlite:/data/tandem-events.db?foo=1");
        assertThat(JdbcStores.eventLogUrl("jdbc:sqlite:file:tandem.db")).isEqualTo("jdbc:sqlite:file:tandem-events.db");
    }

    @Test
    void reopeningAMigratedDatabaseRunsNoMigrationAgain() throws SQLException {
        Path file = directory.resolve("tandem.db");
        long appliedAtFirstOpen;
        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            appliedAtFirstOpen = appliedMigrations(stores.stateDataSource());
            assertThat(appliedMigrations(stores.eventsDataSource())).isEqualTo(appliedAtFirstOpen);
            stores.eventLog().append(event("e-1"));
        }

        try (JdbcStores stores = JdbcStores.openSqlite(file)) {
            assertThat(appliedMigrations(stores.stateDataSource())).isEqualTo(appliedAtFirstOpen).isPositive();
            assertThat(appliedMigrations(stores.eventsDataSource())).isEqualTo(appliedAtFirstOpen);
            assertThat(stores.eventLog().endOffset()).isEqualTo(1);
        }
    }

    @Test
    void eventsGoToTheEventsFileStateAndOffsetsToTheStateFile() throws SQLException {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"))) {
            stores.eventLog().append(event("e-1"));
            stores.stateStore().putId("Order", "SO-5001", "801000000000001");
            stores.eventLog().commit("flow:orders", 1);

            assertThat(count(stores.eventsDataSource(), "event_log")).isEqualTo(1);
            assertThat(count(stores.stateDataSource(), "event_log")).isZero();
            assertThat(count(stores.stateDataSource(), "id_map")).isEqualTo(1);
            assertThat(count(stores.eventsDataSource(), "id_map")).isZero();
            assertThat(count(stores.stateDataSource(), "consumer_offset")).isEqualTo(1);
            assertThat(count(stores.eventsDataSource(), "consumer_offset")).isZero();
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

    private static String pragma(DataSource database, String name) throws SQLException {
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("PRAGMA " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static long appliedMigrations(DataSource database) throws SQLException {
        try (Connection connection = database.getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT COUNT(*) FROM flyway_schema_history WHERE success = 1")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static long count(DataSource database, String table) throws SQLException {
        try (Connection connection = database.getConnection();
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
