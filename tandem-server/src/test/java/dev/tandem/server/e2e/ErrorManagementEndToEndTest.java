package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.api.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 9's operator story end to end, through the admin API only, on both sandboxes: records fail for data and for
 * transient faults; the operator finds them by class and reason, fixes one by editing it, lets a fix in Clarity
 * retry another on its own, retries the transient ones in bulk after a dry-run count, and resolves the last with a
 * reason — and every fixed order is in Salesforce once, with nothing secret in what the API showed.
 */
class ErrorManagementEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "clarity-order-to-salesforce";

    @TempDir
    Path dir;
    private TandemStack stack;
    private String operator;
    private String viewer;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Every body the API answered, to check no secret is in any of them. */
    private final List<String> seen = new ArrayList<>();

    private final ch.qos.logback.classic.Logger tandemLogger =
            (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.tandem");
    private ch.qos.logback.classic.Level tandemLevel;

    /** Every log line of the run, to check no secret is in any of them. */
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
            new ch.qos.logback.core.read.ListAppender<>();

    @BeforeEach
    void start() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        root.addAppender(logs);
        // Tandem's own log at INFO for this run, whatever an earlier test in this JVM set (the demo command quiets it).
        tandemLevel = tandemLogger.getLevel();
        tandemLogger.setLevel(ch.qos.logback.classic.Level.INFO);
        stack = TandemStack.start(dir);
        operator = stack.tandem().adminApi().tokens().create("ops-e2e", Role.OPERATOR).secret();
        viewer = stack.tandem().adminApi().tokens().create("viewer-e2e", Role.VIEWER).secret();
    }

    @AfterEach
    void stop() {
        stack.close();
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .detachAppender(logs);
        tandemLogger.setLevel(tandemLevel);
    }

    private JsonNode api(String token, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(stack.tandem().baseUrl().resolve("/api/v1" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        seen.add(r.body());
        assertThat(r.statusCode()).as(method + " " + path + " → " + r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private JsonNode deadLetters(String query) throws Exception {
        return api(viewer, "GET", "/dead-letters" + query, null);
    }

    private long idOf(SalesOrderRef order) throws Exception {
        JsonNode items = deadLetters("?key=" + URLEncoder.encode(order.customKey(), StandardCharsets.UTF_8)).path("items");
        assertThat(items).as("dead letter of " + order.customKey()).hasSize(1);
        return items.get(0).path("id").asLong();
    }

    private String state(long id) throws Exception {
        return api(viewer, "GET", "/dead-letters/" + id, null).path("state").asText();
    }

    private long ordersInSalesforce(SalesOrderRef order) {
        return stack.salesforceRest().count("SELECT COUNT() FROM Order WHERE Clarity_Order_Key__c = '" + order.customKey() + "'");
    }

    @Test
    void anOperatorFindsWhyRecordsFailedFixesThemAndSeesThemLand() throws Exception {
        // Transient: every write hits a row lock until the retries give up.
        stack.salesforce.faults().setLockErrorRate(1.0);
        SalesOrderRef locked1 = stack.clarity.orders().createRandomOrder(BadData.NONE);
        SalesOrderRef locked2 = stack.clarity.orders().createRandomOrder(BadData.NONE);
        await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters("?class=lock").path("total").asLong() == 2);
        stack.salesforce.faults().clear();

        // Data: two customers without a last name, one order with a negative total.
        SalesOrderRef edited = stack.clarity.orders().createRandomOrder(BadData.MISSING_LAST_NAME);
        SalesOrderRef fixedInClarity = stack.clarity.orders().createRandomOrder(BadData.MISSING_LAST_NAME);
        SalesOrderRef negative = stack.clarity.orders().createRandomOrder(BadData.NEGATIVE_TOTAL);
        SalesOrderRef clean = stack.clarity.orders().createRandomOrder(BadData.NONE);
        await().atMost(Duration.ofSeconds(30)).until(() -> deadLetters("?state=open").path("total").asLong() == 5
                && ordersInSalesforce(clean) == 1);

        // Triage: the class and the reason say what is wrong.
        JsonNode missing = deadLetters("?class=missing_field&flow=" + FLOW);
        assertThat(missing.path("total").asLong()).isEqualTo(2);
        assertThat(missing.path("items").get(0).path("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(missing.path("items").get(0).path("errorMessage").asText()).contains("last name");
        JsonNode rule = deadLetters("?class=business_rule").path("items");
        assertThat(rule).hasSize(1);
        assertThat(rule.get(0).path("errorMessage").asText()).contains("negative total");
        JsonNode counts = api(viewer, "GET", "/dead-letters/counts", null);
        assertThat(counts.path("byFlow").path(FLOW).path("UNABLE_TO_LOCK_ROW").asLong()).isEqualTo(2);
        JsonNode one = api(viewer, "GET", "/dead-letters/" + idOf(edited), null);
        assertThat(one.path("step").asText()).isEqualTo("validate");
        assertThat(one.path("request").path("records").findValuesAsText("entity")).contains("Order", "Contact");
        assertThat(one.path("source").path("CustomKey").asText()).isEqualTo(edited.customKey());
        assertThat(one.path("event").path("type").asText()).startsWith("SalesOrder.");
        assertThat(one.path("timeline").path("events")).isNotEmpty();

        // Edit and retry: the operator supplies the last name of the order's customer (the user's contact, read
        // with the order); the edit is checked first, then lands.
        long editedId = idOf(edited);
        assertThat(one.path("source").at("/User/Contact/ID").isNumber()).as("the customer's contact is in the source").isTrue();
        JsonNode dry = api(operator, "POST", "/dead-letters/" + editedId + "/edit",
                "{\"edit\":{\"source\":{\"User\":{\"Contact\":{\"LastName\":\"Edited\"}}}},\"dryRun\":true}");
        assertThat(dry.path("valid").asBoolean()).isTrue();
        api(operator, "POST", "/dead-letters/" + editedId + "/edit",
                "{\"edit\":{\"source\":{\"User\":{\"Contact\":{\"LastName\":\"Edited\"}}}},\"reason\":\"name from the phone order\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(editedId).equals("resolved"));
        assertThat(ordersInSalesforce(edited)).isEqualTo(1);
        assertThat(stack.salesforceRest().query("SELECT LastName FROM Contact WHERE LastName = 'Edited'")).isNotEmpty();

        // Auto-retry: the customer's contact gets its last name in Clarity; its change webhook retries the order.
        long fixedId = idOf(fixedInClarity);
        int contact = stack.clarity.store().users().byId(stack.clarity.orders().find(fixedInClarity.id()).orElseThrow()
                .userId()).orElseThrow().contactId();
        stack.clarity.customers().renameContact(contact, null, "Fixed");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(fixedId).equals("resolved"));
        assertThat(ordersInSalesforce(fixedInClarity)).isEqualTo(1);
        assertThat(api(viewer, "GET", "/dead-letters/" + fixedId, null).path("history").findValuesAsText("detail").toString())
                .contains("auto-retry: Contact " + contact + " changed");

        // Bulk retry by filter, after a dry-run count: the row locks are gone.
        JsonNode count = api(operator, "POST", "/dead-letters/bulk", "{\"action\":\"retry\",\"filter\":{\"class\":\"lock\"}}");
        assertThat(count.path("dryRun").asBoolean()).isTrue();
        assertThat(count.path("matched").asLong()).isEqualTo(2);
        JsonNode bulk = api(operator, "POST", "/dead-letters/bulk",
                "{\"action\":\"retry\",\"dryRun\":false,\"filter\":{\"class\":\"lock\"}}");
        assertThat(bulk.path("changed").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> ordersInSalesforce(locked1) == 1 && ordersInSalesforce(locked2) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("?class=lock&state=resolved").path("total").asLong() == 2);

        // What cannot be fixed here is resolved with a reason, which the history keeps.
        long negativeId = idOf(negative);
        api(operator, "POST", "/dead-letters/" + negativeId + "/resolve", "{\"reason\":\"refund handled by finance\"}");
        JsonNode resolved = api(viewer, "GET", "/dead-letters/" + negativeId, null);
        assertThat(resolved.path("state").asText()).isEqualTo("resolved");
        assertThat(resolved.path("history").get(resolved.path("history").size() - 1).path("actor").asText()).isEqualTo("ops-e2e");
        assertThat(deadLetters("?state=open").path("total").asLong()).isZero();
        assertThat(ordersInSalesforce(negative)).isZero();

        // The record's timeline, by its key and by its Salesforce id: the failure, the edit and the sync.
        JsonNode timeline = api(viewer, "GET", "/timeline?key=" + URLEncoder.encode(edited.customKey(), StandardCharsets.UTF_8), null);
        assertThat(timeline.path("events").findValuesAsText("decision")).contains("dead-lettered", "synced");
        String orderId = timeline.path("links").findValues("targetId").stream().map(JsonNode::asText)
                .filter(id -> id.startsWith("801")).findFirst().orElseThrow();
        assertThat(api(viewer, "GET", "/timeline?key=" + orderId, null).path("deadLetters").findValuesAsText("id"))
                .contains(String.valueOf(editedId));

        // Nothing secret in anything the API answered, the log, the audit trail or the dead letters.
        StringBuilder all = new StringBuilder(String.join("\n", seen));
        for (ch.qos.logback.classic.spi.ILoggingEvent e : List.copyOf(logs.list)) {
            if (e.getLoggerName().startsWith("dev.tandem.sandbox")) {
                continue; // the sandboxes' own log (they print where their files are), not Tandem's
            }
            all.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                all.append(ch.qos.logback.classic.spi.ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        List<Long> offsets = java.util.stream.LongStream.rangeClosed(1, stack.tandem().eventLog().endOffset()).boxed().toList();
        stack.tandem().stateStore().auditFor(offsets).forEach(a -> all.append(a).append('\n'));
        stack.tandem().stateStore().findDeadLetters(dev.tandem.core.state.DeadLetterQuery.all(500))
                .forEach(d -> all.append(d).append('\n'));
        stack.tandem().stateStore().findDeadLetters(dev.tandem.core.state.DeadLetterQuery.all(500))
                .forEach(d -> stack.tandem().stateStore().deadLetterHistory(d.id()).forEach(h -> all.append(h).append('\n')));
        assertThat(logs.list).as("the run was logged").isNotEmpty();
        assertThat(all.toString()).doesNotContain(stack.salesforce.clientSecret(), TandemStack.WEBHOOK_SECRET,
                stack.clarity.password(), operator, viewer);
    }
}
