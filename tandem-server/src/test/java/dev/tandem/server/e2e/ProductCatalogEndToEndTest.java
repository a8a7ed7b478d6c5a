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
                "clarity-product.example.json", "tables/clarity-currencies.yaml")) {
            try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
                Files.copy(in, flows.resolve(file));
            }
        }
        Files.writeString(flows.resolve("tables/clarity-pricebooks.yaml"),
                "MSRP: { name: \"Clarity MSRP\", price: MsrpPrice }\n");
        return flows;
    }

    /**
     * A copy of the shipped product flow for a multi-currency org (corporate USD): a euro price book for the European
     * store (base price at 0.9), a pound price book for every store (MSRP at 0.8), and the MSRP in dollars.
     */
    private Path flowsWithCurrencyAndStorePricebooks() throws IOException {
        Path flows = flowsWithMsrpPricebook();
        Files.writeString(flows.resolve("tables/clarity-pricebooks.yaml"), """
                MSRP: { name: "Clarity MSRP", price: MsrpPrice }
                EU:   { name: "Clarity Europe", currency: EUR, store: STORE-EU }
                UK:   { name: "Clarity UK MSRP", price: MsrpPrice, currency: GBP }
                """);
        Files.writeString(flows.resolve("tables/clarity-currencies.yaml"), "EUR: { rate: 0.9 }\nGBP: { rate: 0.8 }\n");
        return flows;
    }

    /** Every entry of the product by Clarity_Price_Key__c, with its currency. */
    private Map<String, JsonNode> currencyEntries(String productId) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        for (JsonNode e : stack.salesforceRest().query("SELECT Id, UnitPrice, IsActive, Pricebook2Id, CurrencyIsoCode, "
                + "Clarity_Price_Key__c FROM PricebookEntry WHERE Product2Id = '" + productId + "'")) {
            byKey.put(e.path("Clarity_Price_Key__c").asText(), e);
        }
        return byKey;
    }

    private static boolean priced(Map<String, JsonNode> entries, String priceKey, String currency, String unitPrice,
                                  boolean active) {
        JsonNode e = entries.get(priceKey);
        return priced(entries, priceKey, unitPrice, active) && currency.equals(e.path("CurrencyIsoCode").asText());
    }

    @Test
    void inAMultiCurrencyOrgPriceBooksPerCurrencyAndStoreGetConvertedPricesAfterTheStandardPriceInTheirCurrency()
            throws IOException {
        stack = TandemStack.start(dir, b -> b.currencies(List.of("USD", "EUR", "GBP")), new TandemConfig.Flows(
                flowsWithCurrencyAndStorePricebooks(), Map.of("clarity-product-to-salesforce", true)));
        RecordRef sold = stack.clarity.products().createProduct("CUR-1", "Euro Widget", new BigDecimal("100.00"));
        stack.clarity.products().assignStores(sold.id(), List.of("STORE-WEB", "STORE-EU"));
        stack.clarity.products().createProduct("CUR-2", "Home Widget", new BigDecimal("10.00"));

        await().atMost(Duration.ofSeconds(30)).until(() -> product("CUR-1").size() == 1
                && priced(currencyEntries(product("CUR-1").getFirst().path("Id").asText()), "CUR-1|EU", "EUR", "90.00",
                        true));
        Map<String, JsonNode> entries = currencyEntries(product("CUR-1").getFirst().path("Id").asText());
        assertThat(entries.keySet()).containsExactlyInAnyOrder("CUR-1|standard", "CUR-1|standard|EUR",
                "CUR-1|standard|GBP", "CUR-1|MSRP", "CUR-1|EU", "CUR-1|UK");
        assertThat(priced(entries, "CUR-1|standard", "USD", "100.00", true)).as("corporate standard price").isTrue();
        assertThat(priced(entries, "CUR-1|standard|EUR", "EUR", "90.00", true)).as("standard in euros").isTrue();
        assertThat(priced(entries, "CUR-1|standard|GBP", "GBP", "80.00", true)).as("standard in pounds").isTrue();
        assertThat(priced(entries, "CUR-1|MSRP", "USD", "120.00", true)).isTrue();
        assertThat(priced(entries, "CUR-1|UK", "GBP", "96.00", true)).as("MSRP 120 at 0.8").isTrue();
        String standardBook = stack.salesforce.standardPricebookId();
        assertThat(entries.get("CUR-1|standard|EUR").path("Pricebook2Id").asText()).isEqualTo(standardBook);

        // Not sold in the European store: its euro entry is there but inactive; the other books are active.
        await().atMost(Duration.ofSeconds(30)).until(() -> product("CUR-2").size() == 1
                && currencyEntries(product("CUR-2").getFirst().path("Id").asText()).size() == 6);
        Map<String, JsonNode> home = currencyEntries(product("CUR-2").getFirst().path("Id").asText());
        assertThat(priced(home, "CUR-2|EU", "EUR", "9.00", false)).as("not in STORE-EU").isTrue();
        assertThat(priced(home, "CUR-2|UK", "GBP", "9.60", true)).isTrue();

        // A price change converts again; every entry follows, none is added.
        stack.clarity.products().changePrice(sold.id(), new BigDecimal("50.00"));
        String soldId = product("CUR-1").getFirst().path("Id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(currencyEntries(soldId), "CUR-1|EU", "EUR", "45.00",
                true) && priced(currencyEntries(soldId), "CUR-1|UK", "GBP", "48.00", true)
                && priced(currencyEntries(soldId), "CUR-1|standard|EUR", "EUR", "45.00", true));
        assertThat(currencyEntries(soldId)).hasSize(6);

        // Taken out of the European store: the euro entry goes inactive.
        stack.clarity.products().assignStores(sold.id(), List.of("STORE-WEB"));
        await().atMost(Duration.ofSeconds(30)).until(() -> priced(currencyEntries(soldId), "CUR-1|EU", "EUR", "45.00",
                false));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aPriceBookNamingACurrencyWithoutARateDeadLettersTheProductWithTheReason() throws IOException {
        Path flows = flowsWithCurrencyAndStorePricebooks();
        Files.writeString(flows.resolve("tables/clarity-currencies.yaml"), "EUR: { rate: 0.9 }\n");
        stack = TandemStack.start(dir, b -> b.currencies(List.of("USD", "EUR", "GBP")), new TandemConfig.Flows(
                flows, Map.of("clarity-product-to-salesforce", true)));
        stack.clarity.products().createProduct("CUR-3", "Pound Widget", new BigDecimal("5.00"));

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore().deadLetterCount() == 1);
        var dead = stack.tandem().stateStore().deadLetters(10).getFirst();
        assertThat(dead.errorCode()).isEqualTo("MAPPING_ERROR");
        assertThat(dead.errorMessage()).contains("currency 'GBP' is not in tables/clarity-currencies.yaml");
        assertThat(product("CUR-3")).as("nothing written: the group is all or nothing").isEmpty();
    }

    @Test
    void anOrderInAMultiCurrencyOrgUsesTheCorporateStandardEntryNotACurrencyOne() throws IOException {
        stack = TandemStack.start(dir, b -> b.currencies(List.of("USD", "EUR", "GBP")), new TandemConfig.Flows(
                flowsWithCurrencyAndStorePricebooks(), Map.of("clarity-product-to-salesforce", true)));
        // The product flow writes every product's entries (the euro and pound standard ones too) before orders come
        // (the sandbox's catalogue has IDs from 301).
        int products = stack.clarity.products().count();
        for (int id = 301; id < 301 + products; id++) {
            stack.clarity.products().changePrice(id, new BigDecimal("20.00"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.salesforceRest().query(
                "SELECT Id FROM PricebookEntry WHERE CurrencyIsoCode = 'GBP' AND Pricebook2Id = '"
                        + stack.salesforce.standardPricebookId() + "'").size() == products);

        for (int i = 0; i < 3; i++) {
            stack.clarity.orders().createRandomOrder(dev.tandem.sandbox.clarity.BadData.NONE);
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.salesforceRest().query(
                "SELECT Id FROM Order WHERE Clarity_Order_Key__c != null").size() == 3);
        await().atMost(Duration.ofSeconds(30)).until(() -> !stack.salesforceRest().query(
                "SELECT Id FROM OrderItem").isEmpty());
        for (JsonNode line : stack.salesforceRest().query("SELECT Id, CurrencyIsoCode FROM OrderItem")) {
            assertThat(line.path("CurrencyIsoCode").asText()).isEqualTo("USD");
        }
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
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
                "clarity-product.example.json", "tables/clarity-pricebooks.yaml", "tables/clarity-currencies.yaml")) {
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
