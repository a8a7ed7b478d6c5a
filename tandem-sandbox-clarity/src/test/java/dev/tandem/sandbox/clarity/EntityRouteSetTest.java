package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Spec §5 and §9: the uniform route set for every further entity, exercised end to end over HTTP. */
class EntityRouteSetTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient client;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().customers(3).products(4).orders(2).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    /** module/entity, list segment, a create body with CustomKey {@code <key>}, and a member an update changes. */
    static Stream<Arguments> entities() {
        return Stream.of(
                Arguments.of("Accounts/AccountContact", "Accounts/AccountContacts",
                        "{\"CustomKey\":\"AC-T\",\"MasterID\":1001,\"SlaveKey\":\"CON-9001\",\"Name\":\"Billing\"}",
                        "Description", "\"Head office\""),
                Arguments.of("Ordering/SalesOrderItem", "Ordering/SalesOrderItems",
                        "{\"CustomKey\":\"SOI-T\",\"MasterID\":5001,\"ProductID\":301,\"Quantity\":2}",
                        "Quantity", "4"),
                Arguments.of("Ordering/SalesOrderEvent", "Ordering/SalesOrderEvents",
                        "{\"CustomKey\":\"SOE-T\",\"MasterKey\":\"SO-5001\",\"Name\":\"Note\"}",
                        "Description", "\"Called the customer\""),
                Arguments.of("Products/ProductInventoryLocationSection", "Products/ProductInventoryLocationSections",
                        "{\"CustomKey\":\"PILS-T\",\"MasterKey\":\"SKU-10001\",\"SlaveKey\":\"EU-E2\",\"Quantity\":5}",
                        "Quantity", "7"),
                Arguments.of("Inventory/InventoryLocation", "Inventory/InventoryLocations",
                        "{\"CustomKey\":\"LOC-T\",\"Name\":\"Test Warehouse\"}", "Description", "\"Overflow\""),
                Arguments.of("Inventory/InventoryLocationSection", "Inventory/InventoryLocationSections",
                        "{\"CustomKey\":\"SEC-T\",\"Name\":\"Aisle T\",\"InventoryLocationKey\":\"MAIN\"}",
                        "Description", "\"Cold store\""),
                Arguments.of("Stores/Store", "Stores/Stores", "{\"CustomKey\":\"STORE-T\",\"Name\":\"Test Store\"}",
                        "Slogan", "\"Always open\""),
                Arguments.of("Brands/Brand", "Brands/Brands", "{\"CustomKey\":\"BRAND-T\",\"Name\":\"Test Brand\"}",
                        "Description", "\"House brand\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entities")
    void theWholeRouteSetWorks(String entity, String list, String createBody, String member, String value) {
        String key = createBody.replaceAll(".*\"CustomKey\":\"([^\"]+)\".*", "$1");
        Reply created = client.post("/" + entity + "/Create", createBody);
        assertThat(created.json().get("ActionSucceeded").asBoolean()).as(created.body()).isTrue();
        int id = created.json().get("Result").asInt();

        assertThat(client.get("/" + entity + "/ID/" + id).json().get("CustomKey").asText()).isEqualTo(key);
        assertThat(client.get("/" + entity + "/Key/" + key).json().get("ID").asInt()).isEqualTo(id);
        assertThat(client.get("/" + entity + "/Exists/ID/" + id).body()).isEqualTo(String.valueOf(id));
        assertThat(client.get("/" + entity + "/Exists/Key/" + key).body()).isEqualTo(String.valueOf(id));
        assertThat(client.get("/" + entity + "/Exists/Key/NOPE").body()).isEqualTo("null");
        assertThat(client.get("/" + entity + "/ID/999999").status()).isEqualTo(404);
        JsonNode page = client.get("/" + list + "?CustomKey=" + key + "&CustomKeyStrict=true").json();
        assertThat(page.get("TotalCount").asInt()).isEqualTo(1);
        assertThat(client.get("/" + list + "ForConnect?IDs=" + id).json().get(0).get("ID").asInt()).isEqualTo(id);
        assertThat(client.get("/" + list + "Digest?IDs=" + id).json().get(0).get("Key").asText()).isEqualTo(key);

        Reply upserted = client.post("/" + entity + "/Upsert", "{\"CustomKey\":\"" + key + "\",\"" + member + "\":"
                + value + "}");
        assertThat(upserted.json().get("Result").asInt()).isEqualTo(id);
        assertThat(client.get("/" + entity + "/ID/" + id).json().get(member).toString()).isEqualTo(value);
        Reply updated = client.put("/" + entity + "/Update", "{\"ID\":" + id + ",\"CustomKey\":\"" + key + "-2\"}");
        assertThat(updated.json().get("Result").asInt()).isEqualTo(id);
        assertThat(client.get("/" + entity + "/Key/" + key + "-2").json().get(member).toString()).isEqualTo(value);

        client.patch("/" + entity + "/Deactivate/ID/" + id);
        assertThat(client.get("/" + entity + "/ID/" + id).json().get("Active").asBoolean()).isFalse();
        client.patch("/" + entity + "/Reactivate/Key/" + key + "-2");
        assertThat(client.get("/" + entity + "/ID/" + id).json().get("Active").asBoolean()).isTrue();
        assertThat(client.delete("/" + entity + "/Delete/ID/" + id).json().get("ActionSucceeded").asBoolean())
                .isTrue();
        assertThat(client.get("/" + entity + "/Exists/ID/" + id).body()).isEqualTo("null");
    }

    @Test
    void aRelationshipToAMissingRecordFailsTheActionAndStoresNothing() {
        Reply reply = client.post("/Products/ProductInventoryLocationSection/Create",
                "{\"CustomKey\":\"PILS-BAD\",\"MasterID\":999,\"SlaveID\":1,\"Quantity\":1}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().get("ActionSucceeded").asBoolean()).isFalse();
        assertThat(reply.json().get("Messages").get(0).asText()).contains("MasterID 999", "Product");
        assertThat(client.get("/Products/ProductInventoryLocationSection/Exists/Key/PILS-BAD").body())
                .isEqualTo("null");
        assertThat(client.post("/Ordering/SalesOrderItem/Create", "{\"ProductID\":301,\"Quantity\":1}")
                .json().get("ActionSucceeded").asBoolean()).isFalse();
        assertThat(client.post("/Ordering/SalesOrderItem/Create", "{\"MasterID\":5001,\"Quantity\":-1}")
                .json().get("Messages").get(0).asText()).contains("Quantity");
    }

    @Test
    void relationshipsCarryTheNamesOfBothSides() {
        JsonNode stock = client.get("/Products/ProductInventoryLocationSections?MasterID=301").json().get("Results")
                .get(0);

        assertThat(stock.get("MasterKey").asText()).isEqualTo("SKU-10001");
        assertThat(stock.get("SlaveName").asText()).startsWith("Aisle ");
        assertThat(stock.get("InventoryLocationSectionInventoryLocationKey").asText()).isNotBlank();
        JsonNode section = client.get("/Inventory/InventoryLocationSections?InventoryLocationKey=MAIN").json();
        assertThat(section.get("TotalCount").asInt()).isEqualTo(3);
        assertThat(section.at("/Results/0/InventoryLocationName").asText()).isEqualTo("Main Warehouse (Austin)");
    }

    @Test
    void salesOrderStatusesAreReadOnly() {
        JsonNode statuses = client.get("/Ordering/SalesOrderStatuses").json();

        assertThat(statuses.get("TotalCount").asInt()).isEqualTo(13);
        assertThat(client.get("/Ordering/SalesOrderStatus/Key/Confirmed").json().get("ID").asInt()).isEqualTo(3);
        assertThat(client.get("/Ordering/SalesOrderStatusesDigest").json()).hasSize(13);
        assertThat(client.post("/Ordering/SalesOrderStatus/Create", "{\"CustomKey\":\"X\"}").status()).isEqualTo(404);
        assertThat(client.patch("/Ordering/SalesOrderStatus/Deactivate/ID/1").status()).isEqualTo(404);
    }

    @Test
    void byNameFindsANameableRecord() {
        assertThat(client.get("/Brands/Brand/Name?Name=globex").json().get("CustomKey").asText())
                .isEqualTo("BRAND-GLOBEX");
        assertThat(client.get("/Brands/Brand/Name?Name=Nobody").status()).isEqualTo(404);
        assertThat(client.get("/Brands/Brand/Name").status()).isEqualTo(400);
    }
}
