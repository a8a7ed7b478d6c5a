package dev.tandem.server.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.cdc.CdcSettings;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.StatusSnapshot;
import dev.tandem.server.TandemServer;
import dev.tandem.server.api.AdminApi;
import dev.tandem.server.api.ApiTokens;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.TandemConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code tandem demo}: both sandboxes and Tandem in one process, orders generated in Clarity, their way to
 * Salesforce shown live, and a summary checked against Salesforce itself.
 */
public final class Demo implements AutoCloseable {

    /**
     * @param orders      orders to create in Clarity
     * @param rate        orders per second
     * @param seed        seed of the generated data
     * @param faultRate   share of Salesforce requests that fail transiently (503 or UNABLE_TO_LOCK_ROW), to show retries
     * @param badDataRate share of orders generated with bad data (no last name, negative total, no items)
     * @param dataDir     where the store file goes
     * @param timeout     how long to wait for settlement before reporting what is missing
     */
    public record Options(int orders, double rate, long seed, double faultRate, double badDataRate, Path dataDir,
                          Duration timeout, TandemConfig.Ingest ingest) {
    }

    /** The demo polls often, and only the orders list: that is what its flow acts on. */
    static PollSettings demoPolling() {
        return PollSettings.defaults().withInterval(Duration.ofMillis(500)).withEntities(List.of(ClarityEntity.SALES_ORDER));
    }

    private final Options options;
    private final PrintStream out;
    private final boolean liveLine;
    private final SalesforceSandbox salesforce;
    private final ClaritySandbox clarity;
    private final TandemServer tandem;
    private final String webhookSecret;
    /** An operator token for the admin API, created at start and printed, so `tandem status` etc. work at once. */
    private final String operatorToken;
    /** The console's Demo page buttons: the demo-only admin API acting on the two sandboxes. */
    private final DemoConsole console;

    /**
     * The flows the demo runs: the orders it generates, Customer 360 both ways for the console's guided demo
     * (a customer registered in Clarity, a phone changed in Salesforce coming back through CDC), and products and
     * stock from Clarity (the Demo page's product, price and stock buttons; the webhook carries every event).
     */
    static final Map<String, Boolean> FLOWS = Map.of("clarity-order-to-salesforce", true,
            "clarity-customer-to-salesforce", true, "salesforce-contact-to-clarity", true,
            CatalogDemo.PRODUCT_FLOW, true, CatalogDemo.INVENTORY_FLOW, true);

    public Demo(Options options, PrintStream out, boolean liveLine) {
        this.options = options;
        this.out = out;
        this.liveLine = liveLine;
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.webhookSecret = HexFormat.of().formatHex(secret);
        // Pub/Sub API (Change Data Capture, issue 8) on a free port, TLS with the printed certificate.
        this.salesforce = SalesforceSandbox.builder().port(0).pubSubPort(0).build().start();
        this.salesforce.faults().setServerErrorRate(options.faultRate() / 2);
        this.salesforce.faults().setLockErrorRate(options.faultRate() / 2);
        this.clarity = ClaritySandbox.builder().port(0).seed(options.seed())
                .webhookRetryInitial(Duration.ofMillis(500)).webhookRetryMax(Duration.ofSeconds(10))
                .build().start();
        this.tandem = TandemServer.start(config());
        this.operatorToken = demoOperatorToken();
        this.console = new DemoConsole(clarity, salesforce, java.time.Clock.systemUTC(), SALESFORCE_TIMEOUT);
        tandem.demoMode().enable(console);
    }

    /** A fresh operator token named demo-operator; one left by an earlier demo on the same data is revoked. */
    private String demoOperatorToken() {
        ApiTokens tokens = tandem.adminApi().tokens();
        tokens.store().findActiveByName(DEMO_TOKEN_NAME)
                .ifPresent(old -> tokens.store().revoke(old.id(), java.time.Instant.now()));
        return tokens.create(DEMO_TOKEN_NAME, Role.OPERATOR).secret();
    }

    private static final String DEMO_TOKEN_NAME = "demo-operator";

    /** Tandem's timeout of each Salesforce request in the demo; "Make Salesforce time out" holds answers longer. */
    static final Duration SALESFORCE_TIMEOUT = Duration.ofSeconds(10);

    /** The admin API's base URL, e.g. {@code http://127.0.0.1:8080/api/v1}. */
    public String apiUrl() {
        return tandem.baseUrl() + AdminApi.BASE;
    }

    /** The operator token the demo created at start. */
    public String operatorToken() {
        return operatorToken;
    }

    private TandemConfig config() {
        return new TandemConfig(
                new TandemConfig.Server("127.0.0.1", 0),
                new TandemConfig.Store(options.dataDir().resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create(clarity.baseUrl()), clarity.user(), clarity.password(),
                        Duration.ofSeconds(10), List.of(webhookSecret), Duration.ofMinutes(5))
                        .withIngest(options.ingest(), demoPolling()),
                new TandemConfig.Salesforce(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                        salesforce.clientSecret(), SalesforceConfig.DEFAULT_API_VERSION, "tandem", SALESFORCE_TIMEOUT),
                new TandemConfig.Runtime(50, Duration.ofMillis(100), Duration.ofMillis(200)),
                new TandemConfig.Retry(Duration.ofMillis(250), 2.0, Duration.ofSeconds(5), 10, 0.2))
                .withFlows(new TandemConfig.Flows(flowsDir(), FLOWS))
                .withCdc(demoCdc()).withAlerts(demoAlerts());
    }

    /**
     * The demo's flows.dir (under its data folder): the console's flow designer saves flow files there and the
     * server reloads them; empty at first, so the shipped flows run.
     */
    public java.nio.file.Path flowsDir() {
        java.nio.file.Path dir = options.dataDir().resolve("flows");
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create the demo's flows folder " + dir, e);
        }
        return dir;
    }

    /**
     * Alerting with Tandem's log as the channel (the demo has no receiver): a rule on dead letters per flow and one
     * on paused flows, evaluated every 5 s, so the console's Alerts page shows them firing; admins add more there.
     */
    static dev.tandem.server.alerts.AlertsSettings demoAlerts() {
        var log = new dev.tandem.server.alerts.ChannelSettings.Log("log", Duration.ofSeconds(5));
        List<String> channels = List.of(log.name());
        var deadLetters = new dev.tandem.server.alerts.AlertRule("dead-letters", dev.tandem.server.alerts.Condition.DEAD_LETTERS,
                dev.tandem.server.alerts.Severity.WARNING, 0.0, Duration.ofMinutes(15), null, true, Duration.ofMinutes(30),
                null, 10, channels);
        var paused = new dev.tandem.server.alerts.AlertRule("flow-paused", dev.tandem.server.alerts.Condition.FLOW_PAUSED,
                dev.tandem.server.alerts.Severity.CRITICAL, null, Duration.ofMinutes(15), null, false, Duration.ofMinutes(30),
                null, 10, channels);
        return new dev.tandem.server.alerts.AlertsSettings(null, Duration.ofSeconds(5),
                dev.tandem.server.alerts.AlertsSettings.DEFAULT_REPEAT_EVERY, dev.tandem.server.alerts.AlertsSettings.DEFAULT_HISTORY_SIZE,
                Map.of(log.name(), log), List.of(deadLetters, paused));
    }

    /**
     * CDC from the Salesforce sandbox's Pub/Sub API over TLS with the certificate it generated: change a record in
     * the sandbox (curl, below) and the demo's status line counts the change event. Tandem's own Account and
     * Contact writes come back too and are dropped as echoes.
     */
    private CdcSettings demoCdc() {
        return salesforce.pubSub().map(p -> {
            CdcSettings cdc = CdcSettings.forObjects(List.of("Account", "Contact")).withEndpoint(p.endpoint())
                    .withReplayStart(CdcSettings.ReplayStart.LATEST);
            return p.certificatePath().map(cdc::withTrustCertificate).orElse(cdc.withPlaintext(true));
        }).orElse(CdcSettings.defaults());
    }

    public TandemServer tandem() {
        return tandem;
    }

    /** The Clarity sandbox the demo runs (its control API makes orders, bad ones too). */
    public ClaritySandbox clarity() {
        return clarity;
    }

    /** The Salesforce sandbox the demo runs. */
    public SalesforceSandbox salesforce() {
        return salesforce;
    }

    /** The web console's URL, e.g. {@code http://127.0.0.1:8080/}. */
    public String consoleUrl() {
        return tandem.baseUrl() + "/";
    }

    public DemoReport run(boolean exitWhenSettled) throws IOException, InterruptedException {
        printBanner();
        if (options.ingest().webhooks()) {
            registerWebhook();
        }
        Instant started = Instant.now();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        List<SalesOrderRef> created = new ArrayList<>();
        Map<BadData, Integer> bad = new HashMap<>();
        try {
            progress.scheduleAtFixedRate(() -> printProgress(created.size(), false),
                    liveLine ? 250 : 2000, liveLine ? 250 : 2000, TimeUnit.MILLISECONDS);
            Random random = new Random(options.seed());
            BadData[] kinds = {BadData.MISSING_LAST_NAME, BadData.NEGATIVE_TOTAL, BadData.NO_ITEMS};
            long intervalNanos = (long) (1_000_000_000L / options.rate());
            long next = System.nanoTime();
            for (int i = 0; i < options.orders(); i++) {
                BadData kind = random.nextDouble() < options.badDataRate() ? kinds[bad.values().stream().mapToInt(Integer::intValue).sum() % kinds.length] : BadData.NONE;
                if (kind != BadData.NONE) {
                    bad.merge(kind, 1, Integer::sum);
                }
                SalesOrderRef ref = clarity.orders().createRandomOrder(kind);
                synchronized (created) {
                    created.add(ref);
                }
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
            }
            Instant deadline = Instant.now().plus(options.timeout());
            while (!settled(created) && Instant.now().isBefore(deadline)) {
                LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
            }
        } finally {
            progress.shutdownNow();
            progress.awaitTermination(1, TimeUnit.SECONDS);
        }
        printProgress(created.size(), true);
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        DemoReport report = report(created, bad.values().stream().mapToInt(Integer::intValue).sum(), seconds);
        printSummary(report, bad);
        if (!exitWhenSettled) {
            out.println("Tandem keeps running; press Ctrl-C to stop.");
        }
        return report;
    }

    /**
     * Every created order is either mapped to a Salesforce Order or dead-lettered, and nothing is pending. (The
     * log also holds customer events, so its length says nothing about orders.)
     */
    private boolean settled(List<SalesOrderRef> created) {
        if (!tandem.runtime().idle()) {
            return false;
        }
        Set<String> dead = new HashSet<>();
        tandem.stateStore().deadLetters(Integer.MAX_VALUE).forEach(d -> dead.add(d.entityKey()));
        List<SalesOrderRef> snapshot;
        synchronized (created) {
            snapshot = List.copyOf(created);
        }
        return snapshot.stream().allMatch(r -> dead.contains(r.customKey())
                || tandem.stateStore().targetId("Order", r.customKey()).isPresent());
    }

    private void registerWebhook() throws IOException, InterruptedException {
        registerWebhook(HttpClient.newHttpClient(), clarity, tandem.webhookUrl(), webhookSecret);
        out.println("Registered Tandem's webhook " + tandem.webhookUrl() + " with the Clarity sandbox.");
    }

    /** Subscribes Tandem's webhook URL to every event of the Clarity sandbox, over its API, as an admin would. */
    static void registerWebhook(HttpClient http, ClaritySandbox clarity, URI webhookUrl, String secret)
            throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clarity.user() + ":" + clarity.password())
                .getBytes(StandardCharsets.UTF_8));
        String body = "{\"Url\":\"" + webhookUrl + "\",\"Secret\":\"" + secret + "\",\"EventTypes\":[\"*\"]}";
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create(clarity.baseUrl() + "/Webhooks/Subscriptions"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException("registering Tandem's webhook with the Clarity sandbox failed: HTTP "
                    + response.statusCode() + " " + response.body());
        }
    }

    private DemoReport report(List<SalesOrderRef> created, long expectedBad, double seconds) {
        long apiCalls = salesforce.apiRequestCount();
        SalesforceConfig cfg = SalesforceConfig.of(URI.create(salesforce.tokenUrl()), salesforce.clientId(), salesforce.clientSecret())
                .withCallOptionsClient("tandem-demo-report");
        HttpClient http = HttpClient.newHttpClient();
        // The report reads Salesforce with faults off, so that it counts what is there, not what a fault hides.
        salesforce.faults().setServerErrorRate(0);
        salesforce.faults().setLockErrorRate(0);
        SalesforceRestClient reader = new SalesforceRestClient(cfg, new ClientCredentialsTokenProvider(cfg, http), http,
                new SimpleMeterRegistry());
        Set<String> keys = new HashSet<>();
        created.forEach(r -> keys.add(r.customKey()));
        Map<String, Integer> ordersByKey = new HashMap<>();
        long unkeyed = 0;
        for (ObjectNode row : reader.query("SELECT Id, Clarity_Order_Key__c FROM Order")) {
            String key = row.path("Clarity_Order_Key__c").asText("");
            if (key.isEmpty() || row.path("Clarity_Order_Key__c").isNull()) {
                unkeyed++;
            } else {
                ordersByKey.merge(key, 1, Integer::sum);
            }
        }
        long synced = keys.stream().filter(ordersByKey::containsKey).count();
        long duplicates = unkeyed + ordersByKey.values().stream().mapToLong(n -> n - 1).sum();
        Set<String> deadKeys = new HashSet<>();
        for (DeadLetter d : tandem.stateStore().deadLetters(Integer.MAX_VALUE)) {
            deadKeys.add(d.entityKey());
        }
        long deadLettered = keys.stream().filter(k -> !ordersByKey.containsKey(k) && deadKeys.contains(k)).count();
        long lost = keys.size() - synced - deadLettered;
        return new DemoReport(created.size(), synced, deadLettered, duplicates, lost, expectedBad, apiCalls,
                synced == 0 ? 0 : Math.round(100.0 * apiCalls / synced) / 100.0, seconds);
    }

    private void printBanner() {
        out.println("Tandem demo: " + options.orders() + " orders at " + options.rate() + "/s, data in " + options.dataDir());
        out.println("  Salesforce sandbox  " + salesforce.baseUrl() + "   client id " + salesforce.clientId()
                + "  client secret " + salesforce.clientSecret());
        out.println("      token:  curl -s -u " + salesforce.clientId() + ":" + salesforce.clientSecret()
                + " -d grant_type=client_credentials " + salesforce.tokenUrl());
        salesforce.pubSub().ifPresent(p -> out.println("      pubsub: " + p.endpoint() + " (TLS, certificate "
                + p.certificatePath().map(Object::toString).orElse("none") + "); Tandem subscribes to Account and Contact changes"));
        out.println("      change a record (a CDC event arrives): curl -s -H 'Authorization: Bearer <access_token from above>'"
                + " -H 'Content-Type: application/json' -d '{\"Name\":\"Hello CDC\"}' " + salesforce.baseUrl()
                + "/services/data/v" + SalesforceConfig.DEFAULT_API_VERSION + "/sobjects/Account");
        out.println("  Clarity sandbox     " + clarity.baseUrl() + "   user " + clarity.user() + "  password " + clarity.password());
        out.println("      orders: curl -s -u " + clarity.user() + ":" + clarity.password() + " '" + clarity.baseUrl()
                + "/Ordering/SalesOrders?Paging=%7BSize:5,StartIndex:1%7D'");
        out.println("  Tandem              " + tandem.baseUrl() + "   (/api/v1, /health, /metrics)");
        out.println("Console: " + consoleUrl() + "   (open it in a browser; sign in with the operator token below)");
        out.println("      guided demo: " + consoleUrl() + "demo   (buttons that make orders and customers, change a "
                + "phone in Salesforce, break Salesforce for a minute)");
        out.println("Tandem API: " + apiUrl());
        out.println("      operator token: " + operatorToken);
        out.println("      try: TANDEM_URL=" + tandem.baseUrl() + " TANDEM_TOKEN=" + operatorToken + " ./tandem status");
        out.println("  Clarity changes arrive by " + switch (options.ingest()) {
            case WEBHOOK -> "signed webhook";
            case POLL -> "delta polling (every 500 ms)";
            case BOTH -> "signed webhook and delta polling at once";
        });
        out.println("  Salesforce faults injected: " + Math.round(options.faultRate() * 100) + "% of requests (503 / UNABLE_TO_LOCK_ROW)");
    }

    private void printProgress(int createdCount, boolean last) {
        StatusSnapshot s = tandem.status();
        int width = 30;
        long settledOrders = s.synced() + s.deadLettered();
        int done = options.orders() == 0 ? width : (int) Math.min(width, (settledOrders * width) / options.orders());
        String bar = "[" + "#".repeat(done) + ".".repeat(width - done) + "]";
        String line = String.format("%s created %d/%d · events received %d · synced %d · retrying %d · dead-lettered %d · Salesforce API calls %d · CDC events %d (%d echoes of Tandem's own writes dropped)",
                bar, createdCount, options.orders(), s.received(), s.synced(), s.retrying(), s.deadLettered(),
                s.salesforceApiCalls(), s.cdcEvents(), s.cdcEchoesDropped());
        if (liveLine) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void printSummary(DemoReport r, Map<BadData, Integer> bad) {
        out.println();
        out.println("Summary (counted in Salesforce over its REST API):");
        out.printf("  orders created in Clarity   %d%n", r.orders());
        out.printf("  synced to Salesforce        %d%n", r.synced());
        out.printf("  dead-lettered with a reason %d   (generated with bad data on purpose: %d %s)%n",
                r.deadLettered(), r.expectedBadOrders(), bad);
        out.printf("  duplicates in Salesforce    %d%n", r.duplicatesInSalesforce());
        out.printf("  lost                        %d%n", r.lost());
        out.printf("  Salesforce API calls        %d   (%.2f per synced order)%n", r.salesforceApiCalls(), r.apiCallsPerSyncedOrder());
        out.printf("  time                        %.1f s%n", r.seconds());
        List<DeadLetter> letters = tandem.stateStore().deadLetters(5);
        if (!letters.isEmpty()) {
            out.println("  newest dead letters:");
            letters.forEach(d -> out.println("    " + d.entityKey() + "  " + d.errorCode() + ": " + abbreviate(d.errorMessage())));
        }
        out.println(r.nothingLost() ? "Nothing lost, nothing duplicated." : "SOMETHING WAS LOST OR DUPLICATED: see above.");
    }

    private static String abbreviate(String s) {
        return s.length() <= 140 ? s : s.substring(0, 137) + "...";
    }

    @Override
    public void close() {
        try {
            console.close();
            tandem.close();
        } finally {
            try {
                clarity.close();
            } finally {
                salesforce.close();
            }
        }
    }
}
