package dev.tandem.bench;

import dev.tandem.core.spi.EventLog;
import dev.tandem.store.jdbc.JdbcStores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The dashboard's ingestion query ({@code GET /api/v1/metrics/charts}: {@code EventLog.ingestStats}, one grouped
 * scan of {@code event_log} by {@code received_at}) on a large embedded event log. It makes a fresh store
 * ({@code JdbcStores.openSqlite}, so every migration of this build runs), fills its events file with
 * {@code --events} rows received evenly over the last {@code --days} days (plain JDBC batches of 10,000 per
 * transaction, timed: the write cost of the indexes present), optionally runs {@code --index-ddl} (timed), then
 * reopens the store and times {@code ingestStats} for the console's windows with their default buckets (1 h by
 * 5 min, 24 h by 1 h, 7 d by 1 h): one untimed run, then {@code --repeats} timed ones (median and min). It prints
 * SQLite's {@code EXPLAIN QUERY PLAN} of the same SQL and the indexes of {@code event_log}. Files are deleted at the
 * end unless {@code --dir} is given.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.IngestStatsQueryLoad --events 1000000</pre>
 */
public final class IngestStatsQueryLoad {

    private static final int BATCH = 10_000;

    private IngestStatsQueryLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("IngestStatsQueryLoad")
                .declare("events", "1000000", "events in the log")
                .declare("days", "28", "the events' received_at are spread evenly over this many days back")
                .declare("repeats", "5", "timed runs of each query (after one untimed)")
                .declare("index-ddl", "", "SQL run after the fill (e.g. an index to try); empty: none")
                .declare("dir", "", "directory of the database files (default: a new temporary directory)");
        if (!options.parse(args)) {
            return;
        }
        long events = options.longValue("events");
        int days = options.integer("days");
        int repeats = options.integer("repeats");
        String ddl = options.text("index-ddl");
        boolean temporary = options.text("dir").isBlank();
        Path dir = temporary ? Files.createTempDirectory("tandem-ingest-bench")
                : Files.createDirectories(Path.of(options.text("dir")));
        Path file = dir.resolve("tandem.db");
        Path eventsFile = JdbcStores.eventLogFile(file);

        System.out.println("IngestStatsQueryLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        System.out.println("database: " + eventsFile.toAbsolutePath() + " (" + Files.getFileStore(dir).type() + ")");
        try {
            JdbcStores.openSqlite(file).close(); // the schema, as this build migrates it
            Instant now = Instant.now();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + eventsFile)) {
                fill(c, events, now, Duration.ofDays(days));
                if (!ddl.isBlank()) {
                    long start = System.nanoTime();
                    try (Statement st = c.createStatement()) {
                        st.execute(ddl);
                    }
                    System.out.printf(Locale.ROOT, "%s: %.1f s%n", ddl, (System.nanoTime() - start) / 1e9);
                }
                try (Statement st = c.createStatement()) {
                    st.execute("ANALYZE");
                }
                indexes(c);
            }
            System.out.printf(Locale.ROOT, "events file: %,d bytes%n", Files.size(eventsFile));
            try (JdbcStores stores = JdbcStores.openSqlite(file)) {
                EventLog log = stores.eventLog();
                query(log, eventsFile, now, "1h by 5m", Duration.ofHours(1), Duration.ofMinutes(5), repeats);
                query(log, eventsFile, now, "24h by 1h", Duration.ofDays(1), Duration.ofHours(1), repeats);
                query(log, eventsFile, now, "7d by 1h", Duration.ofDays(7), Duration.ofHours(1), repeats);
            }
        } finally {
            if (temporary) {
                try (var paths = Files.walk(dir)) {
                    for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        System.out.println("load average at the end: " + Machine.loadAverage());
    }

    /** Webhook-sized rows (about 230 bytes of payload), 70 % from Clarity, 30 % from Salesforce, lag 0-5 s. */
    private static void fill(Connection c, long events, Instant now, Duration span) throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        long first = now.minus(span).toEpochMilli();
        long step = Math.max(1, span.toMillis() / events);
        c.setAutoCommit(false);
        long start = System.nanoTime();
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO event_log (log_offset, source, "
                + "source_event_id, event_type, entity, entity_id, entity_key, occurred_at, payload, received_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (long i = 1; i <= events; i++) {
                long receivedAt = first + (i - 1) * step;
                long occurredAt = receivedAt - random.nextInt(5000);
                String source = random.nextInt(10) < 7 ? "clarity" : "salesforce";
                String id = Long.toString(100_000 + i);
                insert.setLong(1, i);
                insert.setString(2, source);
                insert.setString(3, "ev-" + i);
                insert.setString(4, "SalesOrder.Created");
                insert.setString(5, "SalesOrder");
                insert.setString(6, id);
                insert.setString(7, "SO-" + id);
                insert.setLong(8, occurredAt);
                insert.setString(9, "{\"EventID\":\"ev-" + i + "\",\"EventType\":\"SalesOrder.Created\","
                        + "\"Entity\":\"SalesOrder\",\"ID\":" + id + ",\"CustomKey\":\"SO-" + id
                        + "\",\"OccurredAt\":\"" + Instant.ofEpochMilli(occurredAt)
                        + "\",\"Hash\":-4523312311,\"StatusKey\":\"Confirmed\"}");
                insert.setLong(10, receivedAt);
                insert.addBatch();
                if (i % BATCH == 0 || i == events) {
                    insert.executeBatch();
                    c.commit();
                }
            }
        }
        try (PreparedStatement head = c.prepareStatement("UPDATE event_log_head SET end_offset = ?")) {
            head.setLong(1, events);
            head.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "fill: %,d rows in %.1f s = %,.0f rows/s (batches of %,d per transaction)%n",
                events, seconds, events / seconds, BATCH);
    }

    private static void indexes(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rows = st.executeQuery(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_log'")) {
            while (rows.next()) {
                System.out.println("index on event_log: " + rows.getString(1)
                        + (rows.getString(2) == null ? " (automatic)" : ": " + rows.getString(2)));
            }
        }
    }

    private static void query(EventLog log, Path eventsFile, Instant now, String name, Duration window,
                              Duration bucket, int repeats) throws Exception {
        Instant since = now.minus(window);
        int groups = log.ingestStats(since, bucket).size();
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            log.ingestStats(since, bucket);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        long rows;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + eventsFile);
             PreparedStatement count = c.prepareStatement("SELECT COUNT(*) FROM event_log WHERE received_at >= ?")) {
            count.setLong(1, since.toEpochMilli());
            try (ResultSet r = count.executeQuery()) {
                r.next();
                rows = r.getLong(1);
            }
            // The SQL of JdbcEventLog.ingestStats, for the plan.
            long size = bucket.toMillis();
            String lag = "MAX(0, received_at - occurred_at)";
            String sql = "EXPLAIN QUERY PLAN SELECT source, (received_at / " + size + ") * " + size
                    + " AS bucket, COUNT(*), MAX(" + lag + "), AVG(" + lag + ") FROM event_log WHERE received_at >= "
                    + since.toEpochMilli() + " GROUP BY source, (received_at / " + size + ") ORDER BY source, bucket";
            System.out.printf(Locale.ROOT, "%-9s %,9d rows in the window, %,4d groups: median %,8.1f ms, min %,8.1f ms"
                    + " (%d runs)%n", name, rows, groups, millis.get(millis.size() / 2), millis.get(0), repeats);
            try (Statement st = c.createStatement(); ResultSet plan = st.executeQuery(sql)) {
                while (plan.next()) {
                    System.out.println("    plan: " + plan.getString(4));
                }
            }
        }
    }
}
