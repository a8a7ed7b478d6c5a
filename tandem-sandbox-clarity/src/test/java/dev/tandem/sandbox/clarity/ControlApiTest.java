package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sandbox's own control API under /_sandbox/: no authentication, camelCase JSON. */
class ControlApiTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient control;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().customers(4).products(6).build().start();
        control = new ClarityTestClient(sandbox.controlUrl());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void postOrdersCreatesTheRequestedNumberOfOrdersWithTheBadDataKind() {
        Reply reply = control.post("/orders?count=3&badData=NO_ITEMS", "");

        assertThat(reply.status()).isEqualTo(200);
        JsonNode orders = reply.json().get("orders");
        assertThat(orders).hasSize(3);
        for (JsonNode order : orders) {
            assertThat(order.get("customKey").asText()).isEqualTo("SO-" + order.get("id").asInt());
            assertThat(sandbox.orders().find(order.get("id").asInt()).orElseThrow().salesItems()).isEmpty();
        }
    }

    @Test
    void unknownBadDataKindIs400() {
        assertThat(control.post("/orders?count=1&badData=SOMETHING", "").status()).isEqualTo(400);
        assertThat(control.post("/orders?count=-1", "").status()).isEqualTo(400);
    }

    @Test
    void postWebhooksSetsTheTestSwitches() {
        Reply reply = control.post("/webhooks", "{\"duplicateRate\":0.25,\"outOfOrder\":true,\"maxJitterMillis\":50}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("duplicateRate").asDouble()).isEqualTo(0.25);
        assertThat(reply.json().get("outOfOrder").asBoolean()).isTrue();
        assertThat(control.get("/stats").json().at("/webhooks/outOfOrder").asBoolean()).isTrue();
        assertThat(control.post("/webhooks", "{\"duplicateRate\":2}").status()).isEqualTo(400);
        control.post("/webhooks", "{\"duplicateRate\":0,\"outOfOrder\":false}");
    }

    @Test
    void statsCountTheRecords() {
        JsonNode stats = control.get("/stats").json();

        assertThat(stats.get("products").asInt()).isEqualTo(6);
        assertThat(stats.get("accounts").asInt()).isGreaterThanOrEqualTo(4);
        assertThat(stats.get("salesOrders").asInt()).isEqualTo(sandbox.orders().count());
        assertThat(stats.get("webhooks").has("pending")).isTrue();
    }
}
