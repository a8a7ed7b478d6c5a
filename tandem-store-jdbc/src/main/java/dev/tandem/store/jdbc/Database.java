package dev.tandem.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One database's connection pool, and the one place that runs transactions on it. With SQLite there are two: the
 * state file (state store and consumer offsets) and the event log's file, each with its own lock, so neither's
 * writers queue behind the other's (see {@link JdbcStores}). With PostgreSQL one serves both views.
 *
 * <p>On a single-writer database (SQLite) every write transaction first takes an in-process lock. SQLite lets one
 * connection write to a file at a time; queueing writers on a fair Java lock (virtual-thread friendly, unlike a monitor on
 * JDK 21) is cheaper and fairer than letting them spin in SQLite's busy handler, which stays as the guard against
 * other processes opening the same file. Reads take no lock: in WAL mode they run beside the writer.
 *
 * <p>The pool closes when the last view holding it (event log, state store) is closed.
 * A transaction bound by {@link #transaction} is joined only by writes to this same database.
 */
final class Database {

    private final HikariDataSource dataSource;
    private final Dialect dialect;
    private final ReentrantLock writeLock = new ReentrantLock(true);
    private final AtomicInteger holders = new AtomicInteger();
    /** The connection of the transaction {@link #transaction} opened on this thread, if any. */
    private final ThreadLocal<Connection> bound = new ThreadLocal<>();

    Database(HikariDataSource dataSource, Dialect dialect) {
        this.dataSource = dataSource;
        this.dialect = dialect;
    }

    DataSource dataSource() {
        return dataSource;
    }

    /** Registers one more view that uses the pool; each must {@link #release()} it once. */
    void acquire() {
        holders.incrementAndGet();
    }

    void release() {
        if (holders.decrementAndGet() == 0) {
            dataSource.close();
        }
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    <T> T read(String what, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreException("Could not " + what + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code work} in one transaction and commits it before returning, so what it wrote is durable (SQLite
     * opens with synchronous=FULL). Rolls back and throws {@link StoreException} when anything fails.
     */
    <T> T write(String what, SqlWork<T> work) {
        Connection open = bound.get();
        if (open != null) {
            try {
                return work.run(open); // part of the enclosing transaction: committed with it
            } catch (SQLException e) {
                throw new StoreException("Could not " + what + ": " + e.getMessage(), e);
            }
        }
        boolean serialise = dialect.singleWriter();
        if (serialise) {
            writeLock.lock();
        }
        try (Connection connection = dataSource.getConnection()) {
            return inTransaction(connection, work);
        } catch (SQLException e) {
            throw new StoreException("Could not " + what + ": " + e.getMessage(), e);
        } finally {
            if (serialise) {
                writeLock.unlock();
            }
        }
    }

    /**
     * Runs {@code work} as ONE transaction: every {@link #write} it makes on this thread (state store rows, offset
     * commits) joins it, and one commit (one fsync) makes all of it durable, or none of it on failure.
     */
    void transaction(String what, Runnable work) {
        if (bound.get() != null) {
            work.run();
            return;
        }
        write(what, c -> {
            bound.set(c);
            try {
                work.run();
                return null;
            } finally {
                bound.remove();
            }
        });
    }

    private static <T> T inTransaction(Connection connection, SqlWork<T> work) throws SQLException {
        connection.setAutoCommit(false);
        try {
            T result = work.run(connection);
            connection.commit();
            return result;
        } catch (SQLException | RuntimeException | Error e) {
            try {
                connection.rollback();
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        } finally {
            // sqlite-jdbc issues the next BEGIN right after a commit while auto-commit is off; with
            // transaction_mode=IMMEDIATE that would keep the database write-locked while the connection idles.
            connection.setAutoCommit(true);
        }
    }
}
