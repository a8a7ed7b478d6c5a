package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import java.math.BigDecimal;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** clarity-api.md §5 notes and §11: the inventory provider routes, their validation and Inventory.Changed. */
class InventoryProviderTest {

    private ClaritySandbox sandbox;
    private ClarityTestClient client;
    private WebhookReceiver receiver;

    @BeforeEach
    void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().customers(2).products(5).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
        receiver = WebhookReceiver.start();
        sandbox.webhooks().subscribe(receiver.url(), "secret", "Inventory.Changed");
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.close();
    }

    @Test
    void updateInventoryForProductSetsTheStockAndFiresInventoryChanged() {
        Reply reply = client.patch("/Providers/Inventory/UpdateInventoryForProduct",
                "{\"ID\":302,\"Quantity\":42,\"QuantityAllocated\":2,\"RelevantLocationID\":1}");

        assertThat(reply.json().get("ActionSucceeded").asBoolean()).isTrue();
        JsonNode row = client.get("/Products/ProductInventoryLocationSections?MasterID=302&InventoryLocationID=1")
                .json().at("/Results/0");
        assertThat(row.get("Quantity").decimalValue()).isEqualByComparingTo("42");
        assertThat(row.get("QuantityAllocated").decimalValue()).isEqualByComparingTo("2");
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("Inventory.Changed").size() == 1);
        JsonNode event = receiver.received("Inventory.Changed").getFirst().json();
        assertThat(event.get("Entity").asText()).isEqualTo("ProductInventoryLocationSection");
        assertThat(event.get("ID").asInt()).isEqualTo(row.get("ID").asInt());
        assertThat(event.get("ProductID").asInt()).isEqualTo(302);
        assertThat(event.get("ProductKey").asText()).isEqualTo("SKU-10002");
        assertThat(event.get("Quantity").decimalValue()).isEqualByComparingTo("42");
        assertThat(event.get("Hash").asLong()).isEqualTo(row.get("Hash").asLong());
    }

    @Test
    void calculateInventorySumsTheActiveSections() {
        BigDecimal present = BigDecimal.ZERO;
        BigDecimal allocated = BigDecimal.ZERO;
        for (JsonNode row : client.get("/Products/ProductInventoryLocationSections?MasterID=303").json().get("Results")) {
            present = present.add(row.get("Quantity").decimalValue());
            allocated = allocated.add(row.get("QuantityAllocated").decimalValue());
        }

        JsonNode calculated = client.get("/Providers/Inventory/CalculateInventory/303").json();

        assertThat(calculated.get("ActionSucceeded").asBoolean()).isTrue();
        assertThat(calculated.at("/Result/ProductID").asInt()).isEqualTo(303);
        assertThat(calculated.at("/Result/QuantityPresent").decimalValue()).isEqualByComparingTo(present);
        assertThat(calculated.at("/Result/QuantityOnHand").decimalValue())
                .isEqualByComparingTo(present.subtract(allocated));
        assertThat(calculated.at("/Result/RelevantLocations")).isNotEmpty();
    }

    @Test
    void aStaleRelevantHashIsRefusedAndChangesNothing() {
        JsonNode row = client.get("/Products/ProductInventoryLocationSections?MasterID=301").json().at("/Results/0");
        sandbox.inventory().setQuantity(301, row.get("InventoryLocationSectionInventoryLocationID").asInt(),
                new BigDecimal("9"));

        Reply reply = client.patch("/Providers/Inventory/UpdateInventoryForProduct", "{\"ID\":301,\"Quantity\":1,"
                + "\"RelevantLocationID\":" + row.get("InventoryLocationSectionInventoryLocationID").asInt()
                + ",\"RelevantHash\":" + row.get("Hash").asLong() + "}");

        assertThat(reply.json().get("ActionSucceeded").asBoolean()).isFalse();
        assertThat(reply.json().get("Messages").get(0).asText()).contains("stale");
        assertThat(client.get("/Products/ProductInventoryLocationSection/ID/" + row.get("ID").asInt()).json()
                .get("Quantity").decimalValue()).isEqualByComparingTo("9");
    }

    @Test
    void bulkUpdateAppliesEveryEntryOrNone() {
        JsonNode row = client.get("/Products/ProductInventoryLocationSections?MasterID=304").json().at("/Results/0");
        Reply bad = client.put("/Providers/Inventory/BulkUpdateInventoryForProducts", "{\"InventoryToPush\":["
                + "{\"ProductID\":304,\"RelevantLocations\":[{\"ID\":" + row.get("ID").asInt() + ",\"Quantity\":5}]},"
                + "{\"ProductID\":9999,\"QuantityPresent\":1}]}");
        assertThat(bad.json().get("ActionSucceeded").asBoolean()).isFalse();
        assertThat(sandbox.inventory().stockOf(304).getFirst().quantity())
                .isEqualByComparingTo(row.get("Quantity").decimalValue());

        Reply good = client.put("/Providers/Inventory/BulkUpdateInventoryForProducts", "{\"InventoryToPush\":["
                + "{\"ProductID\":304,\"RelevantLocations\":[{\"ID\":" + row.get("ID").asInt() + ",\"Quantity\":5}]},"
                + "{\"ProductID\":305,\"QuantityPresent\":11}]}");
        assertThat(good.json().get("ActionSucceeded").asBoolean()).as(good.body()).isTrue();
        assertThat(sandbox.inventory().stockOf(304).getFirst().quantity()).isEqualByComparingTo("5");
        assertThat(sandbox.inventory().stockOf(305).getFirst().quantity()).isEqualByComparingTo("11");
    }

    @Test
    void hostileInventoryBodiesAreRefusedWithAReason() {
        String path = "/Providers/Inventory/UpdateInventoryForProduct";
        assertThat(client.patch(path, "{\"ID\":301,\"Quantity\":-5}").json().get("Messages").get(0).asText())
                .contains("negative");
        assertThat(client.patch(path, "{\"ID\":\"301; DROP TABLE\"}").json().get("ActionSucceeded").asBoolean())
                .isFalse();
        assertThat(client.patch(path, "{\"Quantity\":1}").json().get("Messages").get(0).asText()).contains("ID");
        assertThat(client.patch(path, "{\"ID\":301,\"Quantity\":\"lots\"}").json().get("ActionSucceeded")
                .asBoolean()).isFalse();
        assertThat(client.patch(path, "[]").status()).isEqualTo(400);
        assertThat(client.put("/Providers/Inventory/BulkUpdateInventoryForProducts", "{\"InventoryToPush\":7}")
                .json().get("ActionSucceeded").asBoolean()).isFalse();
        assertThat(client.get("/Providers/Inventory/CalculateInventory/abc").status()).isEqualTo(400);
        assertThat(client.get("/Providers/Inventory/CalculateInventory/9999").json().get("ActionSucceeded")
                .asBoolean()).isFalse();
    }

    @Test
    void writingAStockRowThroughItsRoutesFiresInventoryChangedToo() {
        client.post("/Products/ProductInventoryLocationSection/Upsert", "{\"MasterID\":301,\"SlaveKey\":\"WEST-R2\","
                + "\"CustomKey\":\"SKU-10001@WEST-R2-NEW\",\"Quantity\":3}");

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("Inventory.Changed").size() == 1);
        assertThat(receiver.received("Inventory.Changed").getFirst().json().get("Quantity").decimalValue())
                .isEqualByComparingTo("3");
    }
}
