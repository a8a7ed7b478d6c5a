package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13 item 7, first half: suggest for the Clarity order → Salesforce Order pair against the org's live describe
 * (the Salesforce sandbox), write the mapping, and check it as a flow: it loads, and every field it writes exists and
 * is writable in that org ({@code tandem flows validate --against salesforce}); {@code tandem map preview} runs the
 * flow on the order and shows the plan.
 */
class MapSuggestEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void aSuggestedClarityOrderMappingLoadsAsAFlowAndWritesOnlyFieldsTheOrgHas(@TempDir Path dir) throws Exception {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Path order = flows.resolve("clarity-order.example.json");
        try (InputStream in = MapSuggestEndToEndTest.class.getResourceAsStream("/flows/clarity-order.example.json")) {
            Files.copy(in, order);
        }
        Path records = dir.resolve("orders.json");
        Files.writeString(records, "[" + Files.readString(order) + "]");
        try (SalesforceSandbox sf = SalesforceSandbox.builder().port(0).build().start()) {
            Path config = dir.resolve("tandem.yaml");
            Files.writeString(config, """
                    store: { path: "%s" }
                    clarity: { baseUrl: "http://127.0.0.1:9/api", username: u, password: p, webhook: { secrets: [s] } }
                    salesforce: { tokenUrl: "%s", clientId: "%s", clientSecret: "%s" }
                    """.formatted(dir.resolve("data/t.db").toString().replace("\\", "/"), sf.tokenUrl(), sf.clientId(), sf.clientSecret()));
            Path mapping = flows.resolve("clarity-order-suggested.jsonata");

            CliRun suggest = run("map", "suggest", "--records", records.toString(), "--target-object", "Order",
                    "--config", config.toString(), "--source-system", "clarity", "--write-mapping", mapping.toString(),
                    // the person names the key: from one sample order CustomKey → Clarity_Order_Key__c scores 0.35 only
                    "--key", "CustomKey");

            assertThat(suggest.exitCode()).as(suggest.err()).isZero();
            String text = Files.readString(mapping);
            assertThat(text).contains("\"keyField\": \"Clarity_Order_Key__c\"", "\"key\": CustomKey",
                    "\"PoNumber\": PurchaseOrderNumber", "\"BillingCity\": BillingContact.Address.City",
                    "\"Clarity_Subtotal__c\": Totals.SubTotal", "\"Clarity_Tax__c\": Totals.Tax");
            assertThat(text).doesNotContain("SalesItems");
            Files.writeString(flows.resolve("clarity-order-suggested.yaml"), """
                    id: clarity-order-suggested
                    name: Clarity orders → Salesforce Orders (suggested mapping)
                    enabled: false
                    from: { system: clarity, events: [SalesOrder.Created] }
                    example: clarity-order.example.json
                    steps:
                      - fetch: { system: clarity, entity: SalesOrder }
                      - transform: { mapping: clarity-order-suggested.jsonata }
                      - to: { system: salesforce }
                    """);

            CliRun validate = run("flows", "validate", "--against", "salesforce", "--config", config.toString(), flows.toString());
            assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
            assertThat(validate.out()).contains("ok ", "clarity-order-suggested", "0 problem(s)");

            CliRun preview = run("map", "preview", "--flow", "clarity-order-suggested", "--dir", flows.toString());
            assertThat(preview.exitCode()).as(preview.out() + preview.err()).isZero();
            String planText = preview.out().substring(preview.out().indexOf('{'), preview.out().lastIndexOf('}') + 1);
            JsonNode plan = JSON.readTree(planText);
            JsonNode fields = plan.path("records").get(0).path("fields");
            assertThat(plan.path("records").get(0).path("key").asText()).isEqualTo("SO-5001");
            assertThat(fields.path("BillingCity").asText()).isEqualTo("Austin");
            assertThat(fields.path("Clarity_Tax__c").asDouble()).isEqualTo(16.5);
            assertThat(fields.path("PoNumber").asText()).isEqualTo("PO-77");
        }
    }
}
