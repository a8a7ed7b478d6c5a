package dev.tandem.store.jdbc;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Opening a state file written before the event log had a file of its own: one file, migrated with the same
 * scripts, holding the events, the log head and the consumer offsets. The events move to the events file once,
 * with their offsets; nothing else changes.
 */
class SqliteEventLogUpgradeTest {

    @TempDir
    Path directory;

    private Path stateFile;
    private final List<LoggedEvent> legacyEvents = List.of(
            logged(1, "e-1", "SO-1", "{\"n\":1}", "2026-03-01T10:00:00Z"),
            logged(2, "e-2", "SO-2", "{\"n\":2}", "2026-03-01T10:00:01Z"),
            logged(3, "e-3", "SO-1", "{\"n\":3}", "2026-03-01T10:00:02Z"));

    @BeforeEach
    void writeASingleFileStore() throws SQLException {
        stateFile = directory.resolve("tandem.db");
        String url = "jdbc:sqlite:" + stateFile.toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration")
                .placeholders(Dialect.SQLITE.migrationPlaceholders()).load().migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            execute(c, "PRAGMA journal_mode = WAL");
            insertEvents(c, legacyEvents);
            execute(c, "UPDATE event_log_head SET end_offset = 3 WHERE id = 1");
            execute(c, "INSERT INTO consumer_offset (consumer, committed_offset) VALUES ('flow:orders', 2), "
                    + "('flow:customers', 3)");
            execute(c, "INSERT INTO id_map (object_type, clarity_key, salesforce_id) "
                    + "VALUES ('Order', 'SO-1', '801000000000001')");
        }
    }

    @Test
    void theEventsMoveToTheEventsFileWithTheirOffsetsAndTheOffsetsStay() throws SQLException {
        try (JdbcStores stores = JdbcStores.openSqlite(stateFile)) {
            assertUpgraded(stores);

            assertThat(stores.eventLog().append(event("e-4", "SO-4"))).isEqualTo(new AppendResult(4, false));
            assertThat(stores.eventLog().append(event("e-2", "SO-2"))).as("still de-duplicated")
                    .isEqualTo(new AppendResult(2, true));
        }

        try (JdbcStores stores = JdbcStores.openSqlite(stateFile)) {
            assertThat(stores.eventLog().endOffset()).isEqualTo(4);
            assertThat(stores.eventLog().readAfter(0, 100)).extracting(LoggedEvent::offset)
                    .containsExactly(1L, 2L, 3L, 4L);
            assertThat(stores.eventLog().committedOffset("flow:orders")).isEqualTo(2);
            try (Connection state = stores.stateDataSource().getConnection()) {
                assertThat(count(state, "event_log")).isZero();
            }
        }
    }

    @Test
    void aMoveCutOffBeforeTheStateFileWasClearedIsFinishedAtTheNextOpen() throws SQLException {
        try (JdbcStores stores = JdbcStores.openSqlite(stateFile)) {
            assertUpgraded(stores);
        }
        // As if the process died after the events file committed the copy and before the state file's delete.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + stateFile.toAbsolutePath())) {
            insertEvents(c, legacyEvents);
        }

        try (JdbcStores stores = JdbcStores.openSqlite(stateFile)) {
            assertUpgraded(stores);
            assertThat(stores.eventLog().append(event("e-4", "SO-4")).offset()).isEqualTo(4);
        }
    }

    @Test
    void eventsThatClashWithTheEventsFileStopTheOpenAndStayWhereTheyAre() throws SQLException {
        Path eventsFile = directory.resolve("tandem-events.db");
        String eventsUrl = "jdbc:sqlite:" + eventsFile.toAbsolutePath();
        Flyway.configure().dataSource(eventsUrl, null, null).locations("classpath:db/migration")
                .placeholders(Dialect.SQLITE.migrationPlaceholders()).load().migrate();
        try (Connection c = DriverManager.getConnection(eventsUrl)) {
            insertEvents(c, List.of(logged(2, "other", "SO-9", "{}", "2026-03-01T09:00:00Z")));
            execute(c, "UPDATE event_log_head SET end_offset = 2 WHERE id = 1");
        }

        assertThatThrownBy(() -> JdbcStores.openSqlite(stateFile))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("offset");

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + stateFile.toAbsolutePath())) {
            assertThat(count(c, "event_log")).isEqualTo(3);
        }
        try (Connection c = DriverManager.getConnection(eventsUrl)) {
            assertThat(count(c, "event_log")).as("the copy was rolled back").isEqualTo(1);
        }
    }

    private void assertUpgraded(JdbcStores stores) throws SQLException {
        assertThat(stores.eventLog().readAfter(0, 100)).isEqualTo(legacyEvents);
        assertThat(stores.eventLog().get(2)).contains(legacyEvents.get(1));
        assertThat(stores.eventLog().endOffset()).isEqualTo(3);
        assertThat(stores.eventLog().committedOffset("flow:orders")).isEqualTo(2);
        assertThat(stores.eventLog().committedOffset("flow:customers")).isEqualTo(3);
        assertThat(stores.stateStore().targetId("Order", "SO-1")).hasValue("801000000000001");
        try (Connection state = stores.stateDataSource().getConnection();
             Connection events = stores.eventsDataSource().getConnection()) {
            assertThat(count(state, "event_log")).as("moved out of the state file").isZero();
            assertThat(count(events, "event_log")).isEqualTo(3);
            assertThat(count(events, "consumer_offset")).as("offsets stay in the state file").isZero();
        }
    }

    private static void insertEvents(Connection c, List<LoggedEvent> events) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO event_log (log_offset, source, "
                + "source_event_id, event_type, entity, entity_id, entity_key, occurred_at, payload, received_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (LoggedEvent e : events) {
                insert.setLong(1, e.offset());
                insert.setString(2, e.event().source());
                insert.setString(3, e.event().sourceEventId());
                insert.setString(4, e.event().type());
                insert.setString(5, e.event().entity());
                insert.setString(6, e.event().entityId());
                insert.setString(7, e.event().entityKey());
                insert.setLong(8, e.event().occurredAt().toEpochMilli());
                insert.setString(9, e.event().payload());
                insert.setLong(10, e.receivedAt().toEpochMilli());
                insert.executeUpdate();
            }
        }
    }

    private static long count(Connection connection, String table) throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private static LoggedEvent logged(long offset, String id, String key, String payload, String at) {
        InboundEvent event = new InboundEvent("clarity", id, "SalesOrder.Created", "SalesOrder",
                key.substring(3), key, Instant.parse(at), payload);
        return new LoggedEvent(offset, event, Instant.parse(at).plusMillis(250));
    }

    private static InboundEvent event(String id, String key) {
        return new InboundEvent("clarity", id, "SalesOrder.Created", "SalesOrder", key.substring(3), key,
                Instant.parse("2026-03-02T10:00:00Z"), "{}");
    }
}
