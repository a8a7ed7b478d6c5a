package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.cdc.CdcSettings;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.TandemServer;
import dev.tandem.server.config.TandemConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Customer 360 load (issue 10, item 9): both sandboxes and Tandem in one JVM (unlike {@link OrderSyncLoad}, which
 * runs each as a child process; here the harness, both emulators and Tandem share the same cores, so the numbers
 * are conservative), with the shipped customer flows on in both directions ({@code clarity-customer-to-salesforce},
 * {@code salesforce-contact-to-clarity} with Change Data Capture on Contact).
 *
 * <p><b>Initial sync.</b> {@code --customers} customers (account + user + contact) are generated in the Clarity
 * sandbox before Tandem starts. Tandem then starts with the delta poller on {@code User} from the epoch (a backfill:
 * the first poll emits every existing user once as {@code Customer.Created}); measured from Tandem's start to the
 * poll of the Salesforce sandbox's unmetered {@code GET /_sandbox/stats} that counts every Contact, and Salesforce
 * API calls per customer = the sandbox's own request counter over that time ÷ customers.
 *
 * <p><b>Steady state, two-way.</b> Then Tandem's webhook is registered with the Clarity sandbox and, for
 * {@code --steady-seconds}, changes are made at {@code --steady-rate} per second, alternating: a customer changes
 * their phone in Clarity (the sandbox's customer generator: contact and user change, {@code Customer.Updated}
 * webhooks), and a sales rep changes the phone of another synced contact over the Salesforce REST API with its own
 * client id. End-to-end latency of a change is from the change to the moment the other system shows the new phone
 * (checked in process every millisecond or so, HdrHistogram); throughput = changes that arrived ÷ the phase's time.
 *
 * <pre>java -cp tandem-bench/target/benchmarks.jar dev.tandem.bench.CustomerSyncLoad --customers 10000 --report r.json</pre>
 */
public final class CustomerSyncLoad {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TO_SALESFORCE = "clarity-customer-to-salesforce";
    private static final String TO_CLARITY = "salesforce-contact-to-clarity";
    private static final String WEBHOOK_SECRET = "bench-webhook-secret";
    private static final long HIGHEST_MICROS = Duration.ofMinutes(2).toNanos() / 1000;

    private CustomerSyncLoad() {
    }

    /** A change on its way: the phone the other side must show, from when. */
    private record Pending(boolean toSalesforce, String phone, long startNanos) {
    }

    public static void main(String[] args) throws Exception {
        LoadOptions options = new LoadOptions("CustomerSyncLoad")
                .declare("customers", "10000", "customers generated in Clarity before Tandem starts (initial sync)")
                .declare("steady-seconds", "30", "length of the two-way steady-state phase (0: skip it)")
                .declare("steady-rate", "20", "changes per second in the steady state, half in each system")
                .declare("seed", "42", "seed of the Clarity sandbox's data generator and of the changes")
                .declare("poll-millis", "100", "interval of the Salesforce count poller during the initial sync")
                .declare("batch-size", String.valueOf(dev.tandem.core.runtime.RuntimeSettings.DEFAULT_BATCH_SIZE),
                        "Tandem's runtime.batchSize: events per batch, so graphs per Composite Graph request")
                .declare("page-size", "1000", "Paging.Size of Tandem's delta poller (rows per Clarity request)")
                .declare("timeout-seconds", "600", "give up when the initial sync is not complete after this long")
                .declare("report", "", "write the results as JSON to this file")
                .declare("dir", "", "run directory for Tandem's store (default: a new temporary one)");
        if (!options.parse(args)) {
            return;
        }
        int customers = options.integer("customers");
        Path dir = options.text("dir").isEmpty() ? Files.createTempDirectory("customer-sync-load")
                : Files.createDirectories(Path.of(options.text("dir")));
        Map<String, Object> report = new LinkedHashMap<>();
        System.out.println("machine: " + Machine.describe());
        System.out.println("load average before: " + Machine.loadAverage());
        report.put("machine", Machine.describe());
        report.put("loadAverageBefore", Machine.loadAverage());
        report.put("customers", customers);
        report.put("batchSize", options.integer("batch-size"));

        long generateStart = System.nanoTime();
        ClaritySandbox clarity = ClaritySandbox.builder().port(0).seed(options.integer("seed")).customers(customers)
                .products(1).webhookRetryInitial(Duration.ofMillis(200)).webhookRetryMax(Duration.ofSeconds(2))
                .build().start();
        System.out.printf("generated %,d customers in the Clarity sandbox in %.1f s%n", customers,
                seconds(System.nanoTime() - generateStart));
        SalesforceSandbox salesforce = SalesforceSandbox.builder().port(0).pubSubPort(0)
                .pubSubKeepAlive(Duration.ofMillis(500)).dailyApiLimit(10_000_000).build().start();
        HttpClient http = HttpClient.newHttpClient();
        TandemServer tandem = null;
        try {
            long start = System.nanoTime();
            tandem = TandemServer.start(config(clarity, salesforce, dir, options.integer("page-size"),
                    options.integer("batch-size")));
            long end = awaitContacts(http, salesforce, customers, start,
                    Duration.ofSeconds(options.integer("timeout-seconds")),
                    Duration.ofMillis(options.integer("poll-millis")));
            long calls = salesforce.apiRequestCount();
            long clarityCalls = clarity.apiRequestCount();
            String loadAfter = Machine.loadAverage();
            double initialSeconds = seconds(end - start);
            Map<String, Object> initial = new LinkedHashMap<>();
            initial.put("seconds", round(initialSeconds));
            initial.put("customersPerSecond", round(customers / initialSeconds));
            initial.put("salesforceApiCalls", calls);
            initial.put("salesforceApiCallsPerCustomer", round4((double) calls / customers));
            initial.put("clarityApiCalls", clarityCalls);
            initial.put("clarityApiCallsPerCustomer", round4((double) clarityCalls / customers));
            initial.put("salesforceAccounts", salesforce.records("Account").size());
            initial.put("salesforceContacts", salesforce.records("Contact").size());
            initial.put("deadLettered", tandem.stateStore().deadLetterCount());
            initial.put("loadAverageAfter", loadAfter);
            initial.put("tandemSalesforceMetrics", salesforceMetrics(http, tandem));
            report.put("initialSync", initial);
            System.out.printf("initial sync: %,d customers in %.1f s (%.0f/s), %,d Salesforce API calls (%.4f per "
                    + "customer), %,d Clarity API calls (%.2f per customer), load average %s%n", customers,
                    initialSeconds, customers / initialSeconds, calls, (double) calls / customers, clarityCalls,
                    (double) clarityCalls / customers, loadAfter);
            int steadySeconds = options.integer("steady-seconds");
            if (steadySeconds > 0) {
                report.put("steadyState", steady(http, clarity, salesforce, tandem, steadySeconds,
                        options.decimal("steady-rate"), options.integer("seed")));
            }
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

    private static TandemConfig config(ClaritySandbox clarity, SalesforceSandbox salesforce, Path dir, int pageSize,
                                       int batchSize) {
        PollSettings backfill = new PollSettings(Duration.ofMillis(500), PollSettings.DEFAULT_OVERLAP, pageSize,
                List.of(ClarityEntity.USER), null, PollSettings.DEFAULT_MAX_REMEMBERED);
        var pubSub = salesforce.pubSub().orElseThrow();
        CdcSettings cdc = CdcSettings.forObjects(List.of("Contact")).withEndpoint(pubSub.endpoint())
                .withReplayStart(CdcSettings.ReplayStart.LATEST)
                .withReconnect(Duration.ofMillis(100), Duration.ofSeconds(1));
        cdc = pubSub.certificatePath().map(cdc::withTrustCertificate).orElse(cdc.withPlaintext(true));
        return new TandemConfig(
                new TandemConfig.Server("127.0.0.1", 0),
                new TandemConfig.Store(dir.resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create(clarity.baseUrl()), clarity.user(), clarity.password(),
                        Duration.ofSeconds(30), List.of(WEBHOOK_SECRET), Duration.ofMinutes(5))
                        .withIngest(TandemConfig.Ingest.BOTH, backfill),
                new TandemConfig.Salesforce(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                        salesforce.clientSecret(), SalesforceConfig.DEFAULT_API_VERSION, "tandem",
                        Duration.ofSeconds(30)),
                new TandemConfig.Runtime(batchSize, dev.tandem.core.runtime.RuntimeSettings.DEFAULT_LINGER,
                        dev.tandem.core.runtime.RuntimeSettings.DEFAULT_POLL_INTERVAL),
                new TandemConfig.Retry(Duration.ofMillis(250), 2.0, Duration.ofSeconds(5), 10, 0.2))
                .withFlows(new TandemConfig.Flows(null, Map.of(TO_SALESFORCE, true, TO_CLARITY, true)))
                .withCdc(cdc);
    }

    /** Polls the sandbox's unmetered stats until it has {@code contacts} Contacts; the nanoTime of that poll. */
    private static long awaitContacts(HttpClient http, SalesforceSandbox salesforce, long contacts, long start,
                                      Duration timeout, Duration every) throws IOException, InterruptedException {
        long deadline = start + timeout.toNanos();
        long lastPrint = start;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(salesforce.baseUrl()
                    + "/_sandbox/stats")).GET().build(), HttpResponse.BodyHandlers.ofString());
            long now = System.nanoTime();
            long seen = JSON.readTree(r.body()).path("records").path("Contact").asLong();
            if (seen >= contacts) {
                return now;
            }
            if (now - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
                System.out.printf("  %.0f s: %,d of %,d contacts in Salesforce, %,d API calls%n",
                        seconds(now - start), seen, contacts, salesforce.apiRequestCount());
                lastPrint = now;
            }
            LockSupport.parkNanos(every.toNanos());
        }
        throw new IllegalStateException("the initial sync did not complete within " + timeout);
    }

    private static Map<String, Object> steady(HttpClient http, ClaritySandbox clarity, SalesforceSandbox salesforce,
                                              TandemServer tandem, int steadySeconds, double rate, long seed)
            throws IOException, InterruptedException {
        registerWebhook(http, clarity, tandem.webhookUrl());
        awaitContactSubscription(http, tandem);
        Map<String, String> sfIdByKey = new HashMap<>();
        for (Map<String, Object> c : salesforce.records("Contact")) {
            sfIdByKey.put(String.valueOf(c.get("Clarity_Contact_Key__c")), String.valueOf(c.get("Id")));
        }
        List<UserModel> users = clarity.store().users().all();
        SalesforceConfig repConfig = SalesforceConfig.of(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                salesforce.clientSecret()).withCallOptionsClient("sales-rep-console");
        SalesforceRestClient rep = new SalesforceRestClient(repConfig,
                new ClientCredentialsTokenProvider(repConfig, http), http, new SimpleMeterRegistry());
        Map<Integer, Pending> pending = new ConcurrentHashMap<>();
        Histogram toSalesforce = new Histogram(HIGHEST_MICROS, 3);
        Histogram toClarity = new Histogram(HIGHEST_MICROS, 3);
        Random random = new Random(seed);
        long callsBefore = salesforce.apiRequestCount();
        long intervalNanos = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        long stopAt = start + TimeUnit.SECONDS.toNanos(steadySeconds);
        long next = start;
        int made = 0;
        int skipped = 0;
        int superseded = 0;
        java.util.Set<Integer> collided = new java.util.TreeSet<>();
        while (System.nanoTime() < stopAt) {
            check(pending, users, clarity, salesforce, sfIdByKey, toSalesforce, toClarity);
            if (System.nanoTime() < next) {
                LockSupport.parkNanos(Math.min(next - System.nanoTime(), 1_000_000));
                continue;
            }
            next += intervalNanos;
            if (made % 2 == 0) {
                // The generator picks the customer: it may be one whose earlier change is still on its way.
                RecordRef ref = clarity.customers().updateRandomCustomer();
                UserModel user = clarity.store().users().byId(ref.id()).orElseThrow();
                String phone = clarity.store().contacts().byId(user.contactId()).orElseThrow().phone1();
                Pending earlier = pending.get(user.id());
                if (earlier != null && !earlier.toSalesforce()) {
                    // The rep's change has not reached Clarity yet and the customer changes the same field: a
                    // conflict, for the master-data policy to decide. Not timed; both systems must agree at the end.
                    pending.remove(user.id());
                    collided.add(user.id());
                    made++;
                    continue;
                }
                if (earlier != null) {
                    superseded++;
                }
                pending.put(user.id(), new Pending(true, phone, System.nanoTime()));
            } else {
                UserModel user = users.get(random.nextInt(users.size()));
                if (pending.containsKey(user.id())) {
                    skipped++;
                    continue;
                }
                String phone = String.format("+1 737 555 %04d", random.nextInt(10_000));
                pending.put(user.id(), new Pending(false, phone, System.nanoTime()));
                ObjectNode fields = JSON.createObjectNode().put("Phone", phone);
                rep.update("Contact", sfIdByKey.get(user.contactKey()), fields);
            }
            made++;
        }
        long drainUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long end = System.nanoTime();
        while (!pending.isEmpty() && System.nanoTime() < drainUntil) {
            if (check(pending, users, clarity, salesforce, sfIdByKey, toSalesforce, toClarity)) {
                end = System.nanoTime();
            }
            LockSupport.parkNanos(1_000_000);
        }
        List<String> lost = new java.util.ArrayList<>();
        pending.forEach((userId, p) -> lost.add("user " + userId + ": " + (p.toSalesforce()
                ? "Clarity phone " + p.phone() + " not in Salesforce" : "rep's phone " + p.phone()
                + " not in Clarity") + "; now Clarity " + clarity.store().contacts().byId(clarity.store().users()
                .byId(userId).orElseThrow().contactId()).orElseThrow().phone1() + ", Salesforce "
                + salesforce.record("Contact", sfIdByKey.get(clarity.store().users().byId(userId).orElseThrow()
                .contactKey())).map(r -> r.get("Phone")).orElse(null)));
        long arrived = toSalesforce.getTotalCount() + toClarity.getTotalCount();
        long tandemCalls = salesforce.apiRequestCount() - callsBefore - rep.apiCallCount();
        Map<String, Object> result = new LinkedHashMap<>();
        // From the first change to the arrival of the last one that arrived.
        result.put("seconds", round(seconds(end - start)));
        result.put("targetRatePerSecond", rate);
        result.put("changesMade", made);
        result.put("changesArrived", arrived);
        result.put("changesLost", pending.size());
        result.put("lost", lost);
        result.put("repChangesSkippedBecauseInFlight", skipped);
        result.put("clarityChangesSupersededInFlight", superseded);
        // Both systems changed the same phone within the sync latency: after settling they must agree.
        long disagreeing = collided.stream().filter(id -> {
            UserModel u = clarity.store().users().byId(id).orElseThrow();
            String c = clarity.store().contacts().byId(u.contactId()).orElseThrow().phone1();
            Object sf = salesforce.record("Contact", sfIdByKey.get(u.contactKey())).map(r -> r.get("Phone"))
                    .orElse(null);
            return !String.valueOf(c).equals(String.valueOf(sf));
        }).count();
        result.put("conflictingChanges", collided.size());
        result.put("conflictingChangesStillDisagreeing", disagreeing);
        result.put("throughputPerSecond", round(arrived / seconds(end - start)));
        result.put("clarityToSalesforceLatencyMillis", latency(toSalesforce));
        result.put("salesforceToClarityLatencyMillis", latency(toClarity));
        result.put("tandemSalesforceApiCalls", tandemCalls);
        result.put("tandemSalesforceApiCallsPerChange", arrived == 0 ? 0 : round4((double) tandemCalls / arrived));
        result.put("echoesDropped", tandem.status().cdcEchoesDropped());
        result.put("loadAverage", Machine.loadAverage());
        System.out.printf("steady state: %d changes made, %d arrived in %.1f s; Clarity→Salesforce p50 %s ms, "
                        + "Salesforce→Clarity p50 %s ms; load average %s%n", made, arrived, seconds(end - start),
                latency(toSalesforce).get("p50"), latency(toClarity).get("p50"), Machine.loadAverage());
        return result;
    }

    /** Records the latency of every pending change the other system now shows; whether any arrived. */
    private static boolean check(Map<Integer, Pending> pending, List<UserModel> users, ClaritySandbox clarity,
                              SalesforceSandbox salesforce, Map<String, String> sfIdByKey, Histogram toSalesforce,
                              Histogram toClarity) {
        boolean arrived = false;
        for (Map.Entry<Integer, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            UserModel user = clarity.store().users().byId(e.getKey()).orElseThrow();
            String now = p.toSalesforce()
                    ? salesforce.record("Contact", sfIdByKey.get(user.contactKey()))
                            .map(r -> String.valueOf(r.get("Phone"))).orElse("")
                    : clarity.store().contacts().byId(user.contactId()).map(c -> String.valueOf(c.phone1()))
                            .orElse("");
            // By digits: the mappings write E.164 to Salesforce (+15125550101 for Clarity's +1 512-555-0101).
            if (p.phone().replaceAll("\\D", "").equals(now.replaceAll("\\D", ""))) {
                long micros = Math.min(HIGHEST_MICROS, (System.nanoTime() - p.startNanos()) / 1000);
                (p.toSalesforce() ? toSalesforce : toClarity).recordValue(micros);
                pending.remove(e.getKey());
                arrived = true;
            }
        }
        return arrived;
    }

    /**
     * Tandem's own Salesforce counters from its {@code /metrics} (Prometheus text): data-API calls, and the batching
     * writer's requests and records per kind (graph, upsert) — what the calls were spent on.
     */
    static Map<String, Double> salesforceMetrics(HttpClient http, TandemServer tandem)
            throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(tandem.baseUrl().resolve("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("tandem_salesforce_writer_") || line.startsWith("tandem_salesforce_api_calls")
                    || line.startsWith("tandem_salesforce_calls_per_record")) {
                int space = line.lastIndexOf(' ');
                metrics.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return metrics;
    }

    private static Map<String, Object> latency(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50", round(h.getValueAtPercentile(50) / 1000.0));
        m.put("p95", round(h.getValueAtPercentile(95) / 1000.0));
        m.put("p99", round(h.getValueAtPercentile(99) / 1000.0));
        m.put("max", round(h.getMaxValue() / 1000.0));
        return m;
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

    private static void awaitContactSubscription(HttpClient http, TandemServer tandem)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(tandem.baseUrl().resolve("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode cdc = JSON.readTree(r.body()).path("salesforceCdc").path("/data/ContactChangeEvent");
            if ("SUBSCRIBED".equals(cdc.asText())) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        throw new IllegalStateException("Tandem did not subscribe to Contact change events within 60 s");
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
