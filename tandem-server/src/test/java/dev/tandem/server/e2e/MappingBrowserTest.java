package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.mapping.MappingDecisionStore;
import dev.tandem.server.api.Role;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mapping canvas in a real browser against a {@code tandem demo} in this process: {@code e2e/mapping-e2e.mjs}
 * maps Totals.Total to the Order's Clarity_Total__c by dragging and CustomKey to OrderReferenceNumber with the
 * keyboard, sees both in the live preview, saves, and accepts a suggestion. Then, here: the file is in flows.dir,
 * the server runs the new version, an order created in the Clarity sandbox (control API) reaches Salesforce carrying
 * both values while an order synced before the save has neither, and the accepted suggestion is remembered.
 */
class MappingBrowserTest {

    private static final String FLOW = "clarity-order-to-salesforce";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anAdminMapsAFieldInTheBrowserAndTheNextOrderCarriesItIntoSalesforce(@TempDir Path dir) throws Exception {
        BrowserScript.requireBrowser();
        try (Demo demo = BrowserScript.startDemo(dir.resolve("data"), 3, 11)) {
            SalesforceRest salesforce = BrowserScript.salesforce(demo);
            List<JsonNode> before = salesforce.query("SELECT Id, Clarity_Order_Key__c, Clarity_Total__c, "
                    + "OrderReferenceNumber FROM Order");
            assertThat(before).isNotEmpty();
            String shippedVersion = flowVersion(demo);
            String admin = demo.tandem().adminApi().tokens().create("mapping-admin", Role.ADMIN).secret();
            String viewer = demo.tandem().adminApi().tokens().create("mapping-viewer", Role.VIEWER).secret();

            BrowserScript.run("mapping-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "ADMIN_TOKEN", admin,
                    "VIEWER_TOKEN", viewer), 240);

            // Saved into the demo's flows.dir, and running.
            Path mapping = dir.resolve("data/flows/" + FLOW + ".jsonata");
            assertThat(Files.readString(mapping)).contains("\"Clarity_Total__c\": Totals.Total",
                    "\"OrderReferenceNumber\": CustomKey");
            await().atMost(Duration.ofSeconds(15)).until(() -> !flowVersion(demo).equals(shippedVersion));

            // A new order in the Clarity sandbox (its control API) reaches Salesforce with the newly mapped fields.
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(demo.clarity().controlUrl() + "/orders?count=1")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 299);
            String key = JSON.readTree(created.body()).path("orders").get(0).path("customKey").asText();
            JsonNode order = await().atMost(Duration.ofSeconds(60)).until(() -> salesforce.query(
                    "SELECT Id, TotalAmount, Clarity_Total__c, OrderReferenceNumber FROM Order WHERE Clarity_Order_Key__c = '"
                            + key + "'"), r -> r.size() == 1).getFirst();
            assertThat(order.path("OrderReferenceNumber").asText()).isEqualTo(key);
            assertThat(order.path("Clarity_Total__c").isNumber()).as(order.toString()).isTrue();
            assertThat(order.path("Clarity_Total__c").asDouble()).isPositive()
                    .isEqualTo(order.path("TotalAmount").asDouble());
            // The orders synced before the save were written by the shipped mapping: neither field.
            assertThat(before).allSatisfy(o -> {
                assertThat(o.path("Clarity_Total__c").isNull() || o.path("Clarity_Total__c").isMissingNode()).isTrue();
                assertThat(o.path("OrderReferenceNumber").isNull() || o.path("OrderReferenceNumber").isMissingNode()).isTrue();
            });

            // The suggestion accepted in the browser is remembered, as tandem map suggest --accept remembers it.
            assertThat(((MappingDecisionStore) demo.tandem().stateStore()).decisions("clarity", "Order"))
                    .anySatisfy(d -> {
                        assertThat(d.sourcePath()).isEqualTo("PurchaseOrderNumber");
                        assertThat(d.targetField()).isEqualTo("PoNumber");
                        assertThat(d.accepted()).isTrue();
                    });
            // The value map row added in the browser is in the flow file in flows.dir, the others as shipped.
            JsonNode flowFile = new com.fasterxml.jackson.databind.ObjectMapper(
                    new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(
                    Files.readString(dir.resolve("data/flows/" + FLOW + ".yaml")));
            assertThat(flowFile.path("picklists").path("accountRecordTypes").toString())
                    .isEqualTo("{\"b2b\":\"Business\",\"b2c\":\"Consumer\",\"wholesale\":\"Business\"}");
            assertThat(flowFile.path("picklists").path("accountNaming").path("b2c").asText()).isEqualTo("person");
            for (String png : new String[]{"mapping", "mapping-suggestions", "mapping-tables"}) {
                assertThat(BrowserScript.SCREENSHOTS.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }

    private static String flowVersion(Demo demo) {
        return demo.tandem().runtime().flows().stream().filter(f -> f.name().equals(FLOW)).findFirst().orElseThrow().version();
    }
}
