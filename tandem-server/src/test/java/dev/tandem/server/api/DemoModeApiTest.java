package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The guided demo's admin API: {@code GET /demo} on every server, the demo-only routes on {@code tandem demo} alone
 * (404 elsewhere), who may call them (no session 401, a viewer 403 on the actions), bad and hostile input as
 * problems, and two actions carried out for real on the sandboxes: an order made in Clarity arrives in Salesforce
 * once and shows in the activity as synced; Salesforce broken for two seconds heals by itself.
 */
class DemoModeApiTest {

    @TempDir
    static Path dir;
    private static Demo demo;
    private static String operator;
    /** A second operator: the admin API limits each token to 20 requests a second. */
    private static String operator2;
    private static String viewer;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startDemo() throws Exception {
        Demo.Options options = new Demo.Options(0, 10, 3, 0, 0, dir.resolve("demo"), Duration.ofSeconds(30),
                TandemConfig.Ingest.WEBHOOK);
        demo = new Demo(options, new PrintStream(new ByteArrayOutputStream()), false);
        demo.run(true); // registers Tandem's webhook with the Clarity sandbox, as `tandem demo` does
        operator = demo.operatorToken();
        viewer = demo.tandem().adminApi().tokens().create("demo-viewer", Role.VIEWER).secret();
        operator2 = demo.tandem().adminApi().tokens().create("demo-operator-2", Role.OPERATOR).secret();
    }

    @AfterAll
    static void stopDemo() {
        demo.close();
    }

    record Answer(int status, String contentType, JsonNode body) {
    }

    private static Answer call(URI base, String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(AdminApi.BASE + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isBlank() ? null : ApiTestServer.JSON.readTree(r.body());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer demoCall(String method, String path, String token) {
        return call(demo.tandem().baseUrl(), method, path, token, null);
    }

    private static void assertProblem(Answer a, int status, String what) {
        assertThat(a.status()).as(what + " → " + a.body()).isEqualTo(status);
        assertThat(a.contentType()).as(what).startsWith("application/problem+json");
        assertThat(a.body().path("detail").asText()).as(what).isNotBlank();
    }

    @Test
    void aServerThatIsNotTheDemoSaysSoAndHasNoDemoRoutes(@TempDir Path other) {
        try (ApiTestServer api = ApiTestServer.start(other, ApiTestServer.unlimited())) {
            String op = api.token("op", Role.OPERATOR);
            Answer mode = call(api.server.baseUrl(), "GET", "/demo", op, null);
            assertThat(mode.status()).isEqualTo(200);
            assertThat(mode.body().path("enabled").asBoolean(true)).isFalse();
            assertThat(mode.body().has("actions")).isFalse();
            assertThat(call(api.server.baseUrl(), "POST", "/demo/actions/create-order", op, null).status()).isEqualTo(404);
            assertThat(call(api.server.baseUrl(), "GET", "/demo/activity", op, null).status()).isEqualTo(404);
            assertThat(api.server.adminApi().registrations()).noneMatch(r -> r.path().startsWith("/demo/"));
        }
    }

    @Test
    void theDemoRegistersExactlyTheDemoOnlyOperationsOfTheDocumentWithTheirRoles() {
        Set<String> registered = new TreeSet<>();
        demo.tandem().adminApi().registrations().stream().filter(r -> r.path().startsWith("/demo/"))
                .forEach(r -> registered.add(r.method() + " " + r.path() + " " + r.role()));
        Set<String> documented = new TreeSet<>();
        OpenApiOperations.demoOnly().forEach(o -> documented.add(o.method() + " " + o.path() + " " + o.role()));

        assertThat(registered).isEqualTo(documented)
                .contains("POST /demo/actions/{action} operator", "GET /demo/activity viewer");
        Answer mode = demoCall("GET", "/demo", viewer);
        assertThat(mode.body().path("enabled").asBoolean()).isTrue();
        assertThat(mode.body().path("actions").findValuesAsText("id")).containsExactly("create-order",
                "register-customer", "change-phone", "add-product", "change-price", "change-stock", "create-bad-order",
                "break-salesforce", "slow-salesforce", "heal-salesforce");
        assertThat(mode.body().path("sandboxes").path("salesforce").path("faults").path("broken").asBoolean(true)).isFalse();
    }

    @Test
    void withoutASessionItIs401AndAViewerCannotAct() {
        for (String[] c : List.of(new String[]{"GET", "/demo"}, new String[]{"GET", "/demo/activity"},
                new String[]{"POST", "/demo/actions/create-order"}, new String[]{"POST", "/demo/actions/no-such"})) {
            assertProblem(demoCall(c[0], c[1], null), 401, c[0] + " " + c[1] + " without a token");
            assertProblem(demoCall(c[0], c[1], "tdm_" + "A".repeat(43)), 401, c[0] + " " + c[1] + " with a forged token");
        }
        assertProblem(demoCall("POST", "/demo/actions/create-order", viewer), 403, "a viewer creating an order");
        assertProblem(demoCall("POST", "/demo/actions/break-salesforce", viewer), 403, "a viewer breaking Salesforce");
        assertThat(demoCall("GET", "/demo/activity", viewer).status()).isEqualTo(200);
        assertThat(demo.salesforce().faults().serverErrorRate()).isZero();
    }

    @Test
    void unknownActionsAndBadOrHostileInputAreProblemsNever500() {
        int ordersBefore = demo.clarity().store().salesOrders().all().size();
        Answer unknown = demoCall("POST", "/demo/actions/launch-rockets", operator);
        assertProblem(unknown, 404, "an unknown action");
        assertThat(unknown.body().path("detail").asText()).contains("launch-rockets", "create-order");
        for (String hostile : List.of("<script>alert(1)</script>", "x".repeat(300), "CREATE-ORDER", "create-order\u0000",
                "' OR '1'='1", "..%2F..%2Fetc")) {
            String encoded = URLEncoder.encode(hostile, StandardCharsets.UTF_8).replace("+", "%20");
            Answer a = demoCall("POST", "/demo/actions/" + encoded, operator);
            assertThat(a.status()).as(hostile + " → " + a.body()).isIn(400, 404);
            assertThat(a.contentType()).as(hostile).startsWith("application/problem+json");
            assertThat(a.body().path("detail").asText().length()).as("the name is clipped").isLessThan(500);
        }
        for (String q : List.of("seconds=abc", "seconds=0", "seconds=601", "seconds=-5", "seconds=1e9", "minutes=1",
                "seconds=" + "9".repeat(400))) {
            assertProblem(demoCall("POST", "/demo/actions/break-salesforce?" + q, operator), 400, "break-salesforce?" + q);
            assertProblem(demoCall("POST", "/demo/actions/slow-salesforce?" + q, operator2), 400, "slow-salesforce?" + q);
        }
        assertProblem(demoCall("POST", "/demo/actions/create-order?count=1000000", operator), 400, "a parameter the action has not");
        assertProblem(demoCall("POST", "/demo/actions/change-stock?quantity=-1", operator2), 400, "change-stock takes none");
        assertProblem(demoCall("POST", "/demo/actions/add-product?price=1e99", operator2), 400, "add-product takes none");
        assertProblem(call(demo.tandem().baseUrl(), "POST", "/demo/actions/create-order", operator, "{\"count\":5}"), 400,
                "a body");
        Answer big = call(demo.tandem().baseUrl(), "POST", "/demo/actions/create-order", operator,
                "{\"x\":\"" + "a".repeat(2 * 1024 * 1024) + "\"}");
        assertThat(big.status()).as("an oversized body").isIn(400, 413);
        for (String q : List.of("limit=0", "limit=101", "limit=abc", "limit=%00")) {
            assertProblem(demoCall("GET", "/demo/activity?" + q, viewer), 400, "activity?" + q);
        }
        // Nothing was done by any of them: Salesforce is not broken, no order was made.
        assertThat(demo.salesforce().faults().serverErrorRate()).isZero();
        assertThat(demo.salesforce().faults().latency()).isZero();
        assertThat(demo.clarity().store().salesOrders().all()).hasSize(ordersBefore);
    }

    @Test
    void anOrderMadeByTheButtonArrivesInSalesforceOnceAndTheActivitySaysSynced() {
        Answer made = demoCall("POST", "/demo/actions/create-order", operator);
        assertThat(made.status()).as(String.valueOf(made.body())).isEqualTo(200);
        String key = made.body().path("key").asText();
        assertThat(key).isNotBlank();
        assertThat(made.body().path("message").asText()).contains(key);

        await().atMost(Duration.ofSeconds(30)).until(() -> outcomeOf(key).equals("synced"));
        assertThat(demo.salesforce().records("Order").stream()
                .filter(o -> key.equals(o.get("Clarity_Order_Key__c"))).count()).isEqualTo(1);
        JsonNode event = eventOf(key);
        assertThat(event.path("direction").asText()).isEqualTo("clarity-to-salesforce");
        assertThat(event.path("flows").findValuesAsText("flow")).contains("clarity-order-to-salesforce");
    }

    @Test
    void aRegisteredCustomerBecomesASalesforceContactAndARepsPhoneChangeComesBackToClarity() {
        Answer registered = demoCall("POST", "/demo/actions/register-customer", operator);
        assertThat(registered.status()).as(String.valueOf(registered.body())).isEqualTo(200);
        String contactKey = registered.body().path("contactKey").asText();
        assertThat(contactKey).isNotBlank();
        await().atMost(Duration.ofSeconds(30)).until(() -> demo.salesforce().records("Contact").stream()
                .anyMatch(c -> contactKey.equals(c.get("Clarity_Contact_Key__c"))));

        Answer changed = demoCall("POST", "/demo/actions/change-phone", operator);
        assertThat(changed.status()).as(String.valueOf(changed.body())).isEqualTo(200);
        String key = changed.body().path("key").asText();
        String digits = changed.body().path("phone").asText().replaceAll("\\D", "");
        String salesforceId = changed.body().path("salesforceId").asText();
        // Through CDC and salesforce-contact-to-clarity: the Clarity contact of that key has the new phone.
        await().atMost(Duration.ofSeconds(30)).until(() -> demo.clarity().store().contacts().all().stream()
                .anyMatch(c -> (key.equals(c.customKey()) || key.equals("CEF-CONTACT-" + c.id()))
                        && c.phone1() != null && c.phone1().replaceAll("\\D", "").endsWith(digits.substring(1))));
        JsonNode back = null;
        for (JsonNode e : demoCall("GET", "/demo/activity?limit=100", viewer).body().path("events")) {
            if (e.path("entityId").asText().equals(salesforceId) && e.path("source").asText().equals("salesforce")) {
                back = e;
            }
        }
        assertThat(back).as("the change event in the activity").isNotNull();
        assertThat(back.path("direction").asText()).isEqualTo("salesforce-to-clarity");
    }

    @Test
    void salesforceBrokenForTwoSecondsHealsByItselfAndTheFaultRatesComeBack() {
        Answer broken = demoCall("POST", "/demo/actions/break-salesforce?seconds=2", operator);
        assertThat(broken.status()).as(String.valueOf(broken.body())).isEqualTo(200);
        assertThat(broken.body().path("brokenUntil").asText()).isNotBlank();
        assertThat(demo.salesforce().faults().serverErrorRate()).isEqualTo(1.0);
        assertThat(demoCall("GET", "/demo", viewer).body().path("sandboxes").path("salesforce").path("faults")
                .path("broken").asBoolean()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> !demoCall("GET", "/demo", viewer).body().path("sandboxes")
                .path("salesforce").path("faults").path("broken").asBoolean());
        assertThat(demo.salesforce().faults().serverErrorRate()).isZero();
        Answer healed = demoCall("POST", "/demo/actions/heal-salesforce", operator);
        assertThat(healed.body().path("message").asText()).contains("not broken");
    }

    @Test
    void aProductAddedInClarityThenItsPriceAndItsStockChangedReachSalesforce() {
        Answer added = demoCall("POST", "/demo/actions/add-product", operator);
        assertThat(added.status()).as(String.valueOf(added.body())).isEqualTo(200);
        String key = added.body().path("key").asText();
        assertThat(key).startsWith("DEMO-P-");
        await().atMost(Duration.ofSeconds(30)).until(() -> unitPrice(key) != null);
        assertThat(unitPrice(key)).isEqualByComparingTo(added.body().path("price").decimalValue());

        Answer priced = demoCall("POST", "/demo/actions/change-price", operator);
        assertThat(priced.status()).as(String.valueOf(priced.body())).isEqualTo(200);
        assertThat(priced.body().path("key").asText()).isEqualTo(key);
        java.math.BigDecimal price = priced.body().path("price").decimalValue();
        assertThat(price).isNotEqualByComparingTo(added.body().path("price").decimalValue());
        await().atMost(Duration.ofSeconds(30)).until(() -> price.compareTo(unitPrice(key)) == 0);

        Answer stocked = demoCall("POST", "/demo/actions/change-stock", operator);
        assertThat(stocked.status()).as(String.valueOf(stocked.body())).isEqualTo(200);
        assertThat(stocked.body().path("key").asText()).isEqualTo(key);
        double quantity = stocked.body().path("quantity").asDouble();
        await().atMost(Duration.ofSeconds(30)).until(() -> product(key) != null
                && product(key).get("Clarity_Quantity_On_Hand__c") instanceof Number n && n.doubleValue() == quantity);
        // One Product2 and one standard price entry for the product, whatever the flows wrote in between.
        assertThat(demo.salesforce().records("Product2").stream()
                .filter(p -> key.equals(p.get("Clarity_Product_Key__c")))).hasSize(1);
        assertThat(demo.salesforce().records("PricebookEntry").stream()
                .filter(e -> (key + "|standard").equals(e.get("Clarity_Price_Key__c")))).hasSize(1);
    }

    private static Map<String, Object> product(String key) {
        return demo.salesforce().records("Product2").stream().filter(p -> key.equals(p.get("Clarity_Product_Key__c")))
                .findFirst().orElse(null);
    }

    private static java.math.BigDecimal unitPrice(String key) {
        return demo.salesforce().records("PricebookEntry").stream()
                .filter(e -> (key + "|standard").equals(e.get("Clarity_Price_Key__c")))
                .map(e -> new java.math.BigDecimal(String.valueOf(e.get("UnitPrice")))).findFirst().orElse(null);
    }

    @Test
    void salesforceTimingOutMakesTandemRetryAndAfterTheHealTheOrderIsThereOnce() {
        Answer slow = demoCall("POST", "/demo/actions/slow-salesforce?seconds=300", operator);
        assertThat(slow.status()).as(String.valueOf(slow.body())).isEqualTo(200);
        assertThat(slow.body().path("mode").asText()).isEqualTo("timeout");
        assertThat(slow.body().path("message").asText()).contains("15 s", "10 s timeout");
        JsonNode faults = demoCall("GET", "/demo", viewer).body().path("sandboxes").path("salesforce").path("faults");
        assertThat(faults.path("broken").asBoolean()).isTrue();
        assertThat(faults.path("mode").asText()).isEqualTo("timeout");
        // The sandbox holds each answer longer than Tandem waits for it, and answers no 503.
        assertThat(faults.path("latencyMillis").asLong()).isGreaterThan(faults.path("timeoutMillis").asLong());
        assertThat(faults.path("timeoutMillis").asLong()).isEqualTo(10_000);
        assertThat(demo.salesforce().faults().serverErrorRate()).isZero();

        Answer made = demoCall("POST", "/demo/actions/create-order", operator);
        assertThat(made.status()).as(String.valueOf(made.body())).isEqualTo(200);
        String key = made.body().path("key").asText();
        // The order flow's call times out; Tandem schedules a retry and says why.
        await().atMost(Duration.ofSeconds(60)).until(() -> outcomeOf(key).equals("retrying"));
        assertThat(eventOf(key).path("flows").findValuesAsText("detail"))
                .anySatisfy(d -> assertThat(d).contains("did not answer in time"));
        assertThat(outcomeOf(key)).isNotEqualTo("synced");

        Answer healed = demoCall("POST", "/demo/actions/heal-salesforce", operator);
        assertThat(healed.body().path("message").asText()).contains("healed on request");
        assertThat(demo.salesforce().faults().latency()).isZero();
        assertThat(demoCall("GET", "/demo", viewer).body().path("sandboxes").path("salesforce").path("faults")
                .path("mode").isNull()).isTrue();
        // Recovered: synced, nothing lost, and the order and each of its items once, though a timed-out call may
        // have been carried out by Salesforce after Tandem stopped waiting.
        await().atMost(Duration.ofSeconds(90)).until(() -> outcomeOf(key).equals("synced"));
        assertOnce(key);
        // A call held before the heal is carried out by the sandbox up to 15 s later: still once after that.
        Instant held = Instant.now().plusSeconds(faults.path("latencyMillis").asLong() / 1000 + 1);
        await().atMost(Duration.ofSeconds(40)).until(() -> Instant.now().isAfter(held) && onceIn(key));
        assertOnce(key);
    }

    private static boolean onceIn(String key) {
        try {
            assertOnce(key);
            return true;
        } catch (AssertionError e) {
            throw new IllegalStateException("the order " + key + " is not in Salesforce exactly once", e);
        }
    }

    /** The order is in Salesforce once, its items each once. */
    private static void assertOnce(String key) {
        List<Map<String, Object>> orders = demo.salesforce().records("Order").stream()
                .filter(o -> key.equals(o.get("Clarity_Order_Key__c"))).toList();
        assertThat(orders).hasSize(1);
        List<Object> itemKeys = demo.salesforce().records("OrderItem").stream()
                .filter(i -> orders.getFirst().get("Id").equals(i.get("OrderId")))
                .map(i -> i.get("Clarity_Order_Item_Key__c")).toList();
        assertThat(itemKeys).isNotEmpty().doesNotContainNull().doesNotHaveDuplicates();
    }

    private static JsonNode eventOf(String key) {
        for (JsonNode e : demoCall("GET", "/demo/activity?limit=100", viewer).body().path("events")) {
            if (e.path("entityKey").asText().equals(key) && e.path("entity").asText().equals("SalesOrder")) {
                return e;
            }
        }
        return null;
    }

    private static String outcomeOf(String key) {
        JsonNode e = eventOf(key);
        return e == null ? "absent" : e.path("outcome").asText();
    }
}
