package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.ForwardingEventLog;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.cdc.CdcSettings;
import dev.tandem.salesforce.cdc.RestRecordReReader;
import dev.tandem.salesforce.cdc.SalesforceCdcSource;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Histogram;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Load harness for Salesforce Change Data Capture ingest (issue 8 point 13), the sandbox and Tandem in one JVM:
 *
 * <ol>
 *   <li><b>Durable ingest:</b> {@code --events} Account creates are committed in the sandbox (sObject Collections,
 *       200 distinct records per request, so one change event each) while no subscriber runs; then a
 *       {@link SalesforceCdcSource} (replay start EARLIEST, {@code --batch-size} per FetchRequest, echo suppression
 *       on) reads them over the sandbox's Pub/Sub gRPC server on 127.0.0.1, decodes the Avro, appends each to the
 *       SQLite event log (WAL, synchronous=FULL) and commits the replay id after each batch. events/s = events ÷
 *       time from start to the last one durable.</li>
 *   <li><b>Latency:</b> {@code --writes} sequential REST updates; for each, the time from just before the PATCH to
 *       the return of the event log append that holds its change event (HdrHistogram, p50/p99/max).</li>
 * </ol>
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.CdcIngestLoad --events 50000 --writes 500</pre>
 */
public final class CdcIngestLoad {

    private static final String CLIENT_ID = "3MVG9bench.cdc";
    private static final String CLIENT_SECRET = "bench-cdc-secret";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CdcIngestLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("CdcIngestLoad")
                .declare("events", "50000", "change events committed before the subscriber starts")
                .declare("writes", "500", "sequential REST updates for the write-to-log latency")
                .declare("batch-size", "100", "events per FetchRequest (1..100)")
                .declare("warmup-events", "20000", "unmeasured ingest run first (JIT), on its own sandbox and file")
                .declare("echo", "true", "echo suppression on (a fingerprint look-up per Tandem-made event)")
                .declare("dir", "", "directory of the database files (default: a new temporary directory)");
        if (!options.parse(args)) {
            return;
        }
        Path dir = options.text("dir").isBlank() ? Files.createTempDirectory("tandem-cdc-bench")
                : Files.createDirectories(Path.of(options.text("dir")));
        System.out.println("CdcIngestLoad " + options.summary());
        System.out.println("machine: " + Machine.describe() + "; load average " + Machine.loadAverage());
        System.out.println("database directory: " + dir.toAbsolutePath() + " (" + Files.getFileStore(dir).type()
                + ")");
        int batch = options.integer("batch-size");
        int warmup = options.integer("warmup-events");
        boolean echo = Boolean.parseBoolean(options.choice("echo", java.util.Set.of("true", "false")));
        if (warmup > 0) {
            Result warm = run(dir.resolve("warmup.db"), warmup, 50, batch, echo);
            System.out.printf("warm-up: %,d events in %.2f s (%,.0f events/s), not counted%n", warmup,
                    warm.ingestSeconds, warmup / warm.ingestSeconds);
        }
        Result result = run(dir.resolve("tandem.db"), options.integer("events"), options.integer("writes"), batch, echo);
        System.out.printf("durable ingest: %,d events in %.2f s = %,.0f events/s (batch size %d)%n",
                result.events, result.ingestSeconds, result.events / result.ingestSeconds, batch);
        Histogram latency = result.latency;
        System.out.printf("REST write -> event in Tandem's log: %d writes, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                latency.getTotalCount(), latency.getValueAtPercentile(50) / 1000.0,
                latency.getValueAtPercentile(99) / 1000.0, latency.getMaxValue() / 1000.0);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private record Result(int events, double ingestSeconds, Histogram latency) {
    }

    private static Result run(Path database, int events, int writes, int batch, boolean echo) throws Exception {
        try (SalesforceSandbox sandbox = SalesforceSandbox.builder().port(0).clientId(CLIENT_ID)
                .clientSecret(CLIENT_SECRET).pubSubPort(0).pubSubPlaintext(true).build().start();
             JdbcStores stores = JdbcStores.openSqlite(database)) {
            SalesforceConfig config = SalesforceConfig.of(URI.create(sandbox.tokenUrl()), CLIENT_ID, CLIENT_SECRET);
            HttpClient http = SalesforceRestClient.newHttpClient(config);
            AccessTokenProvider tokens = AccessTokenProviders.forConfig(config, http);
            SalesforceRestClient rest = new SalesforceRestClient(config, tokens, http, new SimpleMeterRegistry());

            List<String> ids = new ArrayList<>();
            for (int done = 0; done < events; ) {
                int n = Math.min(200, events - done);
                List<ObjectNode> records = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    records.add(JSON.createObjectNode().put("Name", "Bench " + (done + i))
                            .set("attributes", JSON.createObjectNode().put("type", "Account")));
                }
                rest.createRecords(records, false).forEach(r -> ids.add(r.id()));
                done += n;
            }

            Map<String, Long> appendedAt = new ConcurrentHashMap<>();
            CountDownLatch all = new CountDownLatch(events);
            EventLog timed = new ForwardingEventLog(stores.eventLog()) {
                @Override
                public List<AppendResult> appendAll(List<InboundEvent> batchOfEvents) {
                    List<AppendResult> results = delegate.appendAll(batchOfEvents);
                    long now = System.nanoTime();
                    for (int i = 0; i < results.size(); i++) {
                        if (!results.get(i).duplicate()) {
                            appendedAt.put(batchOfEvents.get(i).sourceEventId(), now);
                            all.countDown();
                        }
                    }
                    return results;
                }
            };
            CdcSettings settings = CdcSettings.forObjects(List.of("Account")).withPlaintext(true)
                    .withEndpoint("127.0.0.1:" + sandbox.pubSubPort()).withBatchSize(batch)
                    .withReplayStart(CdcSettings.ReplayStart.EARLIEST);
            SalesforceCdcSource source = new SalesforceCdcSource(settings, config, tokens,
                    new RestRecordReReader(rest), stores.stateStore(), stores.stateStore(), stores.leases(),
                    echo ? stores.writeFingerprints() : null, new SimpleMeterRegistry(), Clock.systemUTC());
            long started = System.nanoTime();
            source.start(Ingest.into(timed));
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("only " + (events - all.getCount()) + " of " + events
                        + " events arrived");
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            appendedAt.clear();

            Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
            for (int i = 0; i < writes; i++) {
                String id = ids.get(i % ids.size());
                long before = System.nanoTime();
                rest.update("Account", id, JSON.createObjectNode().put("Phone", "555-" + i));
                Long at;
                // The append happens on the stream's thread; wait for it without sleeping a fixed time.
                while ((at = appendedAtFor(appendedAt, id, before)) == null) {
                    Thread.onSpinWait();
                    java.util.concurrent.locks.LockSupport.parkNanos(20_000);
                }
                latency.recordValue(Math.max(0, (at - before) / 1000));
            }
            source.stop();
            rest.close();
            return new Result(events, seconds, latency);
        }
    }

    private static Long appendedAtFor(Map<String, Long> appendedAt, String id, long after) {
        for (Map.Entry<String, Long> entry : appendedAt.entrySet()) {
            if (entry.getKey().endsWith(":" + id) && entry.getValue() >= after) {
                appendedAt.remove(entry.getKey());
                return entry.getValue();
            }
        }
        return null;
    }
}
