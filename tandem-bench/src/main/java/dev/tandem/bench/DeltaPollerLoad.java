package dev.tandem.bench;

import dev.tandem.core.connector.Ingest;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.ClarityDeltaPoller;
import dev.tandem.clarity.read.ClarityPageSource;
import dev.tandem.clarity.read.PollResult;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.EventLog;
import dev.tandem.store.jdbc.JdbcStores;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Load harness for the Clarity delta poller (issue 4, point 11: the poller ingests at least 2,000 changed records/s on
 * the 2-core development machine). Starts the Clarity sandbox in this JVM with {@code --orders} sales orders, then,
 * for each page size of {@code --page-sizes}, runs {@link ClarityDeltaPoller#pollOnce(Ingest)} on the {@code SalesOrder}
 * list against a fresh SQLite store (event log and cursors, {@code synchronous=FULL}): a full backfill, every order
 * appended once as {@code SalesOrder.Created}. Then it moves {@code --changes} distinct orders to another status and
 * polls each store again: the changed-records scenario, every changed order appended as {@code SalesOrder.Updated}.
 *
 * <p>The poller is the production one with the production {@link ClarityRestClient} (session login, resilience,
 * circuit breaker), over loopback HTTP/1.1. Records/s = events newly appended ÷ wall time of the {@code pollOnce}
 * call, which includes the HTTP reads, the JSON parsing, one durable append per record and the cursor save. Each line
 * also splits that time: inside {@link ClarityPageSource#page} (HTTP, the sandbox's work, parsing the page), inside
 * {@link EventLog#append} (the poller appends one event at a time and waits for its commit), and the rest (the
 * poller's own work per row, the cursor).
 *
 * <p>The orders are dated evenly between {@code 2 × --age-minutes} and {@code --age-minutes} ago (the sandbox runs on
 * a shifted clock while it generates them), as a real backlog built up over time is; the changes are dated now. So
 * the second poll's window ({@code ModifiedSince = watermark − overlap}, default overlap 2 min) holds the changed
 * orders plus the orders dated within the overlap before the newest one (skipped as already seen), as in
 * production, instead of every order generated in one burst.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.DeltaPollerLoad --orders 20000 --changes 5000</pre>
 */
public final class DeltaPollerLoad {

    /** Statuses an order is moved to: the first that differs from its current one. */
    private static final List<String> TARGET_STATUSES = List.of("Shipped", "Completed");
    /** Orders created with the same date. */
    private static final int CHUNK = 100;

    private DeltaPollerLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("DeltaPollerLoad")
                .declare("orders", "20000", "sales orders in the sandbox, all read by the backfill")
                .declare("changes", "5000", "distinct orders moved to another status before the second poll")
                .declare("page-sizes", "100,1000", "poller page sizes (Paging.Size); a fresh store for each")
                .declare("warmup-polls", "1", "unrecorded backfills on a scratch store first (JIT)")
                .declare("customers", "500", "customers the sandbox generates at start")
                .declare("products", "200", "products the sandbox generates at start")
                .declare("seed", "42", "seed of the sandbox's data generator")
                .declare("age-minutes", "60", "the orders are dated evenly from 2 x this to this many minutes ago")
                .declare("overlap-seconds", "120", "the poller's overlap (PollSettings.overlap)")
                .declare("dir", "", "directory of the database files (default: a new temporary directory)");
        if (!options.parse(args)) {
            return;
        }
        int orderCount = options.integer("orders");
        int changeCount = options.integer("changes");
        if (changeCount > orderCount) {
            throw new IllegalArgumentException("--changes must not exceed --orders");
        }
        List<Integer> pageSizes = options.integers("page-sizes");
        int warmupPolls = options.integer("warmup-polls");
        Duration age = Duration.ofMinutes(options.longValue("age-minutes"));
        Duration overlap = Duration.ofSeconds(options.longValue("overlap-seconds"));
        Path dir = options.text("dir").isBlank()
                ? Files.createTempDirectory("tandem-poller-bench")
                : Files.createDirectories(Path.of(options.text("dir")));

        System.out.println("DeltaPollerLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        System.out.println("database directory: " + dir.toAbsolutePath() + " (" + Files.getFileStore(dir).type()
                + ")");
        ShiftedClock sandboxClock = new ShiftedClock(age.negated());
        Map<Integer, JdbcStores> stores = new LinkedHashMap<>();
        long setupStart = System.nanoTime();
        try (ClaritySandbox sandbox = ClaritySandbox.builder().port(0).seed(options.longValue("seed"))
                .customers(options.integer("customers")).products(options.integer("products"))
                .clock(sandboxClock).build().start();
             ClarityRestClient client = ClarityRestClient.create(
                     ClarityConfig.of(URI.create(sandbox.baseUrl()), sandbox.user(), sandbox.password()))) {
            createSpreadOrders(sandbox, sandboxClock, orderCount, age);
            sandboxClock.shift(Duration.ZERO);
            if (sandbox.orders().count() != orderCount) {
                throw new IllegalStateException("the sandbox holds " + sandbox.orders().count() + " orders, not "
                        + orderCount);
            }
            System.out.printf(Locale.ROOT, "sandbox started with %,d orders (dated %s to %s ago) in %.1f s%n",
                    orderCount, age.multipliedBy(2), age, seconds(System.nanoTime() - setupStart));
            PollSettings base = PollSettings.defaults().withEntities(List.of(ClarityEntity.SALES_ORDER))
                    .withOverlap(overlap);

            for (int i = 1; i <= warmupPolls; i++) {
                try (JdbcStores scratch = JdbcStores.openSqlite(dir.resolve("warmup-" + i + ".db"))) {
                    int pageSize = pageSizes.get((i - 1) % pageSizes.size());
                    report("warm-up backfill (not recorded)", pageSize,
                            timedPoll(client, scratch, base.withPageSize(pageSize)), orderCount);
                }
            }

            System.out.println("scenario 1: full backfill of the SalesOrder list, one fresh store per page size"
                    + "; load average " + Machine.loadAverage());
            for (int pageSize : pageSizes) {
                JdbcStores store = JdbcStores.openSqlite(dir.resolve("events-" + pageSize + ".db"));
                stores.put(pageSize, store);
                report("backfill", pageSize, timedPoll(client, store, base.withPageSize(pageSize)), orderCount);
            }

            long changeStart = System.nanoTime();
            int changed = changeStatuses(sandbox, changeCount);
            System.out.printf(Locale.ROOT, "moved %,d orders to another status in %.2f s (sandbox, in-process)%n",
                    changed, seconds(System.nanoTime() - changeStart));

            System.out.println("scenario 2: one poll after the status changes, on each backfilled store"
                    + "; load average " + Machine.loadAverage());
            for (Map.Entry<Integer, JdbcStores> entry : stores.entrySet()) {
                report("changes", entry.getKey(), timedPoll(client, entry.getValue(), base.withPageSize(entry.getKey())),
                        changed);
            }
            System.out.println("scenario 3: one more poll with nothing changed (the overlap window re-read)");
            for (Map.Entry<Integer, JdbcStores> entry : stores.entrySet()) {
                report("idle", entry.getKey(), timedPoll(client, entry.getValue(), base.withPageSize(entry.getKey())), 0);
            }
        } finally {
            for (JdbcStores store : stores.values()) {
                store.close();
            }
            if (options.text("dir").isBlank()) {
                deleteTree(dir);
            }
        }
        System.out.println("load average at the end: " + Machine.loadAverage());
    }

    /** A new poller on the store's event log and cursors: the cursor saved by an earlier poller is where it starts. */
    private static Timed timedPoll(ClarityRestClient client, JdbcStores store, PollSettings settings) {
        Stopwatch reads = new Stopwatch();
        Stopwatch appends = new Stopwatch();
        ClarityPageSource source = (entity, query) -> reads.time(() -> client.page(entity, query));
        ClarityDeltaPoller poller = new ClarityDeltaPoller(source, store.stateStore(), Clock.systemUTC(), settings);
        Ingest ingest = Ingest.into(new TimedEventLog(store.eventLog(), appends));
        long start = System.nanoTime();
        PollResult result = poller.pollOnce(ingest);
        return new Timed(result, System.nanoTime() - start, reads.nanos, appends.nanos);
    }

    /** A poll's result, its wall time, and the parts of it spent in page reads and in event log appends. */
    private record Timed(PollResult result, long nanos, long readNanos, long appendNanos) {
    }

    /** Sums the time of the calls it wraps; one poll runs on one thread. */
    private static final class Stopwatch {
        long nanos;

        <T> T time(Supplier<T> call) {
            long start = System.nanoTime();
            try {
                return call.get();
            } finally {
                nanos += System.nanoTime() - start;
            }
        }
    }

    /** The event log, with the time spent in appends summed. */
    private static final class TimedEventLog extends dev.tandem.core.spi.ForwardingEventLog {
        private final Stopwatch appends;

        TimedEventLog(EventLog delegate, Stopwatch appends) {
            super(delegate);
            this.appends = appends;
        }

        @Override
        public AppendResult append(InboundEvent event) {
            return appends.time(() -> delegate.append(event));
        }

        @Override
        public List<AppendResult> appendAll(List<InboundEvent> events) {
            return appends.time(() -> delegate.appendAll(events));
        }
    }

    private static void report(String what, int pageSize, Timed timed, int expected) {
        PollResult result = timed.result();
        PollResult.Counts c = result.entities().get(ClarityEntity.SALES_ORDER);
        double s = seconds(timed.nanos());
        if (c == null) {
            System.out.printf(Locale.ROOT, "  %-32s page %4d: FAILED after %.2f s: %s%n", what, pageSize, s,
                    result.failures());
            return;
        }
        String check = c.appended() == expected ? "" : String.format(Locale.ROOT,
                "  MISMATCH: expected %,d appended", expected);
        System.out.printf(Locale.ROOT, "  %-32s page %4d: %,7d appended in %6.2f s = %,8.0f records/s; %,d pages, "
                        + "%,d rows read (%,.0f rows/s), %,d duplicates, %,d already seen, %,d ignored, "
                        + "%,d rejected, %d pass(es); time in page reads %.2f s, in appends %.2f s, other %.2f s%s%n",
                what, pageSize, c.appended(), s, s == 0 ? 0 : c.appended() / s, c.pages(), c.read(),
                s == 0 ? 0 : c.read() / s, c.duplicates(), c.alreadySeen(), c.ignored(), c.rejected(), c.passes(),
                seconds(timed.readNanos()), seconds(timed.appendNanos()),
                seconds(timed.nanos() - timed.readNanos() - timed.appendNanos()), check);
    }

    /**
     * Creates the orders in chunks of {@value #CHUNK}, dated evenly from {@code 2 × age} to {@code age} ago, as a
     * backlog built up over time is: a window of {@code overlap} before the newest order then holds a share of them,
     * not all of them.
     */
    private static void createSpreadOrders(ClaritySandbox sandbox, ShiftedClock clock, int count, Duration age) {
        int chunks = Math.max(1, (count + CHUNK - 1) / CHUNK);
        long stepNanos = age.toNanos() / chunks;
        for (int chunk = 0; chunk < chunks; chunk++) {
            clock.shift(age.multipliedBy(2).negated().plusNanos(stepNanos * (chunk + 1)));
            sandbox.orders().createRandomOrders(Math.min(CHUNK, count - chunk * CHUNK), BadData.NONE);
        }
    }

    /** Moves the first {@code count} orders (by ID) to a status other than their current one. */
    private static int changeStatuses(ClaritySandbox sandbox, int count) {
        List<SalesOrderModel> orders = new ArrayList<>(sandbox.store().salesOrders().all());
        orders.sort(Comparator.comparingInt(SalesOrderModel::id));
        int changed = 0;
        for (SalesOrderModel order : orders) {
            if (changed == count) {
                break;
            }
            String target = TARGET_STATUSES.stream().filter(s -> !s.equalsIgnoreCase(order.statusKey()))
                    .findFirst().orElseThrow();
            sandbox.orders().changeStatus(order.id(), target);
            changed++;
        }
        return changed;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The system clock moved by an offset that can be changed: lets the sandbox date its generated data back. */
    private static final class ShiftedClock extends Clock {

        private volatile Duration offset;

        ShiftedClock(Duration offset) {
            this.offset = offset;
        }

        void shift(Duration value) {
            offset = value;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException("a UTC clock");
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
