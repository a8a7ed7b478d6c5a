package dev.tandem.server.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code tandem backfill} end to end: the CLI against both sandboxes, through the shipped flow files' mappings. */
class BackfillCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private BackfillStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Set<String> keys(List<Map<String, Object>> records, String field) {
        return records.stream().map(r -> String.valueOf(r.get(field))).collect(Collectors.toSet());
    }

    @Test
    void customersBecomeAccountsAndContactsLinkedByTheirKeysWithTheIdMapFilled() throws Exception {
        stack = new BackfillStack(dir, 120, 0);
        Path report = dir.resolve("report.json");

        BackfillStack.Run r = BackfillStack.run("backfill", "customers", "--config", stack.config.toString(),
                "--chunk", "50", "--report", report.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        List<Map<String, Object>> contacts = stack.salesforce.records("Contact");
        List<Map<String, Object>> accounts = stack.salesforce.records("Account");
        assertThat(contacts).hasSize(120);
        assertThat(keys(contacts, "Clarity_Contact_Key__c")).hasSize(120);
        // Every Contact points at the Account its Clarity customer has (the relationship column by external id).
        Map<String, Object> accountIdByKey = accounts.stream().collect(Collectors.toMap(
                a -> String.valueOf(a.get("Clarity_Account_Key__c")), a -> a.get("Id")));
        assertThat(contacts).allSatisfy(c -> assertThat(accountIdByKey).containsValue(c.get("AccountId")));
        assertThat(contacts).allSatisfy(c -> assertThat(String.valueOf(c.get("LastName"))).isNotBlank());
        JsonNode summary = JSON.readTree(Files.readString(report)).path("objects").get(0);
        assertThat(summary.path("status").asText()).isEqualTo("complete");
        assertThat(summary.path("read").asLong()).isEqualTo(120);
        assertThat(summary.path("written").asLong()).isEqualTo(120);
        assertThat(summary.path("failed").asLong()).isZero();
        assertThat(summary.path("bulkJobs").asLong()).isEqualTo(2 * 3); // Account and Contact for each of 3 chunks
        // Where the time went: the Bulk jobs (their polls alone take a tenth of a second each) and the rest. Two
        // chunks are in flight at once (one mapped while the other's jobs run), so their Bulk time adds up to at most
        // twice the run's.
        assertThat(summary.path("secondsIn").properties()).extracting(Map.Entry::getKey)
                .containsExactly("clarityPages", "duplicateMatch", "bulkJobs", "rest");
        assertThat(summary.path("secondsIn").path("bulkJobs").asDouble()).isPositive()
                .isLessThanOrEqualTo(2 * summary.path("seconds").asDouble());
        assertThat(r.out()).contains("customers: complete", "read 120", "written 120");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().countIds("Contact")).isEqualTo(120);
            contacts.forEach(c -> assertThat(stores.stateStore()
                    .targetId("Contact", String.valueOf(c.get("Clarity_Contact_Key__c")))).contains(
                    String.valueOf(c.get("Id"))));
            assertThat(stores.backfillCheckpoints().checkpoint("customers").orElseThrow().complete()).isTrue();
        }
    }

    @Test
    void aDryRunMapsEverythingAndWritesNothing() throws Exception {
        stack = new BackfillStack(dir, 40, 0);
        Path report = dir.resolve("dry.json");

        BackfillStack.Run r = BackfillStack.run("backfill", "customers", "--dry-run", "--config",
                stack.config.toString(), "--report", report.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("dry run: nothing written", "read 40");
        assertThat(stack.salesforce.records("Contact")).isEmpty();
        assertThat(stack.salesforce.records("Account")).isEmpty();
        JsonNode summary = JSON.readTree(Files.readString(report)).path("objects").get(0);
        assertThat(summary.path("rows").path("Contact").asLong()).isEqualTo(40);
        assertThat(summary.path("bulkJobs").asLong()).isZero();
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().countIds("Contact")).isZero();
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).isEmpty();
            assertThat(stores.stateStore().deadLetterCount()).isZero();
        }
    }

    @Test
    void customersWithoutALastNameAreDeadLetteredAndTheRestIsWritten() {
        stack = new BackfillStack(dir, dev.tandem.sandbox.clarity.ClaritySandbox.builder().port(0).seed(5)
                .customers(150).products(10).edgeCaseRate(0.3));

        BackfillStack.Run r = BackfillStack.run("backfill", "customers", "--config", stack.config.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(1); // records were dead-lettered
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            long dead = stores.stateStore().deadLetterCount();
            assertThat(dead).isPositive();
            assertThat(stack.salesforce.records("Contact").size() + dead).isEqualTo(150);
            assertThat(stores.stateStore().deadLetters(500)).allSatisfy(d -> {
                assertThat(d.flow()).isEqualTo("clarity-customer-to-salesforce");
                assertThat(d.eventOffset()).isPositive(); // its event is in the log: tandem dlq retry works on it
            });
        }
    }

    @Test
    void ordersAfterCustomersWithAllInDependencyOrder() {
        stack = new BackfillStack(dir, 30, 25);

        BackfillStack.Run r = BackfillStack.run("backfill", "all", "--config", stack.config.toString());

        assertThat(r.out()).contains("customers: complete", "products: complete", "orders: complete");
        assertThat(r.out().indexOf("customers: complete")).isLessThan(r.out().indexOf("orders: complete"));
        assertThat(r.out().indexOf("products: complete")).isLessThan(r.out().indexOf("orders: complete"));
        List<Map<String, Object>> orders = stack.salesforce.records("Order");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(orders.size() + stores.stateStore().deadLetterCount()).isEqualTo(25);
            assertThat(stores.stateStore().countIds("Order")).isEqualTo(orders.size());
        }
        assertThat(orders).isNotEmpty();
        assertThat(keys(orders, "Clarity_Order_Key__c")).hasSize(orders.size());
        assertThat(stack.salesforce.records("OrderItem")).isNotEmpty()
                .allSatisfy(i -> assertThat(keys(orders, "Id")).contains(String.valueOf(i.get("OrderId"))));
    }

    @Test
    void productsOfAMultiCurrencyOrgGetTheirCurrencyAndStorePriceBooksThroughBulk() throws Exception {
        stack = new BackfillStack(dir, dev.tandem.sandbox.clarity.ClaritySandbox.builder().port(0).seed(11)
                .customers(5).products(30), b -> b.currencies(List.of("USD", "EUR")));
        List<dev.tandem.sandbox.clarity.model.ProductModel> selling = stack.clarity.store().products().all().stream()
                .filter(p -> p.active() && !p.isDiscontinued()).toList();
        int soldId = selling.get(0).id();
        int otherId = selling.get(1).id();
        stack.clarity.products().assignStores(soldId, List.of("STORE-EU"));
        Path flows = Files.createDirectories(dir.resolve("flows/tables"));
        for (String file : List.of("clarity-product-to-salesforce.yaml", "clarity-product-to-salesforce.jsonata",
                "clarity-product.example.json")) {
            try (java.io.InputStream in = getClass().getResourceAsStream("/flows/" + file)) {
                Files.copy(in, flows.getParent().resolve(file));
            }
        }
        Files.writeString(flows.resolve("clarity-pricebooks.yaml"),
                "EU: { name: \"Clarity Europe\", currency: EUR, store: STORE-EU }\n");
        Files.writeString(flows.resolve("clarity-currencies.yaml"), "EUR: { rate: 0.5 }\n");
        Files.writeString(stack.config, Files.readString(stack.config) + "flows:\n  dir: " + flows.getParent() + "\n");

        BackfillStack.Run r = BackfillStack.run("backfill", "products", "--config", stack.config.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        int products = stack.clarity.store().products().size();
        List<Map<String, Object>> entries = stack.salesforce.records("PricebookEntry");
        // Per product: the corporate standard entry, the standard one in euros, and the euro book's entry.
        assertThat(entries).hasSize(3 * products);
        Map<String, Map<String, Object>> byKey = entries.stream().collect(Collectors.toMap(
                e -> String.valueOf(e.get("Clarity_Price_Key__c")), e -> e));
        String sku = stack.clarity.store().products().byId(soldId).orElseThrow().customKey();
        BigDecimal base = new BigDecimal(String.valueOf(byKey.get(sku + "|standard").get("UnitPrice")));
        assertThat(byKey.get(sku + "|standard").get("CurrencyIsoCode")).isEqualTo("USD");
        assertThat(byKey.get(sku + "|standard|EUR").get("CurrencyIsoCode")).isEqualTo("EUR");
        assertThat(new BigDecimal(String.valueOf(byKey.get(sku + "|EU").get("UnitPrice"))))
                .isEqualByComparingTo(base.multiply(new BigDecimal("0.5")).setScale(2, java.math.RoundingMode.HALF_UP));
        assertThat(byKey.get(sku + "|EU").get("IsActive")).as("sold in STORE-EU").isEqualTo(true);
        String other = stack.clarity.store().products().byId(otherId).orElseThrow().customKey();
        assertThat(byKey.get(other + "|EU").get("IsActive")).as("not sold in STORE-EU").isEqualTo(false);
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().deadLetterCount()).isZero();
        }
    }

    @Test
    void productsGoThroughTheProductFlow() {
        stack = new BackfillStack(dir, 5, 0);

        BackfillStack.Run r = BackfillStack.run("backfill", "products", "--config", stack.config.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        int products = stack.clarity.store().products().size();
        List<Map<String, Object>> product2 = stack.salesforce.records("Product2");
        assertThat(product2).hasSize(products);
        assertThat(keys(product2, "Clarity_Product_Key__c")).hasSize(products);
        assertThat(stack.salesforce.records("PricebookEntry")).hasSize(products)
                .allSatisfy(e -> assertThat(keys(product2, "Id")).contains(String.valueOf(e.get("Product2Id"))));
        assertThat(r.out()).contains("products: complete");

        // again: every product upserted by its key, nothing duplicated
        BackfillStack.Run again = BackfillStack.run("backfill", "products", "--config", stack.config.toString());
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(stack.salesforce.records("Product2")).hasSize(products);
    }

    @Test
    void inventoryGoesThroughTheStockFlowAfterProducts() {
        stack = new BackfillStack(dir, 5, 0);

        BackfillStack.Run products = BackfillStack.run("backfill", "products", "--config", stack.config.toString());
        assertThat(products.exitCode()).as(products.out() + products.err()).isZero();
        BackfillStack.Run r = BackfillStack.run("backfill", "inventory", "--config", stack.config.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("inventory: complete");
        // every product's quantity on hand in Salesforce is Clarity's sum over its stock rows
        for (var product : stack.clarity.store().products().all()) {
            double onHand = stack.clarity.store().productInventoryLocationSections().all().stream()
                    .filter(s -> s.masterId() == product.id())
                    .mapToDouble(s -> (s.quantity() == null ? 0 : s.quantity().doubleValue())
                            - (s.quantityAllocated() == null ? 0 : s.quantityAllocated().doubleValue()))
                    .sum();
            Map<String, Object> p = stack.salesforce.records("Product2").stream()
                    .filter(x -> product.customKey().equals(x.get("Clarity_Product_Key__c"))).findFirst().orElseThrow();
            assertThat(((Number) p.get("Clarity_Quantity_On_Hand__c")).doubleValue()).as(product.customKey())
                    .isEqualTo(onHand);
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsRead() {
        stack = new BackfillStack(dir, 5, 0);
        String cfg = stack.config.toString();

        BackfillStack.Run unknown = BackfillStack.run("backfill", "invoices", "--config", cfg);
        BackfillStack.Run badDate = BackfillStack.run("backfill", "customers", "--since", "last tuesday", "--config", cfg);
        BackfillStack.Run future = BackfillStack.run("backfill", "customers", "--since", "2999-01-01", "--config", cfg);
        BackfillStack.Run chunk = BackfillStack.run("backfill", "customers", "--chunk", "20000", "--config", cfg);
        BackfillStack.Run reportDir = BackfillStack.run("backfill", "customers", "--report",
                dir.resolve("no/such/dir/r.json").toString(), "--config", cfg);

        assertThat(unknown.exitCode()).isEqualTo(64);
        assertThat(unknown.err()).contains("unknown object 'invoices'", "customers, products, orders, inventory or all");
        assertThat(badDate.exitCode()).isEqualTo(64);
        assertThat(badDate.err()).contains("--since 'last tuesday' is not a date");
        assertThat(future.exitCode()).isEqualTo(64);
        assertThat(future.err()).contains("in the future");
        assertThat(chunk.exitCode()).isEqualTo(64);
        assertThat(reportDir.exitCode()).isEqualTo(64);
        assertThat(List.of(unknown, badDate, future, chunk, reportDir)).allSatisfy(r ->
                assertThat(r.err()).doesNotContain("Exception"));
        assertThat(stack.salesforce.records("Contact")).isEmpty();
    }

    @Test
    void sinceLoadsOnlyRecordsChangedSinceThenAndADryRunOfItCountsThemWritingNothing() throws Exception {
        stack = new BackfillStack(dir, 20, 0);
        // A whole second after the store was generated (the CLI takes seconds), then three customers change.
        java.time.Instant since = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> java.time.Instant.now().isAfter(since));
        List<dev.tandem.sandbox.clarity.model.UserModel> users = stack.clarity.store().users().all();
        Set<String> changed = Set.of(users.get(2).contactKey(), users.get(7).contactKey(), users.get(15).contactKey());
        for (int i : List.of(2, 7, 15)) {
            stack.clarity.customers().updatePhone(users.get(i).id(), "+1 512 555 01" + (10 + i));
        }
        Path dryReport = dir.resolve("since-dry.json");

        BackfillStack.Run dry = BackfillStack.run("backfill", "customers", "--since", since.toString(), "--dry-run",
                "--config", stack.config.toString(), "--report", dryReport.toString());
        assertThat(dry.exitCode()).as(dry.out() + dry.err()).isZero();
        assertThat(dry.out()).contains("read 3");
        assertThat(JSON.readTree(Files.readString(dryReport)).path("objects").get(0).path("rows").path("Contact")
                .asLong()).isEqualTo(3);
        assertThat(stack.salesforce.records("Contact")).isEmpty();

        BackfillStack.Run r = BackfillStack.run("backfill", "customers", "--since", since.toString(), "--config",
                stack.config.toString());
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("read 3", "written 3");
        assertThat(keys(stack.salesforce.records("Contact"), "Clarity_Contact_Key__c")).isEqualTo(changed);

        // A --since after the last change: nothing to read.
        java.time.Instant later = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                .plusSeconds(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> java.time.Instant.now().isAfter(later));
        BackfillStack.Run none = BackfillStack.run("backfill", "customers", "--since", later.toString(),
                "--config", stack.config.toString());
        assertThat(none.exitCode()).as(none.out() + none.err()).isZero();
        assertThat(none.out()).contains("read 0");
    }

    @Test
    void aDryRunRefusesBadArgumentsAsARealRunDoes() {
        stack = new BackfillStack(dir, 5, 0);
        String cfg = stack.config.toString();

        BackfillStack.Run unknown = BackfillStack.run("backfill", "invoices", "--dry-run", "--config", cfg);
        BackfillStack.Run badDate = BackfillStack.run("backfill", "customers", "--dry-run", "--since", "2026-02-30",
                "--config", cfg);
        BackfillStack.Run noZone = BackfillStack.run("backfill", "all", "--dry-run", "--since", "2026-01-31T08:00",
                "--config", cfg);

        assertThat(List.of(unknown, badDate, noZone)).allSatisfy(r -> {
            assertThat(r.exitCode()).isEqualTo(64);
            assertThat(r.err()).doesNotContain("Exception");
        });
        assertThat(unknown.err()).contains("unknown object 'invoices'");
        assertThat(badDate.err()).contains("--since '2026-02-30' is not a date");
        assertThat(noZone.err()).contains("--since '2026-01-31T08:00' is not a date");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).isEmpty();
        }
    }

    @Test
    void anUnreachableSalesforceIsAConfigurationErrorNotDeadLetters() throws Exception {
        stack = new BackfillStack(dir, 20, 0);
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path cfg = stack.writeConfig(dir.resolve("unreachable.yaml"),
                "http://127.0.0.1:" + closedPort + "/services/oauth2/token");

        BackfillStack.Run r = BackfillStack.run("backfill", "customers", "--config", cfg.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("customers stopped", "could not be reached", "run the same command again");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().deadLetterCount()).isZero();
            assertThat(stores.backfillCheckpoints().checkpoint("customers")).isEmpty();
        }
    }

    @Test
    void refusedSalesforceCredentialsAreAConfigurationErrorNotDeadLetters() throws Exception {
        stack = new BackfillStack(dir, 20, 0);
        Path cfg = Files.writeString(dir.resolve("wrong.yaml"), Files.readString(stack.config)
                .replace("clientSecret: " + stack.salesforce.clientSecret(), "clientSecret: not-the-secret"));

        BackfillStack.Run r = BackfillStack.run("backfill", "customers", "--config", cfg.toString());

        assertThat(r.exitCode()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains("refused the credentials");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().deadLetterCount()).isZero();
        }
    }

    @Test
    void skippingTheDuplicateMatchWritesTheSameRecordsWithFewerApiCalls() throws Exception {
        stack = new BackfillStack(dir.resolve("a"), 60, 0);
        Files.createDirectories(dir.resolve("b"));
        Path matched = dir.resolve("matched.json");
        Path skipped = dir.resolve("skipped.json");
        BackfillStack.Run withMatch = BackfillStack.run("backfill", "customers", "--config", stack.config.toString(),
                "--report", matched.toString());
        try (BackfillStack other = new BackfillStack(dir.resolve("b"), 60, 0)) {
            BackfillStack.Run without = BackfillStack.run("backfill", "customers", "--skip-duplicate-match",
                    "--config", other.config.toString(), "--report", skipped.toString());

            assertThat(withMatch.exitCode()).as(withMatch.out() + withMatch.err()).isZero();
            assertThat(without.exitCode()).as(without.out() + without.err()).isZero();
            assertThat(keys(other.salesforce.records("Contact"), "Clarity_Contact_Key__c"))
                    .isEqualTo(keys(stack.salesforce.records("Contact"), "Clarity_Contact_Key__c")).hasSize(60);
        }
        long callsWith = JSON.readTree(Files.readString(matched)).path("objects").get(0).path("apiCalls").asLong();
        long callsWithout = JSON.readTree(Files.readString(skipped)).path("objects").get(0).path("apiCalls").asLong();
        assertThat(callsWithout).isLessThan(callsWith);
    }
}
