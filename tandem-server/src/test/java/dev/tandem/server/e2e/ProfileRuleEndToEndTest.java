package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The profile rule in a real flow, against both sandboxes (issue 13, items 4 and 7): the shipped order flow, copied
 * under flows.dir with its profile rule set to hold the e-mail, the quantities and the total (the country stays
 * warn), learns from a run of good orders; then bad orders are held as dead letters naming the field and what was
 * expected, a country never seen is warned and sent, good orders pass; an operator's as-is retry releases a held
 * value; the profiles are shown and reset through the admin API, whose role checks and bad input are tested.
 */
class ProfileRuleEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "clarity-order-to-salesforce";
    private static final int GOOD = 70;

    @TempDir
    Path dir;
    private TandemStack stack;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static void copyShipped(Path to, String... names) throws IOException {
        for (String name : names) {
            try (var in = ProfileRuleEndToEndTest.class.getClassLoader().getResourceAsStream("flows/" + name)) {
                Files.write(to.resolve(name), in.readAllBytes());
            }
        }
    }

    private HttpResponse<String> call(String token, String method, String path) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(stack.tandem().baseUrl().resolve("/api/v1" + path))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        String body = method.equals("POST") ? "{\"mode\":\"as-is\",\"reason\":\"a real bulk buyer\"}" : null;
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String token, String method, String path) throws Exception {
        HttpResponse<String> r = call(token, method, path);
        assertThat(r.statusCode()).as(method + " " + path + " → " + r.body()).isBetween(200, 299);
        return JSON.readTree(r.body());
    }

    private long ordersInSalesforce(SalesOrderRef order) {
        return stack.salesforceRest().count("SELECT COUNT() FROM Order WHERE Clarity_Order_Key__c = '" + order.customKey() + "'");
    }

    private JsonNode deadLetterOf(String viewer, SalesOrderRef order) throws Exception {
        JsonNode items = ok(viewer, "GET", "/dead-letters?flow=" + FLOW + "&key="
                + URLEncoder.encode(order.customKey(), StandardCharsets.UTF_8)).path("items");
        return items.isEmpty() ? null : items.get(0);
    }

    private List<AuditEntry> auditOf(SalesOrderRef order) {
        List<Long> offsets = stack.tandem().eventLog().readAfter(-1, 100_000).stream()
                .filter(e -> e.event().entity().equals("SalesOrder") && e.event().entityId().equals(String.valueOf(order.id())))
                .map(LoggedEvent::offset).toList();
        return stack.tandem().stateStore().auditFor(offsets).stream().filter(a -> a.flow().equals(FLOW)).toList();
    }

    @Test
    void goodOrdersTeachTheProfileAndBadOnesAreHeldOrWarnedWithTheFieldAndReason() throws Exception {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        copyShipped(flows, "clarity-order-to-salesforce.yaml", "clarity-order-to-salesforce.jsonata", "clarity-order.example.json");
        Path yaml = flows.resolve("clarity-order-to-salesforce.yaml");
        String text = Files.readString(yaml);
        String held = text.replace("minObservations: 50", "minObservations: 30")
                .replace("Totals.Total: warn", "Totals.Total: hold")
                .replace("SalesItems[].Quantity: warn", "SalesItems[].Quantity: hold")
                .replace("BillingContact.Email1: warn", "BillingContact.Email1: hold");
        assertThat(held).isNotEqualTo(text).contains("BillingContact.Address.CountryCode: warn");
        Files.writeString(yaml, held);
        stack = TandemStack.start(dir, new TandemConfig.Flows(flows, Map.of()));
        assertThat(stack.tandem().status().flowProblems()).isEmpty();
        String operator = stack.tandem().adminApi().tokens().create("ops-profile", Role.OPERATOR).secret();
        String viewer = stack.tandem().adminApi().tokens().create("viewer-profile", Role.VIEWER).secret();

        // A new flow flags nothing: the good orders sync and are learned from.
        stack.clarity.orders().createRandomOrders(GOOD, BadData.NONE);
        await().atMost(Duration.ofSeconds(180)).until(() -> stack.tandem().stateStore().countIds("Order") == GOOD
                && stack.tandem().runtime().idle());
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        JsonNode learned = ok(viewer, "GET", "/profiles/" + FLOW);
        assertThat(learned.path("fields").path("Totals.Total").path("observations").asLong()).isGreaterThanOrEqualTo(GOOD);
        assertThat(learned.path("fields").path("BillingContact.Address.CountryCode").has("domain")).isTrue();
        assertThat(learned.path("fields").path("BillingContact.Email1").path("formats").has("email")).isTrue();

        // Bad orders (changed in Clarity while the flow waits, so Tandem reads them as changed), and a good one.
        stack.tandem().runtime().pause(FLOW, "test", "bad orders are being placed");
        SalesOrderRef badEmail = stack.clarity.orders().createRandomOrder(BadData.NONE);
        SalesOrderRef bigQuantity = stack.clarity.orders().createRandomOrder(BadData.NONE);
        SalesOrderRef newCountry = stack.clarity.orders().createRandomOrder(BadData.NONE);
        SalesOrderRef good = stack.clarity.orders().createRandomOrder(BadData.NONE);
        stack.clarity.store().salesOrders().modify(badEmail.id(), t -> ((ObjectNode) t.path("BillingContact"))
                .put("Email1", "jane.doe.example.com"));
        stack.clarity.store().salesOrders().modify(bigQuantity.id(), t -> {
            ObjectNode line = (ObjectNode) t.path("SalesItems").get(0);
            int q = line.path("Quantity").asInt();
            double added = (q * 1000.0 - q) * line.path("UnitSoldPrice").asDouble();
            line.put("Quantity", q * 1000);
            ObjectNode totals = (ObjectNode) t.path("Totals");
            totals.put("SubTotal", Math.round((totals.path("SubTotal").asDouble() + added) * 100) / 100.0);
            totals.put("Total", Math.round((totals.path("Total").asDouble() + added) * 100) / 100.0);
        });
        stack.clarity.store().salesOrders().modify(newCountry.id(), t -> ((ObjectNode) t.path("BillingContact").path("Address"))
                .put("CountryCode", "NZL").put("RegionCode", (String) null));
        stack.tandem().runtime().resume(FLOW, "test", "bad orders placed");
        await().atMost(Duration.ofSeconds(60)).until(() -> ordersInSalesforce(good) == 1 && ordersInSalesforce(newCountry) == 1
                && stack.tandem().runtime().idle());

        JsonNode email = deadLetterOf(viewer, badEmail);
        assertThat(email.path("errorCode").asText()).isEqualTo("PROFILE_VIOLATION");
        assertThat(email.path("step").asText()).isEqualTo("validate");
        assertThat(email.path("errorMessage").asText()).startsWith("BillingContact.Email1: expected an e-mail address (")
                .endsWith(", got \"jane.doe.example.com\"");
        assertThat(ok(viewer, "GET", "/dead-letters/" + email.path("id").asLong()).path("response").path("fields"))
                .extracting(JsonNode::asText).containsExactly("BillingContact.Email1");
        JsonNode quantity = deadLetterOf(viewer, bigQuantity);
        assertThat(quantity.path("errorMessage").asText()).contains("SalesItems[].Quantity: expected a magnitude up to about 5 (");
        assertThat(ordersInSalesforce(badEmail)).isZero();
        assertThat(ordersInSalesforce(bigQuantity)).isZero();
        assertThat(deadLetterOf(viewer, good)).isNull();
        assertThat(deadLetterOf(viewer, newCountry)).isNull();
        assertThat(auditOf(newCountry)).anySatisfy(a -> assertThat(a.outcome() + " " + a.detail()).startsWith(
                "WARNING PROFILE_VIOLATION: BillingContact.Address.CountryCode: expected one of the ")
                .endsWith(", got \"NZL\""));
        assertThat(auditOf(good)).noneSatisfy(a -> assertThat(a.detail()).contains("PROFILE_VIOLATION"));

        // The operator decides the big order is real: an as-is retry releases the held value, and it lands once.
        long quantityId = quantity.path("id").asLong();
        ok(operator, "POST", "/dead-letters/" + quantityId + "/retry");
        await().atMost(Duration.ofSeconds(30)).until(() -> ordersInSalesforce(bigQuantity) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> ok(viewer, "GET", "/dead-letters/" + quantityId).path("state").asText().equals("resolved"));
        assertThat(auditOf(bigQuantity)).anySatisfy(a -> assertThat(a.detail()).contains("released by an operator's retry"));

        // Reset, with the admin API's role checks and input checks.
        assertThat(call(null, "GET", "/profiles/" + FLOW).statusCode()).isEqualTo(401);
        assertThat(call(null, "DELETE", "/profiles/" + FLOW).statusCode()).isEqualTo(401);
        assertThat(call(viewer, "DELETE", "/profiles/" + FLOW).statusCode()).isEqualTo(403);
        assertThat(call(viewer, "GET", "/profiles/NOT_A_FLOW").statusCode()).isEqualTo(400);
        assertThat(call(viewer, "GET", "/profiles/no-such-flow").statusCode()).isEqualTo(404);
        assertThat(call(operator, "DELETE", "/profiles/" + FLOW + "?field=" + URLEncoder.encode("a..b; DROP", StandardCharsets.UTF_8))
                .statusCode()).isEqualTo(400);
        JsonNode reset = ok(operator, "DELETE", "/profiles/" + FLOW + "?field=BillingContact.Email1");
        assertThat(reset.path("fieldsReset").asInt()).isEqualTo(1);
        assertThat(ok(viewer, "GET", "/profiles/" + FLOW).path("fields").has("BillingContact.Email1")).isFalse();
        assertThat(ok(operator, "DELETE", "/profiles/" + FLOW).path("fieldsReset").asInt()).isEqualTo(4);
        assertThat(ok(viewer, "GET", "/profiles/" + FLOW).path("fields").size()).isZero();
    }
}
