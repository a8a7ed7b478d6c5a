package dev.tandem.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens Tandem's database (SQLite file in embedded mode, PostgreSQL in cluster mode), brings its schema up to date
 * with Flyway and hands out the {@link EventLog} and {@link StateStore} over one shared connection pool.
 *
 * <p>Closing this closes both; closing both also closes the pool, so callers may manage them either way. Closing
 * the event log waits for appends already handed to its writer thread to commit.
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

    private final Database database;
    private final JdbcEventLog eventLog;
    private final JdbcStateStore stateStore;

    private JdbcStores(Database database, Clock clock) {
        this.database = database;
        this.eventLog = new JdbcEventLog(database, clock);
        this.stateStore = new JdbcStateStore(database);
    }

    /** Opens (creating it and its parent directories when missing) the SQLite database file. */
    public static JdbcStores openSqlite(Path databaseFile) {
        Path file = databaseFile.toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the directory for the state store " + file, e);
        }
        return open("jdbc:sqlite:" + file, null, null);
    }

    /**
     * Opens the database at {@code jdbcUrl}: {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://...}
     * (user and password are ignored for SQLite) and migrates its schema.
     */
    public static JdbcStores open(String jdbcUrl, String user, String password) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Dialect dialect = Dialect.of(jdbcUrl);
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("tandem-" + dialect.name().toLowerCase(Locale.ROOT));
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
        return new JdbcStores(new Database(dataSource, dialect), Clock.systemUTC());
    }

    /**
     * SQLite settings applied to every pooled connection:
     * WAL so readers never block the writer; synchronous=FULL so a commit is on disk before append returns
     * (invariant "nothing lost": a webhook is acknowledged only after that); IMMEDIATE transactions so a write
     * transaction takes the write lock at BEGIN, where busy_timeout applies, instead of failing with SQLITE_BUSY
     * when a read turns into a write; foreign keys enforced, as every other database does.
     */
    private static DataSource sqliteDataSource(String jdbcUrl) {
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        if (lower.contains(":memory:") || lower.contains("mode=memory")) {
            // Each pooled connection would open its own empty database.
            throw new IllegalArgumentException("An in-memory SQLite database cannot back a connection pool: "
                    + jdbcUrl);
        }
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

    /** The pool itself, for tests that inspect the database directly. */
    DataSource dataSource() {
        return database.dataSource();
    }

    @Override
    public void close() {
        eventLog.close();
        stateStore.close();
    }
}
