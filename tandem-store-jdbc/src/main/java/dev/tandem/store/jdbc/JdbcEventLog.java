package dev.tandem.store.jdbc;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.EventLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The embedded event log: a table in a SQLite file of its own beside the state file (see {@link JdbcStores}), or in
 * the one PostgreSQL database.
 *
 * <p><b>Two databases.</b> Events are appended to and read from {@code events}; consumer offsets are read from and
 * committed to {@code offsets}, the state store's database, so that {@link #commit} joins a transaction opened with
 * {@code StateStore.inTransaction} on the calling thread: a settlement and the offset it moves commit together.
 * On SQLite each has its own write lock, so an append never waits for a state transaction. (With PostgreSQL both
 * are the same database.)
 *
 * <p><b>Offsets</b> are taken from the single row of {@code event_log_head}, which every append transaction locks
 * first. That serialises appenders (also across processes on PostgreSQL), so offsets are gap-free and commit in
 * offset order: a consumer that has seen offset n can never later find an event below n appear (see V1).
 *
 * <p><b>Group commit.</b> {@link #append} must be durable before it returns, and with synchronous=FULL every commit
 * costs a disk sync. Callers therefore hand their event to one writer thread and wait for its result; the writer
 * commits everything queued meanwhile in one transaction and wakes each caller on its own. One sync then serves
 * many webhooks, and a lone caller still commits at once, without waiting for a batch to fill. (Waiting for the
 * result on a shared lock instead would wake the callers one lock hand-off at a time, which measured slower.)
 *
 * <p><b>De-duplication</b> happens under the head lock: the existing row for (source, sourceEventId) is looked
 * up before inserting, so concurrent duplicates, in one batch or in two processes, yield exactly one row. The
 * unique constraint on those columns stays as the last line of defence.
 */
public final class JdbcEventLog implements EventLog {

    /** Bounds one transaction so a burst cannot hold the write lock for long. */
    private static final int MAX_BATCH = 256;

    private static final String COLUMNS = "log_offset, source, source_event_id, event_type, entity, entity_id, "
            + "entity_key, occurred_at, payload, received_at";

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventLog.class);

    private final Database events;
    private final Database offsets;
    private final Clock clock;
    private final BlockingQueue<PendingAppend> queued = new LinkedBlockingQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread writer;

    JdbcEventLog(Database events, Database offsets, Clock clock) {
        this.events = events;
        this.offsets = offsets;
        this.clock = clock;
        events.acquire();
        offsets.acquire();
        // A platform thread: SQLite's native calls pin a virtual thread's carrier anyway, and the writer would
        // then hold one of the few carriers that the request-handling virtual threads share.
        this.writer = Thread.ofPlatform().name("tandem-event-log-writer").daemon(true).start(this::writeQueued);
    }

    @Override
    public AppendResult append(InboundEvent event) {
        Objects.requireNonNull(event, "event");
        ensureOpen();
        PendingAppend request = new PendingAppend(event);
        queued.add(request);
        // close() may have stopped the writer between ensureOpen() and add(): then take the request back, unless
        // the writer already took it, in which case the writer completes it.
        if (closed.get() && queued.remove(request)) {
            throw new LogClosedException();
        }
        return request.outcome();
    }

    /**
     * Queues every event at once, so the writer commits them in as few transactions (and fsyncs) as its batch size
     * allows, then waits for all of them.
     */
    @Override
    public List<AppendResult> appendAll(List<InboundEvent> events) {
        Objects.requireNonNull(events, "events");
        events.forEach(e -> Objects.requireNonNull(e, "event"));
        ensureOpen();
        List<PendingAppend> requests = events.stream().map(PendingAppend::new).toList();
        queued.addAll(requests);
        if (closed.get()) {
            List<PendingAppend> withdrawn = requests.stream().filter(queued::remove).toList();
            if (!withdrawn.isEmpty()) {
                // Those the writer took will complete; the withdrawn ones never will: report the log closed.
                requests.stream().filter(r -> !withdrawn.contains(r)).forEach(PendingAppend::outcome);
                throw new LogClosedException();
            }
        }
        List<AppendResult> results = new ArrayList<>(requests.size());
        for (PendingAppend request : requests) {
            results.add(request.outcome());
        }
        return results;
    }

    /** The writer thread: commits queued appends, a batch per transaction, until {@link #close()}. */
    private void writeQueued() {
        List<PendingAppend> batch = new ArrayList<>(MAX_BATCH);
        boolean stopping = false;
        while (!stopping) {
            try {
                batch.add(queued.take());
            } catch (InterruptedException e) {
                // Only close() stops the writer: a stray interrupt must not leave appenders waiting for nobody.
                continue;
            }
            queued.drainTo(batch, MAX_BATCH - 1);
            stopping = batch.removeIf(request -> request == PendingAppend.STOP);
            if (!batch.isEmpty()) {
                commit(batch);
            }
            batch.clear();
        }
        // Appends that raced with close(): their callers must not wait forever.
        queued.drainTo(batch);
        batch.forEach(request -> request.fail(new LogClosedException()));
    }

    /** Commits one batch in one transaction and hands every caller its result. */
    private void commit(List<PendingAppend> batch) {
        try {
            List<AppendResult> results = events.write("append events", c -> appendAll(c, batch));
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).succeed(results.get(i));
            }
        } catch (RuntimeException | Error e) {
            // Every caller in the batch must hear of the failure, or it would wait for a result forever; the writer
            // lives on, so appends resume once the cause (a full disk, say) is gone.
            LOG.warn("Could not append {} events: {}", batch.size(), e.toString());
            batch.forEach(request -> request.fail(e));
        }
    }

    private List<AppendResult> appendAll(Connection connection, List<PendingAppend> batch) throws SQLException {
        long endOffset = lockHead(connection);
        long initialEnd = endOffset;
        long receivedAt = clock.millis();
        List<AppendResult> results = new ArrayList<>(batch.size());
        try (PreparedStatement find = connection.prepareStatement(
                "SELECT log_offset FROM event_log WHERE source = ? AND source_event_id = ?");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO event_log (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (PendingAppend request : batch) {
                InboundEvent event = request.event;
                find.setString(1, event.source());
                find.setString(2, event.sourceEventId());
                Optional<Long> existing = firstLong(find);
                if (existing.isPresent()) {
                    results.add(new AppendResult(existing.get(), true));
                    continue;
                }
                endOffset++;
                insert.setLong(1, endOffset);
                insert.setString(2, event.source());
                insert.setString(3, event.sourceEventId());
                insert.setString(4, event.type());
                insert.setString(5, event.entity());
                insert.setString(6, event.entityId());
                insert.setString(7, event.entityKey());
                insert.setLong(8, event.occurredAt().toEpochMilli());
                insert.setString(9, event.payload());
                insert.setLong(10, receivedAt);
                insert.executeUpdate();
                results.add(new AppendResult(endOffset, false));
            }
        }
        if (endOffset != initialEnd) {
            try (PreparedStatement advance = connection.prepareStatement(
                    "UPDATE event_log_head SET end_offset = ? WHERE id = 1")) {
                advance.setLong(1, endOffset);
                advance.executeUpdate();
            }
        }
        return results;
    }

    /** Locks the head row for the rest of the transaction (a no-op update still takes the row lock) and reads it. */
    private static long lockHead(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(
                "UPDATE event_log_head SET end_offset = end_offset WHERE id = 1 RETURNING end_offset")) {
            return firstLong(lock).orElseThrow(() -> new SQLException("event_log_head has no row: schema damaged"));
        }
    }

    @Override
    public List<LoggedEvent> readAfter(long afterOffset, int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        ensureOpen();
        if (max == 0) {
            return List.of();
        }
        return events.read("read the event log", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM event_log WHERE log_offset > ? ORDER BY log_offset LIMIT ?")) {
                select.setLong(1, afterOffset);
                select.setInt(2, max);
                try (ResultSet rows = select.executeQuery()) {
                    List<LoggedEvent> events = new ArrayList<>();
                    while (rows.next()) {
                        events.add(toLoggedEvent(rows));
                    }
                    return List.copyOf(events);
                }
            }
        });
    }

    @Override
    public Optional<LoggedEvent> get(long offset) {
        ensureOpen();
        return events.read("read an event", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM event_log WHERE log_offset = ?")) {
                select.setLong(1, offset);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(toLoggedEvent(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<LoggedEvent> eventsOf(String key, int limit) {
        ensureOpen();
        return events.read("read a record's events", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM event_log WHERE "
                    + "entity_key = ? OR entity_id = ? ORDER BY log_offset DESC LIMIT ?")) {
                select.setString(1, key);
                select.setString(2, key);
                select.setInt(3, limit);
                return loggedEvents(select);
            }
        });
    }

    /**
     * One grouped scan of the rows received since {@code since}, through the index on received_at (V31) for the short
     * windows (the planner still scans the whole log when the window holds a large part of it, e.g. a week of a
     * month's log; docs/benchmarks.md); a negative lag (a source clock ahead of ours) counts as 0.
     */
    @Override
    public List<dev.tandem.core.state.IngestStats> ingestStats(Instant since, java.time.Duration bucket) {
        ensureOpen();
        long size = Math.max(1000, bucket.toMillis());
        // Not MAX(0, x): a two-argument MAX is SQLite only (PostgreSQL has GREATEST, SQLite has not).
        String lag = "CASE WHEN received_at > occurred_at THEN received_at - occurred_at ELSE 0 END";
        String sql = "SELECT source, (received_at / " + size + ") * " + size + " AS bucket, COUNT(*), MAX(" + lag
                + "), AVG(" + lag + ") FROM event_log WHERE received_at >= ? "
                + "GROUP BY source, (received_at / " + size + ") ORDER BY source, bucket";
        return events.read("summarise ingestion", c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setLong(1, since.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    List<dev.tandem.core.state.IngestStats> out = new ArrayList<>();
                    while (rows.next()) {
                        out.add(new dev.tandem.core.state.IngestStats(rows.getString(1),
                                Instant.ofEpochMilli(rows.getLong(2)), rows.getLong(3), rows.getLong(4),
                                Math.round(rows.getDouble(5))));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public List<LoggedEvent> eventsMentioning(String text, int limit) {
        ensureOpen();
        return events.read("search events", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM event_log WHERE "
                    + "LOWER(payload) LIKE ? ESCAPE '\\' ORDER BY log_offset DESC LIMIT ?")) {
                select.setString(1, "%" + JdbcDeadLetters.escape(text.toLowerCase(java.util.Locale.ROOT)) + "%");
                select.setInt(2, limit);
                return loggedEvents(select);
            }
        });
    }

    private List<LoggedEvent> loggedEvents(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            List<LoggedEvent> out = new ArrayList<>();
            while (rows.next()) {
                out.add(toLoggedEvent(rows));
            }
            return out;
        }
    }

    @Override
    public long endOffset() {
        ensureOpen();
        return events.read("read the end offset", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT end_offset FROM event_log_head WHERE id = 1")) {
                return firstLong(select).orElse(0L);
            }
        });
    }

    @Override
    public long committedOffset(String consumer) {
        Objects.requireNonNull(consumer, "consumer");
        ensureOpen();
        return offsets.read("read a committed offset", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT committed_offset FROM consumer_offset WHERE consumer = ?")) {
                select.setString(1, consumer);
                return firstLong(select).orElse(0L);
            }
        });
    }

    @Override
    public void commit(String consumer, long offset) {
        Objects.requireNonNull(consumer, "consumer");
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative: " + offset);
        }
        ensureOpen();
        // Last commit wins, as in Kafka: moving a consumer back is how an operator replays events.
        offsets.write("commit an offset", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO consumer_offset (consumer, committed_offset) VALUES (?, ?) "
                            + "ON CONFLICT (consumer) DO UPDATE SET committed_offset = excluded.committed_offset")) {
                upsert.setString(1, consumer);
                upsert.setLong(2, offset);
                return upsert.executeUpdate();
            }
        });
    }

    /**
     * Releases this log's holds on its pools: the events pool closes now, the state pool (offsets) once the state
     * store has let go too.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            queued.add(PendingAppend.STOP);
            awaitWriter();
            events.release();
            offsets.release();
        }
    }

    /** Lets the writer commit what it already took, so closing never cuts off an append that is under way. */
    private void awaitWriter() {
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new LogClosedException();
        }
    }

    private static LoggedEvent toLoggedEvent(ResultSet row) throws SQLException {
        InboundEvent event = new InboundEvent(
                row.getString("source"),
                row.getString("source_event_id"),
                row.getString("event_type"),
                row.getString("entity"),
                row.getString("entity_id"),
                row.getString("entity_key"),
                Instant.ofEpochMilli(row.getLong("occurred_at")),
                row.getString("payload"));
        return new LoggedEvent(row.getLong("log_offset"), event, Instant.ofEpochMilli(row.getLong("received_at")));
    }

    private static Optional<Long> firstLong(PreparedStatement query) throws SQLException {
        try (ResultSet rows = query.executeQuery()) {
            return rows.next() ? Optional.of(rows.getLong(1)) : Optional.empty();
        }
    }

    /** One caller's append waiting for the writer; {@link #STOP} tells the writer to finish. */
    private static final class PendingAppend {

        static final PendingAppend STOP = new PendingAppend(null);

        private final InboundEvent event;
        private final CompletableFuture<AppendResult> result = new CompletableFuture<>();

        private PendingAppend(InboundEvent event) {
            this.event = event;
        }

        void succeed(AppendResult appended) {
            result.complete(appended);
        }

        void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }

        AppendResult outcome() {
            try {
                // Uninterruptible on purpose: the writer finishes the commit anyway, and the caller must learn
                // whether the event is durable before it acknowledges (or refuses) it.
                return result.join();
            } catch (CompletionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof LogClosedException) {
                    throw new LogClosedException();
                }
                // A fresh exception per caller: the cause carries the writer's stack, this one the caller's.
                throw new StoreException("Could not append event " + event.source() + "/" + event.sourceEventId()
                        + ": " + cause.getMessage(), cause);
            }
        }
    }

    /** Using the log after {@link #close()}: a programming error, not a storage failure. */
    private static final class LogClosedException extends IllegalStateException {

        private LogClosedException() {
            super("The event log is closed");
        }
    }
}
