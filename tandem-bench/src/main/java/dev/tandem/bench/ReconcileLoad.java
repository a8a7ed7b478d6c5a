package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.cli.Main;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code tandem reconcile products} (issue 11 item 8) of a generated catalogue: both sandboxes in this JVM, the
 * catalogue loaded into Salesforce with {@code tandem backfill products} (untimed), then the reconcile command (the
 * real one, {@code Main}) timed, with its Salesforce API calls, Clarity pages and the JVM's peak heap used (sampled
 * every 100 ms by a scheduled executor; the sandboxes' data is in the same heap). Then {@code --drift N} price
 * entries are changed directly in the Salesforce sandbox and the reconcile runs again, which must report exactly them.
 *
 * <pre>java -Xmx3g -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.ReconcileLoad --products 100000</pre>
 */
public final class ReconcileLoad {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReconcileLoad() {
    }

    public static void main(String[] args) throws Exception {
        int products = 100_000;
        int drift = 100;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--products" -> products = Integer.parseInt(args[++i]);
                case "--drift" -> drift = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (ReconcileLoad --products N [--drift N])");
            }
        }
        Path dir = Files.createTempDirectory("tandem-reconcile-bench");
        System.out.println("machine: " + Machine.describe() + " · load average " + Machine.loadAverage());
        long genStart = System.nanoTime();
        try (SalesforceSandbox salesforce = SalesforceSandbox.builder().port(0).dailyApiLimit(100_000_000).build()
                .start();
             ClaritySandbox clarity = ClaritySandbox.builder().port(0).seed(42).customers(1).products(products)
                     .edgeCaseRate(0).build().start()) {
            System.out.printf(Locale.ROOT, "generated %,d products in %.1f s%n", products,
                    (System.nanoTime() - genStart) / 1e9);
            Path config = Files.writeString(dir.resolve("tandem.yaml"), """
                    store:
                      path: %s
                    clarity:
                      baseUrl: %s
                      username: %s
                      password: %s
                      webhook:
                        secrets: [ "whsec-bench-0123456789" ]
                    salesforce:
                      tokenUrl: %s
                      clientId: %s
                      clientSecret: %s
                    """.formatted(dir.resolve("tandem.db"), clarity.baseUrl(), clarity.user(), clarity.password(),
                    salesforce.tokenUrl(), salesforce.clientId(), salesforce.clientSecret()));
            long loadStart = System.nanoTime();
            int loaded = cli("backfill", "products", "--config", config.toString(), "--chunk", "10000",
                    "--skip-duplicate-match");
            System.out.printf(Locale.ROOT, "backfill products: exit %d in %.1f s (untimed set-up)%n", loaded,
                    (System.nanoTime() - loadStart) / 1e9);

            Result clean = reconcile(config, dir.resolve("clean.json"), salesforce);
            System.out.println("clean run:  " + clean);

            var entries = salesforce.records("PricebookEntry");
            SalesforceRestChange change = new SalesforceRestChange(salesforce);
            for (int i = 0; i < drift && i < entries.size(); i++) {
                change.price(String.valueOf(entries.get(i).get("Id")), 1_000_000 + i);
            }
            Result drifted = reconcile(config, dir.resolve("drift.json"), salesforce);
            System.out.println("drift run:  " + drifted + " (injected " + drift + " changed prices)");
        }
    }

    record Result(int exit, double seconds, long compared, long drift, long salesforceApiCalls, long clarityPages,
                  long peakHeapMiB) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "exit %d · %.1f s · %,d records compared · drift %,d · %,d Salesforce "
                            + "API calls · %,d Clarity pages · peak heap used %,d MiB (sandboxes included)", exit,
                    seconds, compared, drift, salesforceApiCalls, clarityPages, peakHeapMiB);
        }
    }

    private static Result reconcile(Path config, Path report, SalesforceSandbox salesforce) throws Exception {
        System.gc();
        AtomicLong peak = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(ManagementFactory.getMemoryMXBean()
                .getHeapMemoryUsage().getUsed(), Math::max), 0, 100, TimeUnit.MILLISECONDS);
        long start = System.nanoTime();
        int exit = cli("reconcile", "products", "--config", config.toString(), "--report", report.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.shutdownNow();
        JsonNode r = JSON.readTree(Files.readString(report)).path("objects").get(0);
        long compared = r.path("compared").path("Product2").asLong() + r.path("compared").path("PricebookEntry").asLong();
        return new Result(exit, seconds, compared, JSON.readTree(Files.readString(report)).path("drift").asLong(),
                r.path("salesforceApiCalls").asLong(), r.path("clarityApiCalls").asLong(), peak.get() >> 20);
    }

    private static int cli(String... args) {
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(System.out, true));
        cli.setErr(new PrintWriter(System.err, true));
        return cli.execute(args);
    }

    /** Changes a price entry directly in the org, as a person or another integration would (REST PATCH, §2.4). */
    private static final class SalesforceRestChange {
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        private final SalesforceSandbox sf;
        private String token;

        SalesforceRestChange(SalesforceSandbox sf) {
            this.sf = sf;
        }

        void price(String id, double unitPrice) throws Exception {
            if (token == null) {
                var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sf.tokenUrl()))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                (sf.clientId() + ":" + sf.clientSecret()).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                        .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                token = JSON.readTree(r.body()).path("access_token").asText();
            }
            var r = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(sf.baseUrl()
                            + "/services/data/v64.0/sobjects/PricebookEntry/" + id))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .method("PATCH", java.net.http.HttpRequest.BodyPublishers.ofString("{\"UnitPrice\":" + unitPrice
                            + "}")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("PATCH PricebookEntry " + id + ": " + r.statusCode() + " " + r.body());
            }
        }
    }
}
