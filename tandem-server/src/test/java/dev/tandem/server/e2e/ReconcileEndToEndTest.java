package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.cli.Main;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code tandem reconcile} (issue 11 item 5) against both sandboxes, with {@code tandem server} running on the same
 * store: after a backfill the two systems agree (no drift: the mapping's formatting is not drift); drift injected
 * directly into either sandbox is found exactly, and {@code --repair} makes the running server write it again through
 * the normal flows, after which reconcile reports nothing (but the record deleted in Clarity: Tandem never deletes in
 * Salesforce).
 */
class ReconcileEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;
    private Path config;

    record Run(int exit, String out, String err) {
    }

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** A tandem.yaml for the command line: the running server's store and both sandboxes. */
    private Path writeConfig(String tokenUrl, String clientSecret, Set<String> flows) throws IOException {
        StringBuilder enabled = new StringBuilder();
        flows.forEach(f -> enabled.append("    ").append(f).append(": true\n"));
        return Files.writeString(dir.resolve("tandem-" + Math.abs((tokenUrl + clientSecret).hashCode()) + ".yaml"), """
                store:
                  path: %s
                clarity:
                  baseUrl: %s
                  username: %s
                  password: %s
                  webhook:
                    secrets: [ "%s" ]
                salesforce:
                  tokenUrl: %s
                  clientId: %s
                  clientSecret: %s
                flows:
                  enabled:
                %s""".formatted(dir.resolve("tandem.db"), stack.clarity.baseUrl(), stack.clarity.user(),
                stack.clarity.password(), TandemStack.WEBHOOK_SECRET, tokenUrl, stack.salesforce.clientId(),
                clientSecret, enabled));
    }

    private void startWith(Set<String> flows) throws IOException {
        Map<String, Boolean> on = new java.util.LinkedHashMap<>();
        flows.forEach(f -> on.put(f, true));
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, on));
        config = writeConfig(stack.salesforce.tokenUrl(), stack.salesforce.clientSecret(), flows);
    }

    private JsonNode reconcile(String object, String... more) throws IOException {
        Path report = dir.resolve(object + "-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of("reconcile", object, "--config", config.toString(), "--report",
                report.toString()));
        args.addAll(List.of(more));
        Run r = cli(args.toArray(String[]::new));
        assertThat(r.exit()).as(r.out() + r.err()).isIn(0, 1);
        JsonNode body = JSON.readTree(Files.readString(report)).path("objects").get(0);
        assertThat(r.exit()).as("exit 1 exactly when there is drift: " + r.out())
                .isEqualTo(body.path("differences").isEmpty() ? 0 : 1);
        return body;
    }

    /** The differences of a report as "KIND entity key field", sorted. */
    private static Set<String> differences(JsonNode result) {
        Set<String> out = new TreeSet<>();
        for (JsonNode d : result.path("differences")) {
            out.add(d.path("kind").asText() + " " + d.path("entity").asText() + " " + d.path("key").asText()
                    + (d.path("field").isNull() ? "" : " " + d.path("field").asText()));
        }
        return out;
    }

    private Map<String, Object> product2(String key) {
        return stack.salesforce.records("Product2").stream().filter(p -> key.equals(p.get("Clarity_Product_Key__c")))
                .findFirst().orElseThrow();
    }

    private Map<String, Object> entry(String priceKey) {
        return stack.salesforce.records("PricebookEntry").stream()
                .filter(p -> priceKey.equals(p.get("Clarity_Price_Key__c"))).findFirst().orElseThrow();
    }

    @Test
    void injectedCatalogDriftIsFoundExactlyAndRepairedThroughTheRunningServer() throws IOException {
        startWith(Set.of("clarity-product-to-salesforce", "clarity-inventory-to-salesforce"));
        stack.stopTandem(); // the backfill needs the store to itself
        Run loadProducts = cli("backfill", "products", "--config", config.toString());
        assertThat(loadProducts.exit()).as(loadProducts.out() + loadProducts.err()).isZero();
        Run loadStock = cli("backfill", "inventory", "--config", config.toString());
        assertThat(loadStock.exit()).as(loadStock.out() + loadStock.err()).isZero();
        stack.startTandem();

        JsonNode clean = reconcile("products");
        assertThat(differences(clean)).as("after the load the two agree").isEmpty();
        assertThat(clean.path("compared").path("Product2").asLong()).as(clean.toString()).isEqualTo(stack.clarity.products().count());
        assertThat(clean.path("compared").path("PricebookEntry").asLong()).isPositive();
        assertThat(differences(reconcile("inventory"))).isEmpty();

        var products = stack.clarity.store().products().all();
        var gone = products.get(0);       // deleted in Clarity
        var repriced = products.get(1);   // price changed in Salesforce
        var restocked = products.get(2);  // quantity changed in Salesforce
        var missing = products.get(3);    // deleted in Salesforce
        SalesforceRest sf = stack.salesforceRest();
        String entryKey = repriced.customKey() + "|standard";
        BigDecimal price = new BigDecimal(String.valueOf(entry(entryKey).get("UnitPrice")));
        sf.update("PricebookEntry", String.valueOf(entry(entryKey).get("Id")),
                "{\"UnitPrice\": " + price.add(BigDecimal.TEN) + "}");
        Object quantity = product2(restocked.customKey()).get("Clarity_Quantity_On_Hand__c");
        sf.update("Product2", String.valueOf(product2(restocked.customKey()).get("Id")),
                "{\"Clarity_Quantity_On_Hand__c\": 987654}");
        sf.delete("Product2", String.valueOf(product2(missing.customKey()).get("Id")));
        new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password())
                .delete("/Products/Product/Delete/ID/" + gone.id());

        JsonNode drift = reconcile("products");
        assertThat(differences(drift)).containsExactlyInAnyOrder(
                "FIELD PricebookEntry " + entryKey + " UnitPrice",
                "MISSING_IN_SALESFORCE Product2 " + missing.customKey(),
                "MISSING_IN_SALESFORCE PricebookEntry " + missing.customKey() + "|standard",
                "MISSING_IN_CLARITY Product2 " + gone.customKey(),
                "MISSING_IN_CLARITY PricebookEntry " + gone.customKey() + "|standard");
        JsonNode priceDiff = findField(drift, "UnitPrice");
        assertThat(new BigDecimal(priceDiff.path("clarityValue").asText())).isEqualByComparingTo(price);
        assertThat(new BigDecimal(priceDiff.path("salesforceValue").asText()))
                .isEqualByComparingTo(price.add(BigDecimal.TEN));
        assertThat(differences(reconcile("inventory"))).containsExactlyInAnyOrder(
                "FIELD Product2 " + restocked.customKey() + " Clarity_Quantity_On_Hand__c",
                "MISSING_IN_SALESFORCE Product2 " + missing.customKey(),
                "MISSING_IN_CLARITY Product2 " + gone.customKey());

        // The server holds the store: --repair asks it, over the admin API, to reconcile and enqueue the repairs.
        Path token = Files.writeString(dir.resolve("token"), stack.tandem().adminApi().tokens()
                .create("reconcile", dev.tandem.server.api.Role.OPERATOR).secret());
        String[] viaServer = {"--repair", "--url", stack.tandem().baseUrl().toString(), "--token-file",
                token.toString()};
        JsonNode repaired = reconcile("products", viaServer);
        assertThat(repaired.path("repair").path("enqueued").asLong()).isEqualTo(2); // the repriced and the missing
        assertThat(repaired.path("repair").path("flowEnabled").asBoolean()).isTrue();
        assertThat(repaired.path("repair").path("notRepaired").toString()).contains("missing in Clarity");
        assertThat(reconcile("inventory", viaServer).path("repair").path("enqueued").asLong()).isEqualTo(2);

        Set<String> onlyTheDeleted = Set.of("MISSING_IN_CLARITY Product2 " + gone.customKey(),
                "MISSING_IN_CLARITY PricebookEntry " + gone.customKey() + "|standard");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> differences(reconcile("products")).equals(onlyTheDeleted));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> differences(reconcile("inventory")).equals(
                        Set.of("MISSING_IN_CLARITY Product2 " + gone.customKey())));
        assertThat(new BigDecimal(String.valueOf(entry(entryKey).get("UnitPrice")))).isEqualByComparingTo(price);
        assertThat(new BigDecimal(String.valueOf(product2(restocked.customKey()).get("Clarity_Quantity_On_Hand__c"))))
                .isEqualByComparingTo(new BigDecimal(String.valueOf(quantity)));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aCustomerFieldChangedInSalesforceIsFoundThroughTheMappingAndRepaired() throws IOException {
        startWith(Set.of("clarity-customer-to-salesforce"));
        stack.stopTandem();
        Run load = cli("backfill", "customers", "--config", config.toString());
        assertThat(load.exit()).as(load.out() + load.err()).isZero();
        stack.startTandem();

        // The mapping lower-cases e-mail addresses and writes phones as E.164: Salesforce holds those forms, and
        // comparing through the same mapping finds nothing.
        JsonNode clean = reconcile("customers");
        assertThat(differences(clean)).as(clean.toString()).isEmpty();
        assertThat(clean.path("compared").path("Contact").asLong()).isPositive();

        Map<String, Object> contact = stack.salesforce.records("Contact").stream()
                .filter(c -> c.get("Email") != null).findFirst().orElseThrow();
        String key = String.valueOf(contact.get("Clarity_Contact_Key__c"));
        String email = String.valueOf(contact.get("Email"));
        stack.salesforceRest().update("Contact", String.valueOf(contact.get("Id")),
                "{\"Email\": \"changed.by.hand@example.com\"}");

        JsonNode drift = reconcile("customers");
        assertThat(differences(drift)).containsExactly("FIELD Contact " + key + " Email");
        assertThat(findField(drift, "Email").path("clarityValue").asText()).isEqualTo(email);

        Path token = Files.writeString(dir.resolve("token"), stack.tandem().adminApi().tokens()
                .create("reconcile", dev.tandem.server.api.Role.OPERATOR).secret());
        JsonNode repaired = reconcile("customers", "--repair", "--url", stack.tandem().baseUrl().toString(),
                "--token-file", token.toString());
        assertThat(repaired.path("repair").path("enqueued").asLong()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> differences(reconcile("customers")).isEmpty());
        assertThat(stack.salesforce.record("Contact", String.valueOf(contact.get("Id"))).orElseThrow().get("Email"))
                .isEqualTo(email);
    }

    @Test
    void anOrderDeletedInSalesforceIsFoundAndWrittenAgainAndAChangedSyncedOrderIsReportedNotRewritten()
            throws IOException {
        startWith(Set.of("clarity-order-to-salesforce"));
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            keys.add(stack.clarity.orders().createRandomOrder(dev.tandem.sandbox.clarity.BadData.NONE).customKey());
        }
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(() ->
                stack.tandem().stateStore().countIds("Order") == keys.size() && stack.tandem().runtime().idle());

        JsonNode clean = reconcile("orders");
        assertThat(differences(clean)).as("the synced orders agree: " + clean).isEmpty();
        assertThat(clean.path("compared").path("Order").asLong()).isEqualTo(keys.size());
        assertThat(clean.path("compared").path("OrderItem").asLong()).isPositive();

        SalesforceRest sf = stack.salesforceRest();
        Map<String, Object> deleted = order(keys.get(0));
        Map<String, Object> changed = order(keys.get(1));
        long deletedItems = stack.salesforce.records("OrderItem").stream()
                .filter(i -> deleted.get("Id").equals(i.get("OrderId"))).count();
        sf.delete("Order", String.valueOf(deleted.get("Id"))); // a draft order, its items with it
        sf.update("Order", String.valueOf(changed.get("Id")), "{\"Description\": \"changed by hand\"}");
        // Only one line of a third order drifts: the order flow skips that order too, so it is not repaired either.
        Map<String, Object> lineOrder = order(keys.get(2));
        Map<String, Object> line = stack.salesforce.records("OrderItem").stream()
                .filter(i -> lineOrder.get("Id").equals(i.get("OrderId"))).findFirst().orElseThrow();
        sf.update("OrderItem", String.valueOf(line.get("Id")), "{\"Description\": \"line changed by hand\"}");

        JsonNode drift = reconcile("orders");
        Set<String> found = differences(drift);
        assertThat(found).contains("MISSING_IN_SALESFORCE Order " + keys.get(0),
                "FIELD Order " + keys.get(1) + " Description",
                "FIELD OrderItem " + line.get("Clarity_Order_Item_Key__c") + " Description");
        assertThat(found.stream().filter(d -> d.startsWith("MISSING_IN_SALESFORCE OrderItem ")).count())
                .isEqualTo(deletedItems);
        assertThat(found).hasSize(3 + (int) deletedItems);

        Path token = Files.writeString(dir.resolve("token"), stack.tandem().adminApi().tokens()
                .create("reconcile", dev.tandem.server.api.Role.OPERATOR).secret());
        JsonNode repaired = reconcile("orders", "--repair", "--url", stack.tandem().baseUrl().toString(),
                "--token-file", token.toString());
        assertThat(repaired.path("repair").path("enqueued").asLong()).as(repaired.toString()).isEqualTo(1);
        JsonNode notRepaired = repaired.path("repair").path("notRepaired");
        String syncedBefore = notRepaired.properties().stream().map(Map.Entry::getKey)
                .filter(k -> k.contains("synced before")).findFirst().orElseThrow();
        assertThat(notRepaired.path(syncedBefore).asLong()).as("the changed order and the one with a changed line")
                .isEqualTo(2);

        // The deleted order is written again (a new Order with its items, the link replaced); the changed ones stay
        // as the rep left them: the order flow writes an order once.
        Set<String> onlyTheChanged = Set.of("FIELD Order " + keys.get(1) + " Description",
                "FIELD OrderItem " + line.get("Clarity_Order_Item_Key__c") + " Description");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> differences(reconcile("orders")).equals(onlyTheChanged));
        Map<String, Object> again = order(keys.get(0));
        assertThat(again.get("Id")).isNotEqualTo(deleted.get("Id"));
        assertThat(stack.tandem().stateStore().targetId("Order", keys.get(0))).contains(String.valueOf(again.get("Id")));
        assertThat(stack.salesforce.records("Order")).hasSize(keys.size());
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    private Map<String, Object> order(String key) {
        return stack.salesforce.records("Order").stream().filter(o -> key.equals(o.get("Clarity_Order_Key__c")))
                .findFirst().orElseThrow();
    }

    @Test
    void theServerReconcilesOnItsScheduleAndTheDriftFiresTheAlert() throws IOException {
        // The alert goes to a webhook receiver of the test's, as an operator's paging hook would get it.
        List<JsonNode> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            String yaml = """
                    server: {host: 127.0.0.1, port: 0}
                    store: {path: %s}
                    clarity: {baseUrl: "http://127.0.0.1:9/api", username: u, password: p, webhook: {secrets: [x]}}
                    salesforce: {tokenUrl: "http://127.0.0.1:9/token", clientId: c, clientSecret: s}
                    alerts:
                      evaluateEvery: 200ms
                      repeatEvery: 1h
                      channels:
                        hook: {type: webhook, url: "http://127.0.0.1:%d/hook", secret: "alert-secret-reconcile-0123"}
                      rules:
                        - {name: catalogue-drift, condition: reconcileDrift, severity: warning, channels: [hook]}
                    """.formatted(dir.resolve("unused.db").toString().replace("\\", "/"),
                    receiver.getAddress().getPort());
            var alerts = new dev.tandem.server.config.ConfigLoader(Map.<String, String>of()::get)
                    .parse(yaml, "tandem.yaml").alerts();
            // Nothing of the catalogue was ever synced (the product flow is off): every product is missing in
            // Salesforce, far above the threshold of 5.
            stack = TandemStack.start(dir, c -> c.withReconcile(new TandemConfig.Reconcile(Duration.ofMillis(300),
                    List.of(dev.tandem.server.reconcile.ReconcileObject.PRODUCTS), false, 5)).withAlerts(alerts));
            long products = stack.clarity.products().count();

            await().atMost(Duration.ofSeconds(60)).until(() -> stack.tandem().reconciliation().last("products")
                    .isPresent());
            var last = stack.tandem().reconciliation().last("products").orElseThrow();
            assertThat(last.error()).isNull();
            assertThat(last.drift()).as("every Product2 (and its entry) is missing").isGreaterThanOrEqualTo(products);
            assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();

            await().atMost(Duration.ofSeconds(60)).until(() -> received.stream()
                    .anyMatch(a -> a.path("state").asText().equals("FIRING")));
            JsonNode firing = received.stream().filter(a -> a.path("state").asText().equals("FIRING")).findFirst()
                    .orElseThrow();
            assertThat(firing.path("rule").asText()).isEqualTo("catalogue-drift");
            assertThat(firing.path("summary").asText()).contains("reconciliation of products", "threshold 5",
                    "tandem reconcile products");
        } finally {
            receiver.stop(0);
        }
    }

    private static JsonNode findField(JsonNode result, String field) {
        for (JsonNode d : result.path("differences")) {
            if (field.equals(d.path("field").asText())) {
                return d;
            }
        }
        throw new AssertionError("no difference in " + field + ": " + result.path("differences"));
    }
}
