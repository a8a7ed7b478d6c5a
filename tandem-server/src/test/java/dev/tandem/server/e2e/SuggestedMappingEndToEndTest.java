package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.cli.CliRun;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13 item 7, to the end: an integration engineer exports a few orders from the running Clarity store, asks
 * {@code tandem map suggest} for an Order mapping against the org's live describe, adds in {@code $yours} what no
 * suggestion can know (which Account the orders belong to, the order date, the Status the org expects — which then
 * wins over the suggested one), drops the flow into the running server's {@code flows.dir}, checks it with
 * {@code tandem flows validate --against salesforce}; the server reloads it, and the next Clarity order (and the three
 * sample orders, whose events the new flow reads from the log) arrives in Salesforce once, carrying the suggested
 * fields with the order's values.
 */
class SuggestedMappingEndToEndTest {

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
    void anOrderRunsThroughASuggestedMappingIntoSalesforce() throws Exception {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        // The shipped order flow off: this merchant's orders go through the suggested mapping only.
        stack = TandemStack.start(dir, new TandemConfig.Flows(flows, Map.of("clarity-order-to-salesforce", false)));
        ClarityRest clarity = new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password());

        // Samples: three orders as the store's API returns them.
        List<JsonNode> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(clarity.order(stack.clarity.orders().createRandomOrder(BadData.NONE).id()));
        }
        Path records = dir.resolve("orders.json");
        Files.writeString(records, samples.toString());
        Path config = dir.resolve("suggest.yaml");
        Files.writeString(config, """
                store: { path: "%s" }
                clarity: { baseUrl: "%s", username: u, password: p, webhook: { secrets: [s] } }
                salesforce: { tokenUrl: "%s", clientId: "%s", clientSecret: "%s" }
                """.formatted(dir.resolve("cli/t.db").toString().replace("\\", "/"), stack.clarity.baseUrl(),
                stack.salesforce.tokenUrl(), stack.salesforce.clientId(), stack.salesforce.clientSecret()));

        Path mapping = dir.resolve("clarity-order-suggested.jsonata");
        CliRun suggest = CliRun.of("map", "suggest", "--records", records.toString(), "--target-object", "Order",
                "--config", config.toString(), "--source-system", "clarity", "--write-mapping", mapping.toString(),
                "--key", "CustomKey");
        assertThat(suggest.exitCode()).as(suggest.err()).isZero();
        String suggested = Files.readString(mapping);
        assertThat(suggested).contains("\"PoNumber\": PurchaseOrderNumber", "\"BillingCity\": BillingContact.Address.City",
                "\"Clarity_Tax__c\": Totals.Tax", "\"Clarity_Subtotal__c\": Totals.SubTotal");

        // What the person adds: the merchant's existing Account for web orders, the date, the org's Status.
        String accountId = stack.salesforceRest().create("Account", "{\"Name\":\"Web orders\"}");
        String edited = suggested.replace("$yours := {\n  };", """
                $yours := {
                    "AccountId": "%s",
                    "EffectiveDate": $substring(CreatedDate, 0, 10),
                    "Status": "Draft"
                  };""".formatted(accountId));
        assertThat(edited).as("the suggestion file has an empty $yours block").isNotEqualTo(suggested);
        Files.writeString(flows.resolve("clarity-order-suggested.jsonata"), edited);
        Path yaml = dir.resolve("clarity-order-suggested.yaml");
        Files.writeString(yaml, """
                id: clarity-order-suggested
                name: Clarity orders → Salesforce Orders (suggested mapping)
                from: { system: clarity, events: [SalesOrder.Created] }
                example: clarity-order-suggested.example.json
                steps:
                  - idempotentConsumer: { link: Order, key: "$event.entityKey" }
                  - fetch: { system: clarity, entity: SalesOrder }
                  - transform: { mapping: clarity-order-suggested.jsonata }
                  - to: { system: salesforce }
                """);
        Files.writeString(flows.resolve("clarity-order-suggested.example.json"), samples.getFirst().toString());
        Path check = Files.createDirectories(dir.resolve("check"));
        Files.copy(flows.resolve("clarity-order-suggested.example.json"), check.resolve("clarity-order-suggested.example.json"));
        Files.copy(yaml, check.resolve(yaml.getFileName()));
        Files.copy(flows.resolve("clarity-order-suggested.jsonata"), check.resolve("clarity-order-suggested.jsonata"));
        CliRun validate = CliRun.of("flows", "validate", "--against", "salesforce", "--config", config.toString(),
                check.toString());
        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out()).contains("clarity-order-suggested", "0 problem(s)");

        // Into the running server's flows.dir: reloaded without a restart.
        Files.copy(yaml, flows.resolve(yaml.getFileName()));
        await().atMost(Duration.ofSeconds(20)).until(() -> stack.tandem().status().flows().stream()
                .anyMatch(f -> f.id().equals("clarity-order-suggested") && f.enabled()));
        assertThat(stack.tandem().status().flowProblems()).isEmpty();

        SalesOrderRef ref = stack.clarity.orders().createRandomOrder(BadData.NONE);
        SalesforceRest sf = stack.salesforceRest();
        // A new flow reads the event log from its start (as a new Kafka Connect sink group reads from the earliest
        // offset): the three sample orders, whose events were logged before the flow existed, arrive too.
        List<Integer> ids = new ArrayList<>(samples.stream().map(o -> o.path("ID").asInt()).toList());
        ids.add(ref.id());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> sf.count("SELECT COUNT() FROM Order") == ids.size() && stack.tandem().runtime().idle());
        for (int id : ids) {
            JsonNode source = clarity.order(id);
            List<JsonNode> found = sf.query("SELECT Id, AccountId, Status, EffectiveDate, PoNumber, BillingCity, "
                    + "BillingPostalCode, Clarity_Tax__c, Clarity_Subtotal__c FROM Order WHERE Clarity_Order_Key__c = '"
                    + source.path("CustomKey").asText() + "'");
            assertThat(found).as("order %s in Salesforce once", id).hasSize(1);
            JsonNode order = found.getFirst();
            assertThat(order.path("AccountId").asText()).isEqualTo(accountId);
            assertThat(order.path("Status").asText()).as("$yours wins over the suggested Status").isEqualTo("Draft");
            assertThat(order.path("EffectiveDate").asText()).isEqualTo(source.path("CreatedDate").asText().substring(0, 10));
            assertThat(order.path("BillingCity").asText()).isEqualTo(source.at("/BillingContact/Address/City").asText());
            assertThat(order.path("BillingPostalCode").asText())
                    .isEqualTo(source.at("/BillingContact/Address/PostalCode").asText());
            assertThat(order.path("Clarity_Tax__c").decimalValue())
                    .isEqualByComparingTo(source.at("/Totals/Tax").decimalValue());
            assertThat(order.path("Clarity_Subtotal__c").decimalValue())
                    .isEqualByComparingTo(source.at("/Totals/SubTotal").decimalValue());
            assertThat(order.path("PoNumber").isNull()).isEqualTo(!source.hasNonNull("PurchaseOrderNumber"));
        }
    }
}
