package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.tandem.server.TandemServer;
import dev.tandem.server.config.TandemConfig;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Bad, forged, oversized and hostile input: each gets its documented outcome and nothing else changes. */
class WebhookBadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;

    @BeforeEach
    void start() {
        stack = TandemStack.start(dir);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private static byte[] event(String eventId) {
        return ("{\"EventID\":\"" + eventId + "\",\"EventType\":\"SalesOrder.Created\",\"Entity\":\"SalesOrder\","
                + "\"ID\":999999,\"CustomKey\":\"SO-999999\",\"OccurredAt\":\"2026-11-26T15:04:05.123Z\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private void assertRejected(HttpResponse<String> response, int status, String error) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.path("code").asText()).isEqualTo(error);
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("type").asText()).isEqualTo("https://tandem.dev/problems/" + error);
        assertThat(body.path("detail").asText()).isNotBlank();
        assertThat(stack.tandem().eventLog().endOffset()).as("nothing was appended").isZero();
    }

    @Test
    void aForgedSignatureIsRefusedWith401() throws Exception {
        byte[] body = event("e-1");
        assertRejected(stack.postWebhook(body, TandemStack.signature(Instant.now().getEpochSecond(), body, "not-the-secret")),
                401, "invalid_signature");
    }

    @Test
    void aBodyTamperedAfterSigningIsRefusedWith401() throws Exception {
        byte[] body = event("e-1");
        String signature = TandemStack.validSignature(body);
        byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("999999", "999998").getBytes(StandardCharsets.UTF_8);
        assertRejected(stack.postWebhook(tampered, signature), 401, "invalid_signature");
    }

    @Test
    void anExpiredSignatureIsRefusedWith401() throws Exception {
        byte[] body = event("e-1");
        long tenMinutesAgo = Instant.now().minus(Duration.ofMinutes(10)).getEpochSecond();
        assertRejected(stack.postWebhook(body, TandemStack.signature(tenMinutesAgo, body, TandemStack.WEBHOOK_SECRET)),
                401, "expired_signature");
    }

    @Test
    void aMissingOrMalformedSignatureIsRefusedWith401() throws Exception {
        byte[] body = event("e-1");
        assertRejected(stack.postWebhook(body, null), 401, "missing_signature");
        assertRejected(stack.postWebhook(body, "v1=abc"), 401, "malformed_signature");
        assertRejected(stack.postWebhook(body, "t=notanumber,v1=00"), 401, "malformed_signature");
    }

    @Test
    void malformedJsonIsRefusedWith400() throws Exception {
        byte[] body = "{\"EventID\": \"e-1\", ".getBytes(StandardCharsets.UTF_8);
        assertRejected(stack.postWebhook(body, TandemStack.validSignature(body)), 400, "invalid_event");
    }

    @Test
    void anEventWithoutARequiredFieldIsRefusedWith400() throws Exception {
        byte[] body = "{\"EventType\":\"SalesOrder.Created\",\"Entity\":\"SalesOrder\",\"ID\":5}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = stack.postWebhook(body, TandemStack.validSignature(body));
        assertRejected(response, 400, "invalid_event");
        assertThat(response.body()).contains("EventID");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() throws Exception {
        byte[] body = new byte[1024 * 1024 + 1];
        Arrays.fill(body, (byte) ' ');
        assertRejected(stack.postWebhook(body, TandemStack.validSignature(body)), 413, "payload_too_large");
    }

    @Test
    void aDuplicateEventIdIsAcknowledgedWith200AndStoredOnce() throws Exception {
        byte[] body = event("dup-1");
        HttpResponse<String> first = stack.postWebhook(body, TandemStack.validSignature(body));
        HttpResponse<String> second = stack.postWebhook(body, TandemStack.validSignature(body));
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(second.body()).path("status").asText()).isEqualTo("duplicate");
        assertThat(stack.tandem().eventLog().endOffset()).isEqualTo(1);
    }

    @Test
    void unknownEndpointsAnswerJson404() throws Exception {
        HttpResponse<String> r = stack.get("/webhooks/nope");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("not_found");
    }

    @Test
    void healthAndMetricsAreServed() {
        HttpResponse<String> health = stack.get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"clarityWebhook\":\"UP\"");
        HttpResponse<String> metrics = stack.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("tandem_events_received_total", "tandem_events_processed_total",
                "tandem_events_retried_total", "tandem_events_dead_lettered_total", "tandem_salesforce_api_calls_total",
                "tandem_processing_latency_seconds_bucket", "tandem_salesforce_calls_per_record", "tandem_salesforce_writer_requests_total");
    }

    private DeadLetter awaitDeadLetter(SalesOrderRef ref) {
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore().deadLetterCount() == 1
                && stack.tandem().runtime().idle());
        DeadLetter letter = stack.tandem().stateStore().deadLetters(1).getFirst();
        assertThat(letter.entityKey()).isEqualTo(ref.customKey());
        assertThat(letter.payload()).contains(ref.customKey());
        SalesforceRest sf = stack.salesforceRest();
        assertThat(sf.count("SELECT COUNT() FROM Order")).as("nothing reached Salesforce").isZero();
        assertThat(sf.count("SELECT COUNT() FROM OrderItem")).isZero();
        return letter;
    }

    @Test
    void anOrderWithANegativeTotalIsDeadLetteredAndNeverSent() {
        SalesOrderRef ref = stack.clarity.orders().createRandomOrder(BadData.NEGATIVE_TOTAL);
        DeadLetter letter = awaitDeadLetter(ref);
        assertThat(letter.errorCode()).isEqualTo("BUSINESS_RULE_VIOLATION");
        assertThat(letter.errorMessage()).contains("negative total");
        assertThat(stack.tandem().stateStore().auditFor(letter.eventOffset()))
                .anySatisfy(a -> assertThat(a.outcome()).isEqualTo("DEAD_LETTER"));
    }

    @Test
    void anOrderWithoutItemsIsDeadLetteredAndNeverSent() {
        SalesOrderRef ref = stack.clarity.orders().createRandomOrder(BadData.NO_ITEMS);
        DeadLetter letter = awaitDeadLetter(ref);
        assertThat(letter.errorCode()).isEqualTo("BUSINESS_RULE_VIOLATION");
        assertThat(letter.errorMessage()).contains("no items");
    }

    @Test
    void aCustomerWithoutLastNameIsDeadLetteredAsRequiredFieldMissing() {
        SalesOrderRef ref = stack.clarity.orders().createRandomOrder(BadData.MISSING_LAST_NAME);
        DeadLetter letter = awaitDeadLetter(ref);
        assertThat(letter.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(letter.errorMessage()).contains("LastName");
        assertThat(stack.salesforceRest().count("SELECT COUNT() FROM Contact")).isZero();
    }

    @Test
    void anAddressOutsideTheAllowlistIsRefusedWith403() throws Exception {
        TandemConfig base = stack.config(0);
        TandemConfig.Clarity c = base.clarity();
        TandemConfig restricted = new TandemConfig(base.server(), new TandemConfig.Store(dir.resolve("restricted.db")),
                new TandemConfig.Clarity(c.baseUrl(), c.username(), c.password(), c.requestTimeout(), c.webhookSecrets(),
                        c.webhookTolerance(), c.ingest(), List.of("10.0.0.0/8", "fd00::/8"), c.poll()),
                base.salesforce(), base.runtime(), base.retry());
        try (TandemServer server = TandemServer.start(restricted)) {
            byte[] body = event("e-1");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.webhookUrl())
                    .header("X-Clarity-Signature", TandemStack.validSignature(body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(r.body()).path("code").asText()).isEqualTo("forbidden_address");
            assertThat(server.eventLog().endOffset()).isZero();
        }
    }
}
