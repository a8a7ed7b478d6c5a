package dev.tandem.server.e2e;

import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.TandemServer;
import dev.tandem.server.config.TandemConfig;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Both sandboxes and a Tandem server on ephemeral ports, wired as in production: Tandem's webhook is registered
 * with the Clarity sandbox, and Tandem talks to both over HTTP with its real connectors.
 */
final class TandemStack implements AutoCloseable {

    static final String WEBHOOK_SECRET = "whsec-test-0123456789";

    final SalesforceSandbox salesforce;
    final ClaritySandbox clarity;
    final Path dir;
    private TandemServer tandem;
    private int port;
    private TandemConfig.Ingest ingest = TandemConfig.Ingest.WEBHOOK;
    private final HttpClient http = HttpClient.newHttpClient();

    private TandemStack(Path dir, ClaritySandbox clarity) {
        this(dir, clarity, b -> b);
    }

    private TandemStack(Path dir, ClaritySandbox clarity,
                        java.util.function.UnaryOperator<SalesforceSandbox.Builder> salesforceOrg) {
        this.dir = dir;
        // The Pub/Sub API over TLS with the certificate the sandbox generates, as a real client would use it.
        this.salesforce = salesforceOrg.apply(SalesforceSandbox.builder().port(0).pubSubPort(0)
                .pubSubKeepAlive(Duration.ofMillis(500))).build().start();
        this.clarity = clarity;
    }

    /** Both sandboxes, the Salesforce org set up by {@code salesforceOrg} (e.g. Person Accounts), and Tandem. */
    static TandemStack start(Path dir, java.util.function.UnaryOperator<SalesforceSandbox.Builder> salesforceOrg,
                             TandemConfig.Flows flows) {
        TandemStack stack = new TandemStack(dir, ClaritySandbox.builder().port(0).seed(7)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)).build().start(),
                salesforceOrg);
        stack.flows = flows;
        stack.startTandem();
        stack.registerWebhook();
        return stack;
    }

    /** Both sandboxes and Tandem with these flows, the Salesforce org with or without Person Accounts (spec §3.5). */
    static TandemStack start(Path dir, TandemConfig.Flows flows, boolean personAccounts) {
        return start(dir, b -> b.personAccounts(personAccounts), flows);
    }

    static TandemStack start(Path dir) {
        return start(dir, ClaritySandbox.builder().port(0).seed(7)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)));
    }

    static TandemStack start(Path dir, ClaritySandbox.Builder clarity) {
        return start(dir, clarity, TandemConfig.Ingest.WEBHOOK);
    }

    static TandemStack start(Path dir, TandemConfig.Ingest ingest) {
        return start(dir, ClaritySandbox.builder().port(0).seed(7)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)), ingest);
    }

    static TandemStack start(Path dir, ClaritySandbox.Builder clarity, TandemConfig.Ingest ingest) {
        return start(dir, clarity, ingest, TandemConfig.Flows.shipped());
    }

    static TandemStack start(Path dir, TandemConfig.Flows flows) {
        return start(dir, ClaritySandbox.builder().port(0).seed(7)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)),
                TandemConfig.Ingest.WEBHOOK, flows);
    }

    static TandemStack start(Path dir, ClaritySandbox.Builder clarity, TandemConfig.Ingest ingest, TandemConfig.Flows flows) {
        TandemStack stack = new TandemStack(dir, clarity.build().start());
        stack.ingest = ingest;
        stack.flows = flows;
        stack.startTandem();
        if (ingest.webhooks()) {
            stack.registerWebhook();
        }
        return stack;
    }

    TandemServer tandem() {
        return tandem;
    }

    /** Starts Tandem on the same store, and on the same port after a restart so Clarity's subscription still points at it. */
    /** The flows section Tandem starts with (default: the shipped flows as their files say). */
    TandemConfig.Flows flows = TandemConfig.Flows.shipped();
    /** CDC settings Tandem starts with (default: off). */
    dev.tandem.salesforce.cdc.CdcSettings cdc = dev.tandem.salesforce.cdc.CdcSettings.defaults();

    /** Subscribes Tandem to change events of these objects from the sandbox's Pub/Sub API (TLS, its certificate). */
    dev.tandem.salesforce.cdc.CdcSettings cdcFor(String... objects) {
        return dev.tandem.salesforce.cdc.CdcSettings.forObjects(List.of(objects))
                .withEndpoint(salesforce.pubSub().orElseThrow().endpoint())
                .withTrustCertificate(salesforce.pubSubCertificatePath().orElseThrow())
                .withReconnect(java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(1));
    }

    /** The Clarity lists polled in {@link TandemConfig.Ingest#POLL} mode (default: sales orders). */
    List<ClarityEntity> pollEntities = List.of(ClarityEntity.SALES_ORDER);

    /** Both sandboxes and Tandem polling these Clarity lists (no webhook), with these flows. */
    static TandemStack startPolling(Path dir, TandemConfig.Flows flows, List<ClarityEntity> entities) {
        TandemStack stack = new TandemStack(dir, ClaritySandbox.builder().port(0).seed(7)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)).build().start());
        stack.ingest = TandemConfig.Ingest.POLL;
        stack.flows = flows;
        stack.pollEntities = List.copyOf(entities);
        stack.startTandem();
        return stack;
    }

    /** Changes to the config Tandem starts with (e.g. alert rules); none by default. */
    java.util.function.UnaryOperator<TandemConfig> customize = c -> c;

    /** Both sandboxes and Tandem with {@code customize} applied to its config. */
    static TandemStack start(Path dir, java.util.function.UnaryOperator<TandemConfig> customize) {
        TandemStack stack = new TandemStack(dir, ClaritySandbox.builder().port(0).seed(7)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)).build().start());
        stack.customize = customize;
        stack.startTandem();
        stack.registerWebhook();
        return stack;
    }

    void startTandem() {
        tandem = TandemServer.start(customize.apply(config(port).withFlows(flows).withCdc(cdc)));
        port = tandem.port();
    }

    void stopTandem() {
        tandem.close();
    }

    TandemConfig config(int listenPort) {
        return new TandemConfig(
                new TandemConfig.Server("127.0.0.1", listenPort),
                new TandemConfig.Store(dir.resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create(clarity.baseUrl()), clarity.user(), clarity.password(),
                        Duration.ofSeconds(10), List.of(WEBHOOK_SECRET), Duration.ofMinutes(5))
                        .withIngest(ingest, PollSettings.defaults().withInterval(Duration.ofMillis(100))
                                .withEntities(pollEntities)),
                new TandemConfig.Salesforce(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                        salesforce.clientSecret(), "64.0", "tandem", Duration.ofSeconds(10)),
                // An unavailable system is probed every 100 ms at first, then up to every second (time-scaled).
                new TandemConfig.Runtime(50, Duration.ofMillis(20), Duration.ofMillis(50))
                        .withProbeIntervals(Duration.ofMillis(100), Duration.ofSeconds(1)),
                new TandemConfig.Retry(Duration.ofMillis(50), 2.0, Duration.ofMillis(500), 8, 0.2));
    }

    private void registerWebhook() {
        String body = "{\"Url\":\"" + tandem.webhookUrl() + "\",\"Secret\":\"" + WEBHOOK_SECRET + "\",\"EventTypes\":[\"*\"]}";
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(clarity.baseUrl() + "/Webhooks/Subscriptions"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (clarity.user() + ":" + clarity.password()).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("webhook registration failed: " + r.statusCode() + " " + r.body());
        }
    }

    SalesforceRest salesforceRest() {
        return new SalesforceRest(salesforce.baseUrl(), salesforce.tokenUrl(), salesforce.clientId(), salesforce.clientSecret());
    }

    static String signature(long unixSeconds, byte[] body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String validSignature(byte[] body) {
        return signature(Instant.now().getEpochSecond(), body, WEBHOOK_SECRET);
    }

    HttpResponse<String> postWebhook(byte[] body, String signatureHeader) {
        HttpRequest.Builder b = HttpRequest.newBuilder(tandem.webhookUrl())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (signatureHeader != null) {
            b.header("X-Clarity-Signature", signatureHeader);
        }
        return send(b.build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(tandem.baseUrl().resolve(path)).GET().build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
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
