package dev.tandem.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.TandemServer;
import dev.tandem.server.config.TandemConfig;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Inventory burst throughput (issue 11, item 8): both sandboxes and Tandem in one JVM (as {@link CustomerSyncLoad}:
 * harness, emulators and Tandem share the cores, so the numbers are conservative), the shipped flow
 * {@code clarity-inventory-to-salesforce} on, Clarity changes arriving by signed webhook.
 *
 * <p>Each of {@code --bursts} bursts makes {@code --changes} stock changes in the Clarity sandbox over
 * {@code --products} products (a seeded random stock row each time, so one product changes in its one to three
 * warehouses), as fast as the sandbox takes them or at {@code --rate} per second, each firing an
 * {@code Inventory.Changed} webhook. A burst is settled when every product's {@code Clarity_Quantity_On_Hand__c} in
 * the Salesforce sandbox equals Clarity's stock on hand (checked in process, about every millisecond, without API
 * calls). Reported per burst and in total: the rate the changes went in (changes ÷ the time to make them), the
 * end-to-end throughput (changes ÷ time from the first change to settled), and the Salesforce API calls Tandem made
 * (the sandbox's own request counter) per 1,000 changes, counted once Tandem has settled every event of the burst
 * (its flows' committed offsets at the log's end: events read before the values matched write once more).
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.InventoryBurstLoad --bursts 5 --report r.json</pre>
 */
public final class InventoryBurstLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "clarity-inventory-to-salesforce";
    private static final String WEBHOOK_SECRET = "bench-webhook-secret";

    private InventoryBurstLoad() {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("InventoryBurstLoad")
                .declare("products", "50", "products in the Clarity sandbox, all of them changed by the bursts")
                .declare("changes", "1000", "stock changes per burst")
                .declare("bursts", "5", "bursts, one after the other settled")
                .declare("rate", "0", "changes per second within a burst (0: as fast as the Clarity sandbox takes them)")
                .declare("seed", "42", "seed of the Clarity sandbox's data generator and of the changes")
                .declare("timeout-seconds", "300", "give up when a burst is not settled after this long")
                .declare("report", "", "write the results as JSON to this file")
                .declare("dir", "", "run directory for Tandem's store (default: a new temporary one)");
        if (!options.parse(args)) {
            return;
        }
        int productCount = options.integer("products");
        int changes = options.integer("changes");
        Path dir = options.text("dir").isEmpty() ? Files.createTempDirectory("inventory-burst-load")
                : Files.createDirectories(Path.of(options.text("dir")));
        Map<String, Object> report = new LinkedHashMap<>();
        System.out.println("machine: " + Machine.describe());
        System.out.println("load average before: " + Machine.loadAverage());
        report.put("machine", Machine.describe());
        report.put("loadAverageBefore", Machine.loadAverage());
        report.put("products", productCount);
        report.put("changesPerBurst", changes);
        report.put("rate", options.decimal("rate") <= 0 ? "unthrottled" : options.decimal("rate"));

        ClaritySandbox clarity = ClaritySandbox.builder().port(0).seed(options.integer("seed")).customers(1)
                .products(productCount).webhookRetryInitial(Duration.ofMillis(200))
                .webhookRetryMax(Duration.ofSeconds(2)).build().start();
        SalesforceSandbox salesforce = SalesforceSandbox.builder().port(0).dailyApiLimit(10_000_000).build().start();
        HttpClient http = HttpClient.newHttpClient();
        TandemServer tandem = null;
        try {
            tandem = TandemServer.start(config(clarity, salesforce, dir));
            registerWebhook(http, clarity, tandem.webhookUrl());
            List<ProductModel> products = clarity.store().products().all();
            Random random = new Random(options.integer("seed"));
            Duration timeout = Duration.ofSeconds(options.integer("timeout-seconds"));
            List<Map<String, Object>> bursts = new ArrayList<>();
            Histogram settle = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
            long totalCalls = 0;
            long runCallsBefore = salesforce.apiRequestCount();
            double totalSeconds = 0;
            double totalInSeconds = 0;
            for (int b = 1; b <= options.integer("bursts"); b++) {
                Map<String, Object> burst = burst(clarity, salesforce, tandem, products, changes,
                        options.decimal("rate"), random, timeout, (long) changes * b);
                bursts.add(burst);
                settle.recordValue((long) ((double) burst.get("settledSeconds") * 1e6));
                totalCalls += (long) burst.get("salesforceApiCalls");
                totalSeconds += (double) burst.get("settledSeconds");
                totalInSeconds += (double) burst.get("inSeconds");
                System.out.printf("burst %d: %,d changes in %.2f s (%.0f/s in), settled in Salesforce after %.2f s "
                                + "(%.0f changes/s end to end), %d Salesforce API calls%n", b, changes,
                        burst.get("inSeconds"), burst.get("changesPerSecondIn"), burst.get("settledSeconds"),
                        burst.get("changesPerSecondEndToEnd"), burst.get("salesforceApiCalls"));
            }
            long all = (long) changes * bursts.size();
            long runCalls = salesforce.apiRequestCount() - runCallsBefore;
            Map<String, Object> total = new LinkedHashMap<>();
            total.put("changes", all);
            total.put("changesPerSecondIn", round(all / totalInSeconds));
            total.put("changesPerSecondEndToEnd", round(all / totalSeconds));
            total.put("settledSecondsP50", round(settle.getValueAtPercentile(50) / 1e6));
            total.put("settledSecondsMax", round(settle.getMaxValue() / 1e6));
            total.put("salesforceApiCalls", totalCalls);
            total.put("salesforceApiCallsPer1000Changes", round(totalCalls * 1000.0 / all));
            total.put("salesforceApiCallsWholeRun", runCalls);
            total.put("salesforceApiCallsWholeRunPer1000Changes", round(runCalls * 1000.0 / all));
            total.put("deadLettered", tandem.stateStore().deadLetterCount());
            total.put("tandemSalesforceMetrics", CustomerSyncLoad.salesforceMetrics(http, tandem));
            report.put("bursts", bursts);
            report.put("total", total);
        } finally {
            if (tandem != null) {
                tandem.close();
            }
            clarity.close();
            salesforce.close();
        }
        report.put("loadAverageAfter", Machine.loadAverage());
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report);
        System.out.println(json);
        if (!options.text("report").isEmpty()) {
            Files.writeString(Path.of(options.text("report")), json);
        }
    }

    /** One burst: make the changes, then wait until Salesforce shows Clarity's stock of every product. */
    private static Map<String, Object> burst(ClaritySandbox clarity, SalesforceSandbox salesforce, TandemServer tandem,
                                             List<ProductModel> products, int changes, double rate, Random random,
                                             Duration timeout, long eventsSoFar) {
        long callsBefore = salesforce.apiRequestCount();
        long intervalNanos = rate <= 0 ? 0 : (long) (1e9 / rate);
        long start = System.nanoTime();
        long next = start;
        for (int i = 0; i < changes; i++) {
            if (intervalNanos > 0) {
                while (System.nanoTime() < next) {
                    LockSupport.parkNanos(Math.min(next - System.nanoTime(), 1_000_000));
                }
                next += intervalNanos;
            }
            ProductModel p = products.get(random.nextInt(products.size()));
            List<ProductInventoryLocationSectionModel> rows = clarity.inventory().stockOf(p.id());
            ProductInventoryLocationSectionModel row = rows.get(random.nextInt(rows.size()));
            BigDecimal allocated = row.quantityAllocated() == null ? BigDecimal.ZERO : row.quantityAllocated();
            clarity.inventory().setQuantity(p.id(), row.inventoryLocationSectionInventoryLocationId(),
                    new BigDecimal(random.nextInt(1000)).add(allocated));
        }
        long made = System.nanoTime();
        Map<String, BigDecimal> expected = new HashMap<>();
        for (ProductModel p : products) {
            expected.put(p.customKey(), clarity.inventory().calculate(p.id()).quantityOnHand());
        }
        long deadline = start + timeout.toNanos();
        while (!settled(salesforce, expected)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a burst did not settle within " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
        long end = System.nanoTime();
        // Events read before the values matched may still be writing (the same values): the burst's calls are
        // counted once Tandem has settled every event it received (committed offsets at the log's end).
        while (true) {
            var status = tandem.status();
            if (status.received() >= eventsSoFar && status.settled() == status.received() && status.retrying() == 0) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a burst's events were not all settled within " + timeout);
            }
            LockSupport.parkNanos(1_000_000);
        }
        long quiet = System.nanoTime();
        long calls = salesforce.apiRequestCount() - callsBefore;
        double inSeconds = (made - start) / 1e9;
        double settledSeconds = (end - start) / 1e9;
        Map<String, Object> burst = new LinkedHashMap<>();
        burst.put("inSeconds", round(inSeconds));
        burst.put("changesPerSecondIn", round(changes / inSeconds));
        burst.put("settledSeconds", round(settledSeconds));
        burst.put("changesPerSecondEndToEnd", round(changes / settledSeconds));
        burst.put("allEventsSettledSeconds", round((quiet - start) / 1e9));
        burst.put("salesforceApiCalls", calls);
        burst.put("salesforceApiCallsPer1000Changes", round(calls * 1000.0 / changes));
        return burst;
    }

    /** Whether every product's quantity on hand in the Salesforce sandbox equals Clarity's (read in process). */
    private static boolean settled(SalesforceSandbox salesforce, Map<String, BigDecimal> expected) {
        Map<String, Object> actual = new HashMap<>();
        for (Map<String, Object> p : salesforce.records("Product2")) {
            actual.put(String.valueOf(p.get("Clarity_Product_Key__c")), p.get("Clarity_Quantity_On_Hand__c"));
        }
        for (Map.Entry<String, BigDecimal> e : expected.entrySet()) {
            Object value = actual.get(e.getKey());
            if (value == null || new BigDecimal(value.toString()).compareTo(e.getValue()) != 0) {
                return false;
            }
        }
        return true;
    }

    private static TandemConfig config(ClaritySandbox clarity, SalesforceSandbox salesforce, Path dir) {
        return new TandemConfig(
                new TandemConfig.Server("127.0.0.1", 0),
                new TandemConfig.Store(dir.resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create(clarity.baseUrl()), clarity.user(), clarity.password(),
                        Duration.ofSeconds(30), List.of(WEBHOOK_SECRET), Duration.ofMinutes(5)),
                new TandemConfig.Salesforce(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                        salesforce.clientSecret(), SalesforceConfig.DEFAULT_API_VERSION, "tandem",
                        Duration.ofSeconds(30)),
                new TandemConfig.Runtime(dev.tandem.core.runtime.RuntimeSettings.DEFAULT_BATCH_SIZE,
                        dev.tandem.core.runtime.RuntimeSettings.DEFAULT_LINGER,
                        dev.tandem.core.runtime.RuntimeSettings.DEFAULT_POLL_INTERVAL),
                new TandemConfig.Retry(Duration.ofMillis(250), 2.0, Duration.ofSeconds(5), 10, 0.2))
                .withFlows(new TandemConfig.Flows(null, Map.of(FLOW, true)));
    }

    private static void registerWebhook(HttpClient http, ClaritySandbox clarity, URI webhookUrl)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clarity.user() + ":" + clarity.password())
                .getBytes(StandardCharsets.UTF_8));
        String body = "{\"Url\":\"" + webhookUrl + "\",\"Secret\":\"" + WEBHOOK_SECRET + "\",\"EventTypes\":[\"*\"]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(clarity.baseUrl()
                        + "/Webhooks/Subscriptions")).header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("webhook registration failed: HTTP " + r.statusCode() + " " + r.body());
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
