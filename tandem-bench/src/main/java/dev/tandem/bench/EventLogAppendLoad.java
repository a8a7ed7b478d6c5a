package dev.tandem.bench;

import dev.tandem.bench.LoadLoop.CallFailed;
import dev.tandem.bench.LoadLoop.Result;
import dev.tandem.bench.LoadLoop.Threads;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.EventLog;
import dev.tandem.store.jdbc.JdbcStores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Load harness for the embedded event log: appends distinct events (a webhook-sized JSON payload each) to
 * {@code JdbcStores.openSqlite(file).eventLog()}, a fresh SQLite file per thread count, from 1, 8 and 64 threads
 * by default. Every append returns only once its transaction is on disk ({@code synchronous=FULL}); concurrent
 * appends share a transaction (group commit), so throughput grows with the number of appending threads.
 * The database files live in a temporary directory (or {@code --dir}) and are deleted at the end.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.EventLogAppendLoad --seconds 10 --threads 1,8,64</pre>
 */
public final class EventLogAppendLoad {

    private EventLogAppendLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("EventLogAppendLoad")
                .declare("seconds", "10", "measured seconds per thread count")
                .declare("warmup", "5", "unrecorded warm-up seconds before each measurement (JIT)")
                .declare("first-warmup", "10", "warm-up seconds of the first run in this JVM, while the JIT compiles")
                .declare("threads", "1,8,64", "appending threads; a comma list runs each in turn on a fresh file")
                .declare("thread-kind", "virtual", "virtual | platform")
                .declare("dir", "", "directory of the database files (default: a new temporary directory)")
                .declare("max-calls", "5000000", "upper bound of appends per run, whatever the duration");
        if (!options.parse(args)) {
            return;
        }
        Duration measure = Duration.ofSeconds(options.longValue("seconds"));
        JitWarmUp warmUp = new JitWarmUp(Duration.ofSeconds(options.longValue("first-warmup")),
                Duration.ofSeconds(options.longValue("warmup")));
        Threads kind = Threads.valueOf(options.choice("thread-kind", Set.of("virtual", "platform"))
                .toUpperCase(Locale.ROOT));
        long maxCalls = options.longValue("max-calls");
        Path dir = options.text("dir").isBlank()
                ? Files.createTempDirectory("tandem-eventlog-bench")
                : Files.createDirectories(Path.of(options.text("dir")));

        System.out.println("EventLogAppendLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        String fileSystem = Files.getFileStore(dir).type();
        System.out.println("database directory: " + dir.toAbsolutePath() + " (" + fileSystem + ")");
        if (fileSystem.equals("tmpfs")) {
            System.out.println("warning: tmpfs keeps files in memory, so fsync costs nothing; pass --dir on a disk");
        }
        try {
            for (int threads : options.integers("threads")) {
                Path file = dir.resolve("events-" + threads + ".db");
                try (JdbcStores stores = JdbcStores.openSqlite(file)) {
                    EventLog log = stores.eventLog();
                    String run = "t" + threads + "-";
                    Result result = LoadLoop.run("append (SQLite, FULL sync)", threads, kind, warmUp.next(),
                            measure, maxCalls, (worker, sequence) -> {
                                String eventId = run + worker + "-" + sequence;
                                AppendResult appended = log.append(event(eventId, worker, sequence));
                                if (appended.duplicate()) {
                                    throw new CallFailed("event " + eventId + " reported as a duplicate");
                                }
                            });
                    System.out.println(result.report().replace("calls", "appends"));
                    System.out.printf(Locale.ROOT, "    log end offset %,d (warm-up and measured appends)%n",
                            log.endOffset());
                }
            }
        } finally {
            if (options.text("dir").isBlank()) {
                deleteTree(dir);
            }
        }
        System.out.println("load average at the end: " + Machine.loadAverage());
    }

    /** A notification like a Clarity webhook's (clarity-api.md §11): about 230 bytes of payload. */
    private static InboundEvent event(String eventId, int worker, long sequence) {
        long orderId = 100_000L + worker * 1_000_000L + sequence;
        String occurredAt = Instant.now().toString();
        String payload = "{\"EventID\":\"" + eventId + "\",\"EventType\":\"SalesOrder.Created\","
                + "\"Entity\":\"SalesOrder\",\"ID\":" + orderId + ",\"CustomKey\":\"SO-" + orderId
                + "\",\"OccurredAt\":\"" + occurredAt + "\",\"Hash\":-4523312311,\"StatusKey\":\"Confirmed\"}";
        return new InboundEvent("clarity", eventId, "SalesOrder.Created", "SalesOrder", Long.toString(orderId),
                "SO-" + orderId, Instant.parse(occurredAt), payload);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
