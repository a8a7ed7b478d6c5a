package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stock in real time (issue 11, items 2 and 7) on both sandboxes through {@code TandemServer} with the shipped flow
 * {@code clarity-inventory-to-salesforce}: a burst of 1,000 {@code Inventory.Changed} webhooks over 50 products (in
 * their one to three warehouses each) ends with every Product2's {@code Clarity_Quantity_On_Hand__c} equal to
 * Clarity's stock on hand, written in a small number of Salesforce calls: changes of one product coalesce to its last
 * state, and products are written 200 to an sObject Collections request.
 */
class InventoryBurstEndToEndTest {

    /** 50 products of at most 200 records each batch: one request per batch; asserted as an upper bound. */
    static final int MAX_SALESFORCE_CALLS_PER_BURST = 20;

    @TempDir
    Path dir;
    private TandemStack stack;
    /** The test's own Salesforce queries, which the sandbox counts with Tandem's. */
    private final AtomicLong ownCalls = new AtomicLong();

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private TandemStack start(TandemConfig.Flows flows) {
        return TandemStack.start(dir, ClaritySandbox.builder().port(0).seed(7).products(50)
                .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)),
                TandemConfig.Ingest.WEBHOOK, flows);
    }

    /** Salesforce's quantity on hand by Clarity product key (one query: 50 rows fit one page). */
    private Map<String, BigDecimal> salesforceStock() {
        ownCalls.incrementAndGet();
        Map<String, BigDecimal> stock = new HashMap<>();
        for (JsonNode p : stack.salesforceRest().query(
                "SELECT Clarity_Product_Key__c, Clarity_Quantity_On_Hand__c FROM Product2")) {
            JsonNode q = p.path("Clarity_Quantity_On_Hand__c");
            stock.put(p.path("Clarity_Product_Key__c").asText(), q.isNumber() ? q.decimalValue() : null);
        }
        return stock;
    }

    private Map<String, BigDecimal> clarityStock(List<ProductModel> products) {
        Map<String, BigDecimal> stock = new HashMap<>();
        for (ProductModel p : products) {
            stock.put(p.customKey(), stack.clarity.inventory().calculate(p.id()).quantityOnHand());
        }
        return stock;
    }

    private static boolean same(Map<String, BigDecimal> clarity, Map<String, BigDecimal> salesforce) {
        return clarity.entrySet().stream().allMatch(e -> salesforce.get(e.getKey()) != null
                && salesforce.get(e.getKey()).compareTo(e.getValue()) == 0);
    }

    /** 1,000 stock changes over the products' stock rows, in a seeded random order, as fast as Clarity takes them. */
    private void burst(List<ProductModel> products, int changes) {
        Random random = new Random(11);
        for (int i = 0; i < changes; i++) {
            ProductModel p = products.get(random.nextInt(products.size()));
            List<ProductInventoryLocationSectionModel> rows = stack.clarity.inventory().stockOf(p.id());
            ProductInventoryLocationSectionModel row = rows.get(random.nextInt(rows.size()));
            stack.clarity.inventory().setQuantity(p.id(), row.inventoryLocationSectionInventoryLocationId(),
                    new BigDecimal(random.nextInt(500)).add(row.quantityAllocated() == null ? BigDecimal.ZERO
                            : row.quantityAllocated()));
        }
    }

    @Test
    void aBurstOfOneThousandChangesOverFiftyProductsEndsWithClaritysQuantitiesInFewSalesforceCalls() {
        stack = start(new TandemConfig.Flows(null, Map.of("clarity-inventory-to-salesforce", true)));
        List<ProductModel> products = stack.clarity.store().products().all();
        assertThat(products).hasSize(50);
        assertThat(products.stream().mapToInt(p -> stack.clarity.inventory().stockOf(p.id()).size()).sum())
                .as("products stocked in several locations, so one product's changes come from several rows")
                .isGreaterThan(50);
        long before = stack.salesforce.apiRequestCount();

        burst(products, 1000);

        Map<String, BigDecimal> expected = clarityStock(products);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> same(expected, salesforceStock()));
        // Writes of events read before the values matched may still be under way: count once Tandem has settled
        // every event it received (its flows' committed offsets at the log's end).
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var status = stack.tandem().status();
            return status.received() >= 1000 && status.settled() == status.received() && status.retrying() == 0;
        });
        long tandemCalls = stack.salesforce.apiRequestCount() - before - ownCalls.get();
        System.out.println("inventory burst: 1000 changes over 50 products, Salesforce API calls by Tandem: " + tandemCalls);
        assertThat(tandemCalls).isBetween(1L, (long) MAX_SALESFORCE_CALLS_PER_BURST);
        assertThat(salesforceStock()).as("one Product2 per Clarity product").hasSize(50);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void perLocationRecordsAndCountedLocationsFollowTheFlowsOptions() throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        for (String file : List.of("clarity-inventory-to-salesforce.yaml", "clarity-inventory-to-salesforce.jsonata",
                "clarity-inventory.example.json")) {
            try (InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
                String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                Files.writeString(flows.resolve(file), text.replace("perLocation: \"off\"", "perLocation: \"on\""));
            }
        }
        stack = start(new TandemConfig.Flows(flows, Map.of("clarity-inventory-to-salesforce", true)));
        ProductModel product = stack.clarity.store().products().all().stream()
                .filter(p -> stack.clarity.inventory().stockOf(p.id()).size() > 1).findFirst().orElseThrow();
        List<ProductInventoryLocationSectionModel> rows = stack.clarity.inventory().stockOf(product.id());
        for (ProductInventoryLocationSectionModel row : rows) {
            stack.clarity.inventory().setQuantity(product.id(), row.inventoryLocationSectionInventoryLocationId(),
                    new BigDecimal(40).add(row.quantityAllocated() == null ? BigDecimal.ZERO : row.quantityAllocated()));
        }
        BigDecimal total = stack.clarity.inventory().calculate(product.id()).quantityOnHand();
        String key = product.customKey();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            List<JsonNode> p = stack.salesforceRest().query("SELECT Id, Clarity_Quantity_On_Hand__c FROM Product2 "
                    + "WHERE Clarity_Product_Key__c = '" + key + "'");
            return p.size() == 1 && p.getFirst().path("Clarity_Quantity_On_Hand__c").decimalValue().compareTo(total) == 0
                    && stack.salesforceRest().query("SELECT Id FROM Clarity_Inventory__c WHERE Product__c = '"
                    + p.getFirst().path("Id").asText() + "'").size() == rows.size();
        });
        for (ProductInventoryLocationSectionModel row : rows) {
            List<JsonNode> location = stack.salesforceRest().query("SELECT Quantity__c, Clarity_Location_Key__c "
                    + "FROM Clarity_Inventory__c WHERE Clarity_Inventory_Key__c = '" + key + "@"
                    + row.inventoryLocationSectionInventoryLocationKey() + "'");
            assertThat(location).hasSize(1);
            assertThat(location.getFirst().path("Quantity__c").decimalValue()).isEqualByComparingTo("40");
        }
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void anInventoryWebhookWithoutItsProductIsRefusedAndOneForAnUnknownProductIsDeadLetteredAlone() {
        stack = start(new TandemConfig.Flows(null, Map.of("clarity-inventory-to-salesforce", true)));
        byte[] noProduct = ("{\"EventID\":\"inv-x1\",\"EventType\":\"Inventory.Changed\","
                + "\"Entity\":\"ProductInventoryLocationSection\",\"ID\":88,\"Quantity\":5}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        var refused = stack.postWebhook(noProduct, TandemStack.validSignature(noProduct));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("missing field: ProductID");

        byte[] unknown = ("{\"EventID\":\"inv-x2\",\"EventType\":\"Inventory.Changed\","
                + "\"Entity\":\"ProductInventoryLocationSection\",\"ID\":88,\"ProductID\":999999,\"Quantity\":5}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(stack.postWebhook(unknown, TandemStack.validSignature(unknown)).statusCode()).isEqualTo(202);
        ProductModel real = stack.clarity.store().products().all().getFirst();
        ProductInventoryLocationSectionModel row = stack.clarity.inventory().stockOf(real.id()).getFirst();
        stack.clarity.inventory().setQuantity(real.id(), row.inventoryLocationSectionInventoryLocationId(),
                new BigDecimal(77).add(row.quantityAllocated() == null ? BigDecimal.ZERO : row.quantityAllocated()));
        BigDecimal expected = stack.clarity.inventory().calculate(real.id()).quantityOnHand();

        await().atMost(Duration.ofSeconds(30)).until(() -> same(Map.of(real.customKey(), expected), salesforceStock()));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore().deadLetterCount() == 1);
        var dead = stack.tandem().stateStore().deadLetters(10).getFirst();
        assertThat(dead.errorCode()).isEqualTo("CLARITY_RECORD_NOT_FOUND");
        assertThat(dead.errorMessage()).contains("no Product with ID 999999");
    }

    @Test
    void stockChangesFoundByTheDeltaPollerReachSalesforceToo() {
        // No webhook: the poller reads ProductInventoryLocationSections?ModifiedSince (from the epoch, so the first
        // poll is a backfill of every stock row) and emits the same Inventory.Changed events.
        stack = TandemStack.startPolling(dir, new TandemConfig.Flows(null, Map.of("clarity-inventory-to-salesforce", true)),
                List.of(dev.tandem.clarity.model.ClarityEntity.PRODUCT_INVENTORY_LOCATION_SECTION));
        List<ProductModel> products = stack.clarity.store().products().all();
        await().atMost(Duration.ofSeconds(60)).until(() -> same(clarityStock(products), salesforceStock()));

        ProductModel product = products.get(3);
        ProductInventoryLocationSectionModel row = stack.clarity.inventory().stockOf(product.id()).getFirst();
        stack.clarity.inventory().setQuantity(product.id(), row.inventoryLocationSectionInventoryLocationId(),
                new BigDecimal(321).add(row.quantityAllocated() == null ? BigDecimal.ZERO : row.quantityAllocated()));
        Map<String, BigDecimal> expected = clarityStock(products);
        await().atMost(Duration.ofSeconds(30)).until(() -> same(expected, salesforceStock()));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }
}
