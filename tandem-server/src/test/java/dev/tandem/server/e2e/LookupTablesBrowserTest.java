package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.api.AdminApi;
import dev.tandem.server.api.Role;
import dev.tandem.server.demo.Demo;
import dev.tandem.server.flows.FlowRepository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Lookup tables panel in a real browser against a {@code tandem demo} in this process whose flows.dir holds a
 * copy of the order flow declaring a CSV table {@code channels} (with comment lines) that its mapping reads for the
 * Order's Description. {@code e2e/lookups-e2e.mjs}: an admin edits a cell and saves (dry run, then PUT); an
 * operator sees it read-only. Then, here: the file on disk changed in that row's line only (its comments kept), a
 * preview's {@code $lookup} reads the new value, and an order created in the Clarity sandbox afterwards reaches
 * Salesforce with it.
 */
class LookupTablesBrowserTest {

    private static final String FLOW = "clarity-order-to-salesforce";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TABLE = "# Order channels: the prefix of a Salesforce Order's Description.\n"
            + "channel,label\n"
            + "web,Web order\n"
            + "# phone orders are rare\n"
            + "phone,Phone order\n";

    @Test
    void anAdminEditsALookupTableInTheBrowserAndTheNextOrderUsesTheNewValue(@TempDir Path dir) throws Exception {
        BrowserScript.requireBrowser();
        Path flows = Files.createDirectories(dir.resolve("data/flows/tables"));
        String yaml = FlowRepository.shippedFile(FLOW + ".yaml").orElseThrow();
        assertThat(yaml).contains("\nexample: ").doesNotContain("\nlookups:");
        Files.writeString(dir.resolve("data/flows/" + FLOW + ".yaml"), yaml.replace("\nexample: ",
                "\nlookups:\n  channels: { file: tables/order-channels.csv }\nexample: "));
        String description = "\"Description\": \"Clarity order \" & $orderKey & (TypeKey ? \" (\" & TypeKey & \")\" : \"\"),";
        String mapping = FlowRepository.shippedFile(FLOW + ".jsonata").orElseThrow();
        assertThat(mapping).contains(description);
        Files.writeString(dir.resolve("data/flows/" + FLOW + ".jsonata"), mapping.replace(description,
                "\"Description\": $lookup('channels', 'web', 'label') & \" \" & $orderKey,"));
        Files.writeString(dir.resolve("data/flows/clarity-order.example.json"),
                FlowRepository.shippedFile("clarity-order.example.json").orElseThrow());
        Path table = flows.resolve("order-channels.csv");
        Files.writeString(table, TABLE);

        try (Demo demo = BrowserScript.startDemo(dir.resolve("data"), 1, 13)) {
            SalesforceRest salesforce = BrowserScript.salesforce(demo);
            // The flow from flows.dir runs: the demo's order went out with the table's value as it was.
            assertThat(salesforce.query("SELECT Id, Description FROM Order"))
                    .isNotEmpty().allSatisfy(o -> assertThat(o.path("Description").asText()).startsWith("Web order "));
            String admin = demo.tandem().adminApi().tokens().create("lookups-admin", Role.ADMIN).secret();
            String operator = demo.tandem().adminApi().tokens().create("lookups-operator", Role.OPERATOR).secret();
            String version = flowVersion(demo);

            BrowserScript.run("lookups-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "ADMIN_TOKEN", admin,
                    "OPERATOR_TOKEN", operator), 180);

            // The file: the edited row's line changed, every other line (the comments too) as it was.
            assertThat(Files.readString(table)).isEqualTo(TABLE.replace("web,Web order", "web,\"Online order\""));
            await().atMost(Duration.ofSeconds(15)).until(() -> !flowVersion(demo).equals(version));

            // A preview of the running mapping reads the new value through $lookup.
            HttpResponse<String> preview = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            demo.tandem().baseUrl() + AdminApi.BASE + "/flows/" + FLOW + "/mapping/preview"))
                    .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
            JsonNode previewed = null;
            for (JsonNode r : JSON.readTree(preview.body()).path("output")) {
                if (r.path("entity").asText().equals("Order")) {
                    previewed = r;
                }
            }
            assertThat(previewed).as(preview.body()).isNotNull();
            assertThat(previewed.path("fields").path("Description").asText()).startsWith("Online order ");

            // The next order created in Clarity reaches Salesforce with it.
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(demo.clarity().controlUrl() + "/orders?count=1")).POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isBetween(200, 299);
            String key = JSON.readTree(created.body()).path("orders").get(0).path("customKey").asText();
            JsonNode order = await().atMost(Duration.ofSeconds(60)).until(() -> salesforce.query(
                    "SELECT Id, Description FROM Order WHERE Clarity_Order_Key__c = '" + key + "'"),
                    r -> r.size() == 1).getFirst();
            assertThat(order.path("Description").asText()).isEqualTo("Online order " + key);
            assertThat(BrowserScript.SCREENSHOTS.resolve("lookup-tables.png")).isNotEmptyFile();
        }
    }

    private static String flowVersion(Demo demo) {
        return demo.tandem().runtime().flows().stream().filter(f -> f.name().equals(FLOW)).findFirst().orElseThrow()
                .version();
    }
}
