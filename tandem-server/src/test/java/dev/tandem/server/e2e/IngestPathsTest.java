package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The order flow is the same whichever way Clarity's changes arrive: webhook, delta polling, or both at once. */
class IngestPathsTest {

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        stack.close();
    }

    @ParameterizedTest
    @EnumSource(TandemConfig.Ingest.class)
    void everyOrderLandsExactlyOnceWhateverThePath(TandemConfig.Ingest ingest) {
        stack = TandemStack.start(dir, ingest);
        List<SalesOrderRef> created = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            created.add(stack.clarity.orders().createRandomOrder(BadData.NONE));
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() ->
                stack.tandem().stateStore().countIds("Order") == created.size() && stack.tandem().runtime().idle());

        List<JsonNode> orders = stack.salesforceRest().query("SELECT Id, Clarity_Order_Key__c FROM Order");
        assertThat(orders).hasSize(created.size());
        assertThat(orders.stream().map(o -> o.path("Clarity_Order_Key__c").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(created.stream().map(SalesOrderRef::customKey).toList());
    }

    @Test
    void withPollingOnlyTheWebhookEndpointSaysSo() {
        stack = TandemStack.start(dir, TandemConfig.Ingest.POLL);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        var response = stack.postWebhook(body, TandemStack.validSignature(body));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("webhooks_disabled");
        // Each running change source is reported under its name; the webhook is not one of them here.
        await().atMost(Duration.ofSeconds(10)).until(() -> stack.get("/health").body().contains("\"clarityPoll\":\"UP\""));
        assertThat(stack.get("/health").body()).doesNotContain("clarityWebhook").contains("\"status\":\"UP\"");
    }
}
