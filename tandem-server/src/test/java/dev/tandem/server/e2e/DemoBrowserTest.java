package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard's charts and the guided Demo page in a real browser: a {@code tandem demo} in this process, then
 * tandem-console's {@code e2e/demo-e2e.mjs} driving Debian's headless Chromium — the charts are drawn and their text
 * alternative has numbers; on the Demo page "Create an order" makes an order that the page shows arriving in
 * Salesforce; "Add a product in Clarity" makes a product the page follows until synced, and "Change a price" its
 * new price (checked here in Salesforce's PricebookEntry); "Break Salesforce" makes the next order retry until Salesforce heals, and then it lands; "Make
 * Salesforce time out" makes the next one time out and retry until "Heal Salesforce now", and then it lands. Here
 * each of the three orders is checked in the Salesforce sandbox: there exactly once. axe-core checks each page.
 */
class DemoBrowserTest {

    @Test
    void theChartsAreDrawnAndTheDemosButtonsShowAnOrderArrivingAndAnOutageHealing(@TempDir Path dir) throws Exception {
        BrowserScript.requireBrowser();
        try (Demo demo = BrowserScript.startDemo(dir.resolve("data"), 8, 11)) {
            String log = BrowserScript.run("demo-e2e.mjs", Map.of(
                    "TANDEM_URL", demo.tandem().baseUrl().toString(),
                    "OPERATOR_TOKEN", demo.operatorToken()), 300);

            JsonNode results = results(log);
            SalesforceRest salesforce = BrowserScript.salesforce(demo);
            for (String field : new String[]{"orderKey", "brokenOrderKey", "timedOutOrderKey"}) {
                String key = results.path(field).asText();
                assertThat(key).as(field).matches("[A-Za-z0-9-]+");
                assertThat(salesforce.count("SELECT COUNT() FROM Order WHERE Clarity_Order_Key__c = '" + key + "'"))
                        .as(field + " " + key + " in Salesforce").isEqualTo(1);
            }
            // The product added on the page is in Salesforce once, at the price it was changed to.
            String product = results.path("productKey").asText();
            assertThat(product).matches("DEMO-P-[0-9]+");
            assertThat(salesforce.count("SELECT COUNT() FROM Product2 WHERE Clarity_Product_Key__c = '" + product + "'"))
                    .isEqualTo(1);
            java.math.BigDecimal price = new java.math.BigDecimal(results.path("newPrice").asText());
            await().atMost(Duration.ofSeconds(30)).until(() -> salesforce.query("SELECT UnitPrice FROM PricebookEntry"
                    + " WHERE Clarity_Price_Key__c = '" + product + "|standard'"), r -> r.size() == 1
                    && r.getFirst().path("UnitPrice").decimalValue().compareTo(price) == 0);
            assertThat(demo.salesforce().faults().serverErrorRate()).as("healed").isZero();
            assertThat(demo.salesforce().faults().latency()).as("healed from the time-outs").isZero();
            for (String png : new String[]{"dashboard-charts", "demo", "demo-broken"}) {
                assertThat(BrowserScript.SCREENSHOTS.resolve(png + ".png")).as(png).isNotEmptyFile();
            }
        }
    }

    private static JsonNode results(String log) throws Exception {
        for (String line : log.split("\n")) {
            if (line.startsWith("{\"ok\":true")) {
                return new ObjectMapper().readTree(line).path("results");
            }
        }
        throw new AssertionError("the script printed no results:\n" + log);
    }
}
