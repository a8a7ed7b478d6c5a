package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.StatusSnapshot;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Flow files through the real path: the Order-to-Opportunity flow chosen in config, and a hot-reloaded flows.dir. */
class FlowFilesEndToEndTest {

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
    void theOrderToOpportunityFlowChosenInConfigWritesWonOpportunitiesWhoseAmountIsClaritysTotal() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null,
                Map.of("clarity-order-to-opportunity", true, "clarity-order-to-salesforce", false)));
        List<SalesOrderRef> created = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            created.add(stack.clarity.orders().createRandomOrder(BadData.NONE));
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                stack.tandem().stateStore().countIds("Opportunity") == created.size() && stack.tandem().runtime().idle());

        SalesforceRest sf = stack.salesforceRest();
        ClarityRest clarity = new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password());
        assertThat(sf.count("SELECT COUNT() FROM Order")).isZero();
        Map<String, JsonNode> byKey = sf.query("SELECT Id, Clarity_Order_Key__c, Amount, StageName, AccountId FROM Opportunity")
                .stream().collect(Collectors.toMap(o -> o.path("Clarity_Order_Key__c").asText(), o -> o));
        assertThat(byKey).hasSize(created.size());
        for (SalesOrderRef ref : created) {
            JsonNode source = clarity.order(ref.id());
            JsonNode opp = byKey.get(ref.customKey());
            assertThat(opp.path("StageName").asText()).isEqualTo("Closed Won");
            assertThat(opp.path("Amount").decimalValue().setScale(2, RoundingMode.HALF_UP)).as("Amount of %s", ref.customKey())
                    .isEqualByComparingTo(source.at("/Totals/Total").decimalValue().setScale(2, RoundingMode.HALF_UP));
            long products = sf.count("SELECT COUNT() FROM OpportunityLineItem WHERE OpportunityId = '"
                    + opp.path("Id").asText() + "' AND Clarity_Line_Key__c LIKE '" + ref.customKey() + "-%'");
            assertThat(products).isGreaterThanOrEqualTo(source.path("SalesItems").size());
        }
        StatusSnapshot status = stack.tandem().status();
        assertThat(status.flows()).anySatisfy(f -> {
            assertThat(f.id()).isEqualTo("clarity-order-to-salesforce");
            assertThat(f.enabled()).isFalse();
        });
    }

    @Test
    void aValidNewFlowVersionIsSwappedInAndAnInvalidOneIsRefusedWhileTheOldKeepsRunning() throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        copyShipped(flows, "clarity-order-to-salesforce.yaml", "clarity-order-to-salesforce.jsonata",
                "clarity-order.example.json");
        stack = TandemStack.start(dir, new TandemConfig.Flows(flows, Map.of()));
        assertThat(stack.tandem().status().flowProblems()).as("the copied flow loads").isEmpty();
        String first = version(stack);

        // A valid edit: a new version, swapped in.
        Path yaml = flows.resolve("clarity-order-to-salesforce.yaml");
        Files.writeString(yaml, Files.readString(yaml).replace("name: Clarity order → Salesforce Order",
                "name: Orders to Salesforce"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !version(stack).equals(first));
        String second = version(stack);
        assertThat(stack.tandem().status().flowProblems()).isEmpty();

        // A broken edit: refused, reported with file and line, and the running version stays.
        Files.writeString(yaml, Files.readString(yaml).replace("- fetch:", "- fech:"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !stack.tandem().status().flowProblems().isEmpty());
        assertThat(stack.tandem().status().flowProblems()).singleElement().asString()
                .contains("clarity-order-to-salesforce.yaml:", "unknown step 'fech'");
        assertThat(version(stack)).isEqualTo(second);

        SalesOrderRef ref = stack.clarity.orders().createRandomOrder(BadData.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.tandem().stateStore().countIds("Order") == 1);
        assertThat(stack.tandem().stateStore().targetId("Order", ref.customKey())).isPresent();
    }

    private static String version(TandemStack stack) {
        return stack.tandem().status().flows().stream().filter(f -> f.id().equals("clarity-order-to-salesforce"))
                .findFirst().orElseThrow().version();
    }

    private static void copyShipped(Path to, String... names) throws IOException {
        for (String name : names) {
            try (var in = FlowFilesEndToEndTest.class.getClassLoader().getResourceAsStream("flows/" + name)) {
                Files.write(to.resolve(name), in.readAllBytes());
            }
        }
    }
}
