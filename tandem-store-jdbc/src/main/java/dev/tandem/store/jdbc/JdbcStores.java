package dev.tandem.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tandem.core.spi.ApiTokenStore;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.LeaseStore;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.spi.WriteFingerprints;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens Tandem's databases (SQLite files in embedded mode, PostgreSQL in cluster mode), brings their schema up to date
 * with Flyway and hands out the {@link EventLog} and {@link StateStore}.
 *
 * <p><b>Two SQLite files.</b> SQLite admits one writer per file, so in embedded mode the event log's tables
 * ({@code event_log}, {@code event_log_head}) live in a file of their own next to the state file, with their own
 * pool and write lock: {@code tandem.db} holds the state, {@code tandem-events.db} the events
 * ({@link #eventLogFile(Path)}). A webhook's durable append then never queues behind the flow runtime's state
 * transactions, nor they behind it. Consumer offsets stay in the state file, so a settlement and the offset it moves
 * still commit in one transaction. Both files get the same migrations (the tables a file does not use stay empty),
 * so one schema history describes both. A state file from before the split, holding the events itself, has them
 * moved to the events file once at open ({@link #moveLegacyEvents}). PostgreSQL has no single-writer lock: there
 * both views share one database and pool, as before.
 *
 * <p>Closing this closes both views; closing both also closes the pools, so callers may manage them either way.
 * Closing the event log waits for appends already handed to its writer thread to commit.
 *
 * <p>Thread-safe: use both from any number of threads, virtual ones included.
 */
public final class JdbcStores implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStores.class);

    /** Readers run beside SQLite's single writer in WAL mode; a few are plenty on a small machine. */
    private static final int SQLITE_POOL_SIZE = 4;

    /**
     * How long a connection waits for another process holding SQLite's write lock (this process serialises its own
     * writers, see {@link Database}), e.g. an operator's sqlite3 shell, before the write fails.
     */
    private static final Duration SQLITE_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** What {@link #eventLogFile} inserts before the state file's extension. */
    private static final String EVENTS_SUFFIX = "-events";

    private static final String EVENT_COLUMNS = "log_offset, source, source_event_id, event_type, entity, entity_id, "
            + "entity_key, occurred_at, payload, received_at";

    private final Database stateDatabase;
    private final Database eventsDatabase;
    private final JdbcEventLog eventLog;
    private final JdbcStateStore stateStore;
    /** Held from {@link #openSqlite} to {@link #close}; null for stores opened by URL. */
    private volatile StoreLock lock;
    private final JdbcApiTokenStore apiTokens;
    private final JdbcBackfillCheckpoints backfillCheckpoints;

    private JdbcStores(Database stateDatabase, Database eventsDatabase, Clock clock) {
        this.stateDatabase = stateDatabase;
        this.eventsDatabase = eventsDatabase;
        this.eventLog = new JdbcEventLog(eventsDatabase, stateDatabase, clock);
        this.stateStore = new JdbcStateStore(stateDatabase);
        this.apiTokens = new JdbcApiTokenStore(stateDatabase);
        this.backfillCheckpoints = new JdbcBackfillCheckpoints(stateDatabase);
    }

    /**
     * Opens (creating them and their parent directories when missing) the SQLite state file and, beside it, the
     * event log's file {@link #eventLogFile(Path) eventLogFile(databaseFile)}, holding the store's lock file
     * ({@code <file>.lock}, see {@link StoreLock}) until {@link #close}.
     *
     * @throws StoreException at once when another Tandem (another process, or another {@code JdbcStores} of this
     *                        JVM) has the store open
     */
    public static JdbcStores openSqlite(Path databaseFile) {
        Path file = databaseFile.toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory for the state store " + file, e);
        }
        StoreLock lock = StoreLock.acquire(file);
        try {
            JdbcStores stores = open("jdbc:sqlite:" + file, null, null);
            stores.lock = lock;
            return stores;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * The file the event log of the SQLite state file {@code stateFile} lives in: beside it, {@code -events} inserted
     * before the extension ({@code tandem.db} → {@code tandem-events.db}; {@code state} → {@code state-events}).
     */
    public static Path eventLogFile(Path stateFile) {
        Path name = Objects.requireNonNull(stateFile, "stateFile").getFileName();
        if (name == null) {
            throw new IllegalArgumentException("Not a file: " + stateFile);
        }
        return stateFile.resolveSibling(eventsName(name.toString()));
    }

    private static String eventsName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) + EVENTS_SUFFIX + fileName.substring(dot)
                : fileName + EVENTS_SUFFIX;
    }

    /**
     * The SQLite URL of the event log next to the state file of {@code stateUrl}: same folder and URL parameters,
     * the file named as {@link #eventLogFile} names it.
     */
    static String eventLogUrl(String stateUrl) {
        String prefix = "jdbc:sqlite:";
        String rest = stateUrl.substring(prefix.length());
        int parameters = rest.indexOf('?');
        String path = parameters < 0 ? rest : rest.substring(0, parameters);
        String query = parameters < 0 ? "" : rest.substring(parameters);
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        int colon = path.lastIndexOf(':'); // "file:tandem.db"
        int nameStart = Math.max(slash, colon) + 1;
        if (nameStart >= path.length()) {
            throw new IllegalArgumentException("The SQLite URL names no file: " + stateUrl);
        }
        return prefix + path.substring(0, nameStart) + eventsName(path.substring(nameStart)) + query;
    }

    /** The file part of a SQLite URL, as SQLite's ATTACH takes it. */
    private static String sqlitePath(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        int parameters = rest.indexOf('?');
        return parameters < 0 ? rest : rest.substring(0, parameters);
    }

    /**
     * Opens the database at {@code jdbcUrl}: {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://...}
     * (user and password are ignored for SQLite) and migrates its schema. For SQLite, {@code <file>} is the state
     * file and the event log opens in {@link #eventLogUrl its sibling}. This takes no {@link StoreLock}: it is for
     * PostgreSQL (shared by design) and for tests that open two pools on one SQLite file on purpose; a server opens
     * SQLite with {@link #openSqlite}.
     */
    public static JdbcStores open(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Dialect dialect = Dialect.of(jdbcUrl);
        if (dialect != Dialect.SQLITE) {
            Database shared = new Database(openPool(dialect, jdbcUrl, user, password, ""), dialect);
            return new JdbcStores(shared, shared, Clock.systemUTC());
        }
        rejectInMemory(jdbcUrl);
        String eventsUrl = eventLogUrl(jdbcUrl);
        HikariDataSource state = openPool(dialect, jdbcUrl, null, null, "");
        HikariDataSource events = null;
        try {
            events = openPool(dialect, eventsUrl, null, null, "-events");
            moveLegacyEvents(jdbcUrl, eventsUrl);
            warnIfOffsetsPassTheLog(state, events);
        } catch (RuntimeException e) {
            state.close();
            if (events != null) {
                events.close();
            }
            throw e;
        }
        return new JdbcStores(new Database(state, dialect), new Database(events, dialect), Clock.systemUTC());
    }

    /** A pool on {@code jdbcUrl} whose schema Flyway has brought up to date. */
    private static HikariDataSource openPool(Dialect dialect, String jdbcUrl, String user, String password,
                                             String poolSuffix) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tandem-" + dialect.name().toLowerCase(Locale.ROOT) + poolSuffix);
        if (dialect == Dialect.SQLITE) {
            pool.setDataSource(sqliteDataSource(jdbcUrl));
            pool.setMaximumPoolSize(SQLITE_POOL_SIZE);
        } else {
            pool.setJdbcUrl(jdbcUrl);
            pool.setUsername(user);
            pool.setPassword(password);
        }
        HikariDataSource dataSource = new HikariDataSource(pool);
        try {
            MigrateResult migration = Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .placeholders(dialect.migrationPlaceholders())
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            LOG.info("Opened the {} store {} at schema version {} ({} migrations applied now)",
                    dialect, redact(jdbcUrl), migration.targetSchemaVersion != null
                            ? migration.targetSchemaVersion : migration.initialSchemaVersion,
                    migration.migrationsExecuted);
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return dataSource;
    }

    /**
     * Moves the events of a state file written before the event log had a file of its own into the events file,
     * keeping every offset, and carries the state file's log head over, so new appends continue after it.
     *
     * <p>Runs at every open and does nothing once the state file's {@code event_log} is empty. Two transactions,
     * in this order, because SQLite in WAL mode commits a transaction over attached files atomically per file only:
     * first copy into the events file (rows it already has are skipped, so a repeat is harmless) and check that
     * every legacy row is there with the same offset and id; then delete, from the state file, exactly the rows the
     * events file holds. A crash between the two leaves the rows in both files, and the next open finishes the
     * move. The state file's {@code event_log_head} row is left as it was; nothing reads it afterwards (the events
     * file's head is never below it, so the check that starts a move stays false).
     */
    private static void moveLegacyEvents(String stateUrl, String eventsUrl) {
        String match = "SELECT 1 FROM main.event_log m WHERE m.log_offset = l.log_offset "
                + "AND m.source = l.source AND m.source_event_id = l.source_event_id";
        try (Connection connection = sqliteDataSource(eventsUrl).getConnection()) {
            try (PreparedStatement attach = connection.prepareStatement("ATTACH DATABASE ? AS legacy")) {
                attach.setString(1, sqlitePath(stateUrl));
                attach.execute();
            }
            try {
                execute(connection, "PRAGMA legacy.synchronous = FULL");
                boolean pending = queryLong(connection, "SELECT EXISTS (SELECT 1 FROM legacy.event_log)") == 1
                        || queryLong(connection, "SELECT COALESCE((SELECT end_offset FROM legacy.event_log_head "
                        + "WHERE id = 1), 0) > (SELECT end_offset FROM main.event_log_head WHERE id = 1)") == 1;
                if (!pending) {
                    return;
                }
                long copied;
                connection.setAutoCommit(false); // BEGIN IMMEDIATE: holds off other processes' appends
                try {
                    copied = update(connection, "INSERT INTO main.event_log (" + EVENT_COLUMNS + ") SELECT "
                            + EVENT_COLUMNS + " FROM legacy.event_log l WHERE NOT EXISTS (SELECT 1 FROM "
                            + "main.event_log m WHERE m.log_offset = l.log_offset) ORDER BY l.log_offset");
                    long unmatched = queryLong(connection,
                            "SELECT COUNT(*) FROM legacy.event_log l WHERE NOT EXISTS (" + match + ")");
                    if (unmatched > 0) {
                        throw new StoreException("Cannot move the events of " + redact(stateUrl) + " to "
                                + redact(eventsUrl) + ": " + unmatched + " of them have an offset that the events"
                                + " file gives to another event. Leaving both files as they are.", null);
                    }
                    update(connection, "UPDATE main.event_log_head SET end_offset = MAX(end_offset, "
                            + "COALESCE((SELECT end_offset FROM legacy.event_log_head WHERE id = 1), 0), "
                            + "COALESCE((SELECT MAX(log_offset) FROM main.event_log), 0)) WHERE id = 1");
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
                long deleted;
                connection.setAutoCommit(false);
                try {
                    deleted = update(connection, "DELETE FROM legacy.event_log WHERE EXISTS (SELECT 1 FROM "
                            + "main.event_log m WHERE m.log_offset = legacy.event_log.log_offset "
                            + "AND m.source = legacy.event_log.source "
                            + "AND m.source_event_id = legacy.event_log.source_event_id)");
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
                LOG.info("Moved the event log out of the state file {}: {} events copied to {}, {} removed from the"
                        + " state file, offsets unchanged", redact(stateUrl), copied, redact(eventsUrl), deleted);
            } finally {
                execute(connection, "DETACH DATABASE legacy");
            }
        } catch (SQLException e) {
            throw new StoreException("Could not move the events of " + redact(stateUrl) + " to "
                    + redact(eventsUrl) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A consumer offset beyond the log's end means the two files do not belong together (one restored from
     * another backup than the other, say): new events would get offsets that consumers believe they have settled.
     */
    private static void warnIfOffsetsPassTheLog(DataSource state, DataSource events) {
        try (Connection s = state.getConnection(); Connection e = events.getConnection()) {
            long committed = queryLong(s, "SELECT COALESCE(MAX(committed_offset), 0) FROM consumer_offset");
            long end = queryLong(e, "SELECT end_offset FROM event_log_head WHERE id = 1");
            if (committed > end) {
                LOG.warn("A consumer committed offset {} but the event log ends at {}: the events file does not "
                        + "match the state file (restore both from the same backup); events appended now get "
                        + "offsets that consumer will skip", committed, end);
            }
        } catch (SQLException e) {
            throw new StoreException("Could not compare the consumer offsets with the event log: "
                    + e.getMessage(), e);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static int update(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            return statement.executeUpdate(sql);
        }
    }

    private static long queryLong(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            return rows.next() ? rows.getLong(1) : 0;
        }
    }

    /**
     * SQLite settings applied to every pooled connection:
     * WAL so readers never block the writer; synchronous=FULL so a commit is on disk before append returns
     * (invariant "nothing lost": a webhook is acknowledged only after that); IMMEDIATE transactions so a write
     * transaction takes the write lock at BEGIN, where busy_timeout applies, instead of failing with SQLITE_BUSY
     * when a read turns into a write; foreign keys enforced, as every other database does.
     */
    private static SQLiteDataSource sqliteDataSource(String jdbcUrl) {
        rejectInMemory(jdbcUrl);
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.setBusyTimeout((int) SQLITE_BUSY_TIMEOUT.toMillis());
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.enforceForeignKeys(true);
        SQLiteDataSource dataSource = new SQLiteDataSource(config);
        dataSource.setUrl(jdbcUrl);
        return dataSource;
    }

    private static void rejectInMemory(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.contains(":memory:") || lower.contains("mode=memory")) {
            // Each pooled connection would open its own empty database.
            throw new IllegalArgumentException("An in-memory SQLite database cannot back a connection pool: "
                    + jdbcUrl);
        }
    }

    /** JDBC URLs may carry a password as a parameter: log only what comes before the parameters. */
    private static String redact(String jdbcUrl) {
        int parameters = jdbcUrl.indexOf('?');
        return parameters < 0 ? jdbcUrl : jdbcUrl.substring(0, parameters) + "?…";
    }

    public EventLog eventLog() {
        return eventLog;
    }

    public StateStore stateStore() {
        return stateStore;
    }

    /** Echo-suppression fingerprints, in the state store's database (V20). */
    public WriteFingerprints writeFingerprints() {
        return stateStore;
    }

    /** Single-reader leases, in the state store's database (V20). */
    public LeaseStore leases() {
        return stateStore;
    }

    /** The admin API's tokens and audit log, in the state store's database (V22). */
    public ApiTokenStore apiTokens() {
        return apiTokens;
    }

    /** The initial load's checkpoints (V25), in the state database: saves join {@code inTransaction}. */
    public dev.tandem.core.spi.BackfillCheckpoints backfillCheckpoints() {
        return backfillCheckpoints;
    }

    /** The state database's pool (consumer offsets included), for tests that inspect it directly. */
    DataSource stateDataSource() {
        return stateDatabase.dataSource();
    }

    /** The event log's pool (the state's own in PostgreSQL mode), for tests that inspect it directly. */
    DataSource eventsDataSource() {
        return eventsDatabase.dataSource();
    }

    @Override
    public void close() {
        try {
            eventLog.close();
            stateStore.close();
            apiTokens.close();
            backfillCheckpoints.close();
        } finally {
            StoreLock held = lock;
            lock = null;
            if (held != null) {
                held.close();
            }
        }
    }
}
