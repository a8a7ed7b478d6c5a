package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Tandem stopped mid-stream and started again on the same store: every order lands exactly once. */
class RestartTest {

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        stack.close();
    }

    @Test
    void ordersSentBeforeDuringAndAfterARestartLandExactlyOnce() {
        stack = TandemStack.start(dir);
        stack.salesforce.faults().setLockErrorRate(0.1);  // leave retries pending across the restart
        List<SalesOrderRef> created = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            created.add(stack.clarity.orders().createRandomOrder(BadData.NONE));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.tandem().status().synced() >= 10);

        stack.stopTandem();
        // While Tandem is down Clarity's deliveries fail and are retried with backoff.
        for (int i = 0; i < 30; i++) {
            created.add(stack.clarity.orders().createRandomOrder(BadData.NONE));
        }
        stack.startTandem();
        for (int i = 0; i < 30; i++) {
            created.add(stack.clarity.orders().createRandomOrder(BadData.NONE));
        }

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                stack.tandem().stateStore().countIds("Order") == created.size() && stack.tandem().runtime().idle());

        List<JsonNode> orders = stack.salesforceRest().query("SELECT Id, Clarity_Order_Key__c FROM Order");
        assertThat(orders).hasSize(created.size());
        assertThat(orders.stream().map(o -> o.path("Clarity_Order_Key__c").asText()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(created.stream().map(SalesOrderRef::customKey).toList());
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }
}
