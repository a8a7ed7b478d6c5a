package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import dev.tandem.sandbox.clarity.WebhookReceiver.Received;
import dev.tandem.sandbox.clarity.webhook.DeliveryStatus;
import dev.tandem.sandbox.clarity.webhook.DeliveryView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spec §11: signed, at-least-once webhook deliveries with backoff, and the test switches. */
class WebhookDeliveryTest {

    private static final String SECRET = "whsec_test_0123456789";

    private ClaritySandbox sandbox;
    private WebhookReceiver receiver;
    private ClarityTestClient client;

    @BeforeEach
    void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().seed(7).customers(10).products(10)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofMillis(400))
                .webhookTimeout(Duration.ofMillis(500)).webhookMaxJitter(Duration.ofMillis(400))
                .build().start();
        receiver = WebhookReceiver.start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.close();
    }

    private void subscribe(String... eventTypes) {
        String types = eventTypes.length == 0 ? "\"*\"" : Set.of(eventTypes).stream()
                .map(t -> "\"" + t + "\"").collect(Collectors.joining(","));
        Reply reply = client.post("/Webhooks/Subscriptions", "{\"Url\":\"" + receiver.url() + "\",\"Secret\":\""
                + SECRET + "\",\"EventTypes\":[" + types + "]}");
        assertThat(reply.status()).isEqualTo(200);
    }

    @Test
    void createdOrderIsDeliveredWithAValidSignatureAndTheOrderKeys() throws Exception {
        subscribe("SalesOrder.Created");

        SalesOrderRef order = sandbox.orders().createRandomOrder();

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
        Received delivery = receiver.received().getFirst();
        assertThat(delivery.contentType()).startsWith("application/json");
        assertValidSignature(delivery);
        JsonNode event = delivery.json();
        assertThat(UUID.fromString(event.get("EventID").asText())).isNotNull();
        assertThat(event.get("EventType").asText()).isEqualTo("SalesOrder.Created");
        assertThat(event.get("Entity").asText()).isEqualTo("SalesOrder");
        assertThat(event.get("ID").asInt()).isEqualTo(order.id());
        assertThat(event.get("CustomKey").asText()).isEqualTo(order.customKey());
        assertThat(Instant.parse(event.get("OccurredAt").asText())).isBefore(Instant.now().plusSeconds(1));
        JsonNode stored = client.get("/Ordering/SalesOrder/ID/" + order.id()).json();
        assertThat(event.get("Hash").asLong()).isEqualTo(stored.get("Hash").asLong());
        await().until(() -> sandbox.webhooks().deliveredCount() == 1);
        assertThat(sandbox.webhooks().pendingDeliveries()).isZero();
    }

    @Test
    void failedDeliveryIsRetriedWithDoublingBackoffUntil2xxWithTheSameEventId() throws Exception {
        receiver.respondWith(n -> n <= 2 ? 500 : 204);
        subscribe("SalesOrder.Created");

        SalesOrderRef order = sandbox.orders().createRandomOrder();

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("SalesOrder.Created").size() == 3);
        List<Received> attempts = receiver.received("SalesOrder.Created");
        assertThat(attempts).extracting(Received::eventId).containsOnly(attempts.getFirst().eventId());
        assertThat(attempts).allSatisfy(a -> assertThat(a.json().get("ID").asInt()).isEqualTo(order.id()));
        for (Received attempt : attempts) {
            assertValidSignature(attempt);
        }
        // 100 ms after the first failure, 200 ms after the second (small allowance for timer granularity).
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(90));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).isGreaterThanOrEqualTo(
                Duration.ofMillis(190));
        await().until(() -> sandbox.webhooks().pendingDeliveries() == 0);
        DeliveryView log = sandbox.webhooks().deliveries().stream()
                .filter(d -> d.eventType().equals("SalesOrder.Created")).findFirst().orElseThrow();
        assertThat(log.status()).isEqualTo(DeliveryStatus.Delivered);
        assertThat(log.attempts()).isEqualTo(3);
        assertThat(log.lastStatusCode()).isEqualTo(204);
    }

    @Test
    void deliveryIsFailedAfterTheGiveUpPeriodAndListedAsFailed() {
        try (ClaritySandbox shortLived = ClaritySandbox.builder().customers(2).products(3)
                .webhookRetryInitial(Duration.ofMillis(50)).webhookRetryMax(Duration.ofMillis(100))
                .webhookGiveUpAfter(Duration.ofMillis(400)).build().start()) {
            receiver.respondWith(n -> 503);
            shortLived.webhooks().subscribe(receiver.url(), SECRET, "SalesOrder.Created");

            shortLived.orders().createRandomOrder();

            await().atMost(Duration.ofSeconds(5)).until(() -> shortLived.webhooks().failedCount() == 1);
            ClarityTestClient admin = new ClarityTestClient(shortLived.baseUrl())
                    .withBasic(shortLived.user(), shortLived.password());
            JsonNode failed = admin.get("/Webhooks/Deliveries?Status=Failed").json();
            assertThat(failed.get("TotalCount").asInt()).isEqualTo(1);
            JsonNode entry = failed.get("Results").get(0);
            assertThat(entry.get("Status").asText()).isEqualTo("Failed");
            assertThat(entry.get("LastStatusCode").asInt()).isEqualTo(503);
            assertThat(entry.get("Attempts").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(admin.get("/Webhooks/Deliveries?Status=Pending").json().get("TotalCount").asInt()).isZero();
        }
    }

    @Test
    void timedOutDeliveryIsRetried() {
        CountDownLatch release = new CountDownLatch(1);
        receiver.onRequest(n -> {
            if (n == 1) {
                release.await(5, TimeUnit.SECONDS);
            }
        });
        subscribe("SalesOrder.Created");

        sandbox.orders().createRandomOrder();

        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.webhooks().deliveredCount() == 1);
        release.countDown();
        DeliveryView log = sandbox.webhooks().deliveries().getFirst();
        assertThat(log.attempts()).isEqualTo(2);
        assertThat(log.status()).isEqualTo(DeliveryStatus.Delivered);
    }

    @Test
    void unreachableReceiverIsRetriedAndTheErrorIsLogged() {
        sandbox.webhooks().subscribe("http://127.0.0.1:1/hooks", SECRET);

        sandbox.orders().createRandomOrder(BadData.NONE);

        // Between attempts the log shows the error and the next due time; during an attempt it is in flight.
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(sandbox.webhooks().deliveries())
                .anySatisfy(log -> {
                    assertThat(log.attempts()).isGreaterThanOrEqualTo(2);
                    assertThat(log.status()).isEqualTo(DeliveryStatus.Pending);
                    assertThat(log.lastError()).isNotBlank();
                    assertThat(log.lastStatusCode()).isNull();
                    assertThat(log.nextAttemptDate()).isNotNull();
                }));
    }

    @Test
    void duplicateRateOfOneDeliversEveryEventTwiceWithTheSameEventId() {
        sandbox.webhooks().setDuplicateRate(1.0);
        subscribe("SalesOrder.Created");

        for (int i = 0; i < 5; i++) {
            sandbox.orders().createRandomOrder();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 10);
        assertThat(receiver.received().stream().collect(Collectors.groupingBy(Received::eventId,
                Collectors.counting())).values()).hasSize(5).containsOnly(2L);
        assertThat(sandbox.webhooks().deliveries()).filteredOn(DeliveryView::duplicate).hasSize(5);
    }

    @Test
    void withoutSwitchesEveryEventIsDeliveredExactlyOnce() {
        subscribe("SalesOrder.Created");

        for (int i = 0; i < 10; i++) {
            sandbox.orders().createRandomOrder();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.webhooks().deliveredCount() == 10);
        assertThat(receiver.received()).extracting(Received::eventId).doesNotHaveDuplicates().hasSize(10);
    }

    @Test
    void outOfOrderSwitchMakesLaterEventsArriveFirst() {
        sandbox.webhooks().setOutOfOrder(true);
        subscribe("SalesOrder.Created");

        List<Integer> created = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            created.add(sandbox.orders().createRandomOrder().id());
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 20);
        List<Integer> arrived = receiver.received().stream().map(r -> r.json().get("ID").asInt()).toList();
        assertThat(arrived).containsExactlyInAnyOrderElementsOf(created).isNotEqualTo(created);
    }

    @Test
    void subscriptionOnlyReceivesTheEventTypesItAskedFor() {
        subscribe("Customer.Created");

        for (int i = 0; i < 10; i++) {
            sandbox.orders().createRandomOrder();
        }
        sandbox.orders().createRandomOrder(BadData.MISSING_LAST_NAME);

        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.webhooks().pendingDeliveries() == 0
                && !receiver.received().isEmpty());
        assertThat(receiver.received()).allSatisfy(r ->
                assertThat(r.json().get("EventType").asText()).isEqualTo("Customer.Created"));
        assertThat(receiver.received()).extracting(r -> r.json().get("Entity").asText()).contains("Account", "User");
    }

    @Test
    void statusChangeIsDeliveredWithOldAndNewStatusKeys() {
        SalesOrderRef order = sandbox.orders().createRandomOrder();
        subscribe("SalesOrder.StatusChanged");

        sandbox.orders().changeStatus(order.id(), "Confirmed");

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
        JsonNode event = receiver.received().getFirst().json();
        assertThat(event.get("OldStatusKey").asText()).isEqualTo("Pending");
        assertThat(event.get("NewStatusKey").asText()).isEqualTo("Confirmed");
        assertThat(client.get("/Ordering/SalesOrder/ID/" + order.id()).json().get("StatusKey").asText())
                .isEqualTo("Confirmed");
    }

    @Test
    void subscriptionsAreCreatedListedAndDeletedOverTheManagementApi() {
        Reply created = client.post("/Webhooks/Subscriptions", "{\"Url\":\"" + receiver.url()
                + "\",\"Secret\":\"" + SECRET + "\",\"EventTypes\":[\"*\"]}");
        int id = created.json().get("ID").asInt();
        assertThat(created.json().get("Url").asText()).isEqualTo(receiver.url());
        assertThat(created.json().has("Secret")).isFalse();

        JsonNode listed = client.get("/Webhooks/Subscriptions").json();
        assertThat(listed.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(listed.get("Results").get(0).get("ID").asInt()).isEqualTo(id);
        assertThat(listed.get("Results").get(0).get("EventTypes").get(0).asText()).isEqualTo("*");

        assertThat(client.delete("/Webhooks/Subscriptions/ID/" + id).json().get("ActionSucceeded").asBoolean())
                .isTrue();
        assertThat(client.get("/Webhooks/Subscriptions").json().get("TotalCount").asInt()).isZero();
        assertThat(client.delete("/Webhooks/Subscriptions/ID/" + id).status()).isEqualTo(404);
    }

    @Test
    void subscriptionWithoutSecretOrWithABadUrlIsRejected() {
        assertThat(client.post("/Webhooks/Subscriptions", "{\"Url\":\"" + receiver.url() + "\"}").status())
                .isEqualTo(400);
        assertThat(client.post("/Webhooks/Subscriptions", "{\"Url\":\"not a url\",\"Secret\":\"x\"}").status())
                .isEqualTo(400);
        assertThat(client.post("/Webhooks/Subscriptions", "{\"Url\":").status()).isEqualTo(400);
    }

    @Test
    void deletedSubscriptionGetsNoMoreDeliveries() {
        receiver.respondWith(n -> 500);
        subscribe("SalesOrder.Created");
        sandbox.orders().createRandomOrder();
        await().atMost(Duration.ofSeconds(5)).until(() -> !receiver.received().isEmpty());

        int id = client.get("/Webhooks/Subscriptions").json().get("Results").get(0).get("ID").asInt();
        client.delete("/Webhooks/Subscriptions/ID/" + id);

        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.webhooks().failedCount() == 1);
        assertThat(sandbox.webhooks().deliveries().getFirst().lastError()).contains("deleted");
    }

    /** Verifies the header the way spec §11 tells receivers to: HMAC-SHA256 over "t.body", constant-time compare. */
    private static void assertValidSignature(Received delivery) throws Exception {
        assertThat(delivery.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
        String[] parts = delivery.signature().split(",");
        long t = Long.parseLong(parts[0].substring(2));
        String v1 = parts[1].substring(3);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(delivery.body());
        assertThat(MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1))).isTrue();
        assertThat(Math.abs(Instant.now().getEpochSecond() - t)).isLessThan(300);
    }
}
