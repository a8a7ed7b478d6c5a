package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Products and prices in real time (issue 11, item 1) on both sandboxes, through {@code TandemServer} with the
 * shipped flow {@code clarity-product-to-salesforce} switched on: a new Clarity product with its price becomes a
 * Product2 with its standard PricebookEntry (and an entry in a configured custom price book), a price change updates
 * the entries, a deactivation makes product and entries inactive without deleting anything.
 */
class ProductCatalogEndToEndTest {

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A flows.dir holding a copy of the shipped product flow with one custom price book (the MSRP). */
    private Path flowsWithMsrpPricebook() throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        Files.createDirectories(flows.resolve("tables"));
        for (String file : List.of("clarity-product-to-salesforce.yaml", "clarity-product-to-salesforce.jsonata",
                "clarity-product.example.json")) {
            try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
                Files.copy(in, flows.resolve(file));
            }
        }
        Files.writeString(flows.resolve("tables/clarity-pricebooks.yaml"),
                "MSRP: { name: \"Clarity MSRP\", price: MsrpPrice }\n");
        return flows;
    }

    private List<JsonNode> product(String key) {
        return stack.salesforceRest().query("SELECT Id, Name, ProductCode, IsActive, QuantityUnitOfMeasure, Description "
                + "FROM Product2 WHERE Clarity_Product_Key__c = '" + key + "'");
    }

    /** The product's entries by Clarity_Price_Key__c. */
    private Map<String, JsonNode> entries(String key) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode e : stack.salesforceRest().query("SELECT Id, UnitPrice, IsActive, Pricebook2Id, Product2Id, "
                + "Clarity_Price_Key__c FROM PricebookEntry WHERE Clarity_Price_Key__c IN ('" + key + "|standard', '"
                + key + "|MSRP')")) {
            byKey.put(e.path("Clarity_Price_Key__c").asText(), e);
        }
        return byKey;
    }

    private static boolean priced(Map<String, JsonNode> entries, String priceKey, String unitPrice, boolean active) {
        JsonNode e = entries.get(priceKey);
        return e != null && new BigDecimal(unitPrice).compareTo(e.path("UnitPrice").decimalValue()) == 0
                && e.path("IsActive").asBoolean() == active;
    }

    @Test
    void aNewProductWithItsPriceBecomesAProduct2WithStandardAndCustomEntriesAndFollowsPriceAndDeactivation()
            throws IOException {
        stack = TandemStack.start(dir, new TandemConfig.Flows(flowsWithMsrpPricebook(),
                Map.of("clarity-product-to-salesforce", true)));
        RecordRef created = stack.clarity.products().createProduct("CAT-1", "Catalog Widget", new BigDecimal("100.00"));

        await().atMost(Duration.ofSeconds(30)).until(() -> product("CAT-1").size() == 1
                && priced(entries("CAT-1"), "CAT-1|standard", "100.00", true)
                && priced(entries("CAT-1"), "CAT-1|MSRP", "120.00", true));
        JsonNode product = product("CAT-1").getFirst();
        assertThat(product.path("Name").asText()).isEqualTo("Catalog Widget");
        assertThat(product.path("ProductCode").asText()).isEqualTo("CAT-1");
        assertThat(product.path("IsActive").asBoolean()).isTrue();
        assertThat(product.path("QuantityUnitOfMeasure").asText()).isEqualTo("EA");
        Map<String, JsonNode> entries = entries("CAT-1");
        String productId = product.path("Id").asText();
        assertThat(entries.get("CAT-1|standard").path("Pricebook2Id").asText())
                .isEqualTo(stack.salesforce.standardPricebookId());
        assertThat(entries.values()).allSatisfy(e -> assertThat(e.path("Product2Id").asText()).isEqualTo(productId));
        List<JsonNode> msrp = stack.salesforceRest().query(
                "SELECT Id, Name, IsActive FROM Pricebook2 WHERE Clarity_Pricebook_Key__c = 'MSRP'");
        assertThat(msrp).hasSize(1);
        assertThat(msrp.getFirst().path("Name").asText()).isEqualTo("Clarity MSRP");
        assertThat(entries.get("CAT-1|MSRP").path("Pricebook2Id").asText()).isEqualTo(msrp.getFirst().path("Id").asText());

        // A price change updates both entries (the MSRP follows the base price in the sandbox's price list).
        stack.clarity.products().changePrice(created.id(), new BigDecimal("149.50"));
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(entries("CAT-1"), "CAT-1|standard", "149.50", true)
                && priced(entries("CAT-1"), "CAT-1|MSRP", "179.40", true));

        // Deactivated in Clarity (CEF's soft delete): inactive in Salesforce, product and entries, nothing deleted.
        new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password())
                .patch("/Products/Product/Deactivate/ID/" + created.id());
        await().atMost(Duration.ofSeconds(30)).until(() -> !product("CAT-1").getFirst().path("IsActive").asBoolean()
                && priced(entries("CAT-1"), "CAT-1|standard", "149.50", false)
                && priced(entries("CAT-1"), "CAT-1|MSRP", "179.40", false));
        assertThat(product("CAT-1")).as("updated, never duplicated or deleted").hasSize(1);
        assertThat(entries("CAT-1")).hasSize(2);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aDiscontinuedProductIsInactiveAndTheShippedFlowWritesTheStandardEntryOnly() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of("clarity-product-to-salesforce", true)));
        RecordRef created = stack.clarity.products().createProduct("CAT-2", "Plain Widget", new BigDecimal("12.34"));
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(entries("CAT-2"), "CAT-2|standard", "12.34", true));
        assertThat(entries("CAT-2")).as("no custom price book is configured in the shipped flow").hasSize(1);

        stack.clarity.products().discontinue(created.id());
        await().atMost(Duration.ofSeconds(30)).until(() -> !product("CAT-2").getFirst().path("IsActive").asBoolean()
                && priced(entries("CAT-2"), "CAT-2|standard", "12.34", false));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aStandardEntryAnOrderFlowMadeBeforeIsAdoptedNotDoubled() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of("clarity-product-to-salesforce", true)));
        // What the order flows' price-book resolver makes for a product an order names first: the Product2 by its
        // Clarity key and a standard entry without Clarity_Price_Key__c.
        SalesforceRest sf = stack.salesforceRest();
        String productId = sf.create("Product2", "{\"Name\":\"Ordered Widget\",\"ProductCode\":\"CAT-4\","
                + "\"IsActive\":true,\"Clarity_Product_Key__c\":\"CAT-4\"}");
        String entryId = sf.create("PricebookEntry", "{\"Pricebook2Id\":\"" + stack.salesforce.standardPricebookId()
                + "\",\"Product2Id\":\"" + productId + "\",\"UnitPrice\":1,\"IsActive\":true}");

        stack.clarity.products().createProduct("CAT-4", "Ordered Widget", new BigDecimal("55.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(entries("CAT-4"), "CAT-4|standard", "55.00", true));
        assertThat(entries("CAT-4").get("CAT-4|standard").path("Id").asText()).isEqualTo(entryId);
        assertThat(sf.query("SELECT Id FROM PricebookEntry WHERE Product2Id = '" + productId + "'")).hasSize(1);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aProductClarityHasNoPriceForIsWrittenWithoutEntries() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of("clarity-product-to-salesforce", true)));
        // Created through the CEF API, as an integration would: the sandbox's pricing provider knows no price for it.
        new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password()).post(
                "/Products/Product/Create", "{\"CustomKey\":\"CAT-3\",\"Name\":\"Unpriced Widget\",\"UnitOfMeasure\":\"EA\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> product("CAT-3").size() == 1);
        assertThat(product("CAT-3").getFirst().path("IsActive").asBoolean()).isTrue();
        assertThat(entries("CAT-3")).isEmpty();
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aCustomPriceBookNamingAnUnknownPriceDeadLettersTheProductWithTheReason() throws IOException {
        Path flows = flowsWithMsrpPricebook();
        Files.writeString(flows.resolve("tables/clarity-pricebooks.yaml"), "VIP: { name: \"VIP\", price: VipPrice }\n");
        stack = TandemStack.start(dir, new TandemConfig.Flows(flows, Map.of("clarity-product-to-salesforce", true)));
        stack.clarity.products().createProduct("CAT-5", "Misconfigured Widget", new BigDecimal("5.00"));

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore().deadLetterCount() == 1);
        var dead = stack.tandem().stateStore().deadLetters(10).getFirst();
        assertThat(dead.errorCode()).isEqualTo("MAPPING_ERROR");
        assertThat(dead.errorMessage()).contains("price 'VipPrice' is not BasePrice, SalePrice or MsrpPrice");
        assertThat(product("CAT-5")).as("nothing written: the group is all or nothing").isEmpty();
    }

    /**
     * A flows.dir holding a copy of the shipped product flow whose Description is mastered by {@code policy} (null:
     * as shipped).
     */
    private Path flowsWithDescriptionPolicy(String policy) throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows-" + (policy == null ? "shipped" : policy)));
        Files.createDirectories(flows.resolve("tables"));
        for (String file : List.of("clarity-product-to-salesforce.yaml", "clarity-product-to-salesforce.jsonata",
                "clarity-product.example.json", "tables/clarity-pricebooks.yaml")) {
            try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                Files.writeString(flows.resolve(file), policy == null ? text : text.replaceFirst(
                        "Description: \\{ source: Description[^}]*}",
                        "Description: { source: Description, master: " + policy + " }"));
            }
        }
        return flows;
    }

    /** A sales rep edits the Description in Salesforce, then a merchandiser edits it in Clarity. */
    private String descriptionAfterBothEdit(String policy) throws IOException {
        stack = TandemStack.start(dir, new TandemConfig.Flows(flowsWithDescriptionPolicy(policy),
                Map.of("clarity-product-to-salesforce", true)));
        RecordRef created = stack.clarity.products().createProduct("CAT-6", "Described Widget", new BigDecimal("9.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(entries("CAT-6"), "CAT-6|standard", "9.00", true));
        String productId = product("CAT-6").getFirst().path("Id").asText();
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Product2", productId, "{\"Description\":\"Written by the rep.\"}");
        stack.salesforce.changeAsUser(null);

        stack.clarity.products().changeDescription(created.id(), "Written by the merchandiser.");
        // The same event carries a new price, so the write that follows it is observable either way.
        stack.clarity.products().changePrice(created.id(), new BigDecimal("10.00"));
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(entries("CAT-6"), "CAT-6|standard", "10.00", true));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        return product("CAT-6").getFirst().path("Description").asText();
    }

    @Test
    void asShippedSalesforceMastersTheDescriptionAndKeepsTheRepsEditWhenClarityChangesItToo() throws IOException {
        assertThat(descriptionAfterBothEdit(null)).isEqualTo("Written by the rep.");
    }

    @Test
    void aCopyWhereClarityMastersTheDescriptionOverwritesTheRepsEdit() throws IOException {
        assertThat(descriptionAfterBothEdit("clarity-wins")).isEqualTo("Written by the merchandiser.");
    }
}
