package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Salesforce → Tandem through the server: CDC over the sandbox's Pub/Sub API (TLS), configured as a user would. */
class CdcEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aChangeMadeInSalesforceByAPersonArrivesInTandemsLogAndHealthShowsTheSubscription() throws Exception {
        stack = TandemStack.start(dir, TandemConfig.Flows.shipped());
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Account", "Contact");
        stack.startTandem();
        await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc").path("/data/AccountChangeEvent")
                .asText().equals("SUBSCRIBED"));

        SalesOrderRef order = stack.clarity.orders().createRandomOrder(BadData.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.tandem().stateStore().countIds("Order") == 1);
        String accountKey = new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password())
                .order(order.id()).path("AccountKey").asText();
        String accountId = stack.tandem().stateStore().targetId("Account", accountKey).orElseThrow();

        // A sales rep changes the phone number in Salesforce (a person: another commit user, no Tandem client id).
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Account", accountId, "{\"Phone\":\"+1 512 555 0199\"}");
        stack.salesforce.changeAsUser(null);

        await().atMost(Duration.ofSeconds(30)).until(() -> salesforceEvents().stream().anyMatch(e ->
                e.event().entityId().equals(accountId) && e.event().payload().contains("555 0199")));
        LoggedEvent change = salesforceEvents().stream().filter(e -> e.event().payload().contains("555 0199"))
                .findFirst().orElseThrow();
        assertThat(change.event().entity()).isEqualTo("Account");
        assertThat(change.event().type()).isEqualTo("Account.Updated");
        assertThat(stack.tandem().status().cdcEvents()).isPositive();
    }

    private List<LoggedEvent> salesforceEvents() {
        return stack.tandem().eventLog().readAfter(0, 10_000).stream()
                .filter(e -> e.event().source().equals("salesforce")).toList();
    }

    private JsonNode health() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(stack.tandem().baseUrl() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }
}
