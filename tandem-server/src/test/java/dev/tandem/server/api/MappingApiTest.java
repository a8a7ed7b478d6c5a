package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.mapping.MappingDecisionStore;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.demo.Demo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.tandem.server.api.AdminApiSecurityTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/v1/flows/{id}/mapping…} and {@code /mapping/decisions} against a Tandem with both sandboxes (the demo's
 * set-up, no orders run): the shipped order flow's mapping with the Salesforce sandbox's Order describe, previews
 * of changed text (the example, a given record, an order fetched from the Clarity sandbox by key), suggestions and
 * decisions as {@code tandem map suggest} keeps them, saving into flows.dir and the reload; bad, hostile and
 * oversized input, no token, the wrong role.
 */
class MappingApiTest {

    private static final String FLOW = "clarity-order-to-salesforce";
    private static final String BASE = AdminApi.BASE + "/flows/" + FLOW + "/mapping";

    @TempDir
    Path dir;
    private Demo demo;
    private final HttpClient http = HttpClient.newHttpClient();
    private String viewer;
    private String operator;
    private String admin;
    private String shipped;

    @BeforeEach
    void start() throws IOException {
        demo = new Demo(new Demo.Options(0, 50, 7, 0, 0, dir.resolve("data"), Duration.ofSeconds(30),
                TandemConfig.Ingest.WEBHOOK), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), false);
        ApiTokens tokens = demo.tandem().adminApi().tokens();
        viewer = tokens.create("viewer", Role.VIEWER).secret();
        operator = tokens.create("operator", Role.OPERATOR).secret();
        admin = tokens.create("admin", Role.ADMIN).secret();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("flows/" + FLOW + ".jsonata")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() {
        demo.close();
        http.close();
    }

    private static JsonNode reads(JsonNode answer, String entity, int index) {
        for (JsonNode r : answer.path("reads")) {
            if (r.path("entity").asText().equals(entity) && r.path("index").asInt() == index) {
                return r;
            }
        }
        throw new AssertionError("no reads of " + entity + " #" + index + " in " + answer.path("reads"));
    }

    /** The shipped mapping with the Order's Clarity_Total__c set from Totals.Total (not mapped today). */
    private String withClarityTotal() {
        String last = "\"BillingCountry\": $billingCc\n";
        assertThat(shipped).containsOnlyOnce(last);
        return shipped.replace(last, "\"BillingCountry\": $billingCc,\n          \"Clarity_Total__c\": Totals.Total\n");
    }

    @Test
    void aViewerSeesTheMappingTheSourceFieldsAndTheOrderDescribe() {
        JsonNode m = json(send("GET", BASE, viewer, null), 200);
        assertThat(m.path("text").asText()).isEqualTo(shipped);
        assertThat(m.path("file").asText()).isEqualTo(FLOW + ".jsonata");
        // per record, the source paths each field reads: the product lines are made per SalesItems item
        JsonNode items = reads(m, "OrderItem", 1);
        assertThat(items.path("context").asText()).isEqualTo("SalesItems");
        assertThat(texts(items.path("fields").path("Quantity"))).containsExactly("SalesItems.Quantity");
        assertThat(texts(reads(m, "Order", 0).path("fields").path("EffectiveDate"))).containsExactly("CreatedDate");
        assertThat(reads(m, "OrderItem", 0).path("fields").path("UnitPrice")).isEmpty(); // $charge's parameter
        // a variable is followed to the paths it stands for ($billingAddress: the billing copy's address, or $address)
        assertThat(texts(reads(m, "Order", 0).path("fields").path("BillingCity")))
                .contains("BillingContact.Address.City", "User.Contact.Address.City");
        assertThat(m.path("shipped").asBoolean()).isTrue();
        assertThat(m.path("writable").asBoolean()).isTrue();
        assertThat(m.path("object").asText()).isEqualTo("Order");
        assertThat(texts(m.path("objects"))).contains("Account", "Contact", "Order", "OrderItem");
        assertThat(texts(m.path("sourceFields"), "path")).contains("Totals.Total", "PurchaseOrderNumber",
                "BillingContact.Address.City", "SalesItems[].Sku");
        JsonNode total = field(m.path("targetFields"), "Clarity_Total__c");
        assertThat(total.path("type").asText()).isEqualTo("currency");
        assertThat(total.path("createable").asBoolean()).isTrue();
        assertThat(field(m.path("targetFields"), "EffectiveDate").path("required").asBoolean()).isTrue();
        assertThat(field(m.path("targetFields"), "TotalAmount").path("createable").asBoolean()).isFalse();
        assertThat(field(m.path("targetFields"), "Status").path("picklistValues")).isNotEmpty();
        for (JsonNode f : m.path("targetFields")) {
            assertThat(f.path("required").asBoolean()).as(f.path("name").asText()).isEqualTo(
                    f.path("createable").asBoolean() && !f.path("nillable").asBoolean()
                            && !f.path("defaultedOnCreate").asBoolean());
        }
        JsonNode account = json(send("GET", BASE + "?object=Account", viewer, null), 200);
        assertThat(account.path("object").asText()).isEqualTo("Account");
        assertThat(texts(account.path("targetFields"), "name")).contains("BillingCity");
        // An object the org does not have: the mapping still shows, the describe's failure said beside it.
        JsonNode none = json(send("GET", BASE + "?object=NoSuchObject__c", viewer, null), 200);
        assertThat(none.path("targetFields")).isEmpty();
        assertThat(none.path("targetError").asText()).contains("NoSuchObject__c");
    }

    @Test
    void aPreviewRunsTheFlowWithTheGivenTextOnTheExampleARecordOrAClarityOrder() {
        ObjectNode body = ApiTestServer.JSON.createObjectNode().put("mapping", withClarityTotal());
        JsonNode p = json(send("POST", BASE + "/preview", viewer, body.toString()), 200);
        assertThat(p.path("outcome").path("result").asText()).isEqualTo("write");
        JsonNode order = record(p, "Order");
        assertThat(order.path("fields").path("Clarity_Total__c").asDouble()).isEqualTo(226.5);
        assertThat(order.path("key").asText()).isEqualTo("SO-5001");
        assertThat(p.path("plan").path("calls").get(0).asText()).startsWith("POST /composite/graph");
        assertThat(texts(p.path("plan").path("objects"), "entity")).contains("Account", "Contact", "Order", "OrderItem");
        assertThat(p.path("validation")).isNotEmpty();
        assertThat(p.path("validation").get(0).path("outcome").asText()).isEqualTo("OK");
        assertThat(p.path("version").asText()).isNotEqualTo(flowVersion());
        // the reads of the previewed text (not the flow's): the new entry's path, found on JSONata's syntax tree
        JsonNode orderReads = reads(p, "Order", 0);
        assertThat(texts(orderReads.path("fields").path("Clarity_Total__c"))).containsExactly("Totals.Total");
        assertThat(orderReads.path("context").asText()).isEmpty();

        // A given record, failing a validation rule: the preview says so, as tandem map preview does.
        ObjectNode bad = body.deepCopy();
        bad.putObject("record").put("ID", 1).put("CustomKey", "SO-1").putObject("Totals").put("Total", -5);
        JsonNode refused = json(send("POST", BASE + "/preview", viewer, bad.toString()), 200);
        assertThat(refused.path("outcome").path("result").asText()).isEqualTo("dead-letter");
        assertThat(refused.path("outcome").path("code").asText()).isEqualTo("BUSINESS_RULE_VIOLATION");
        assertThat(refused.path("outcome").path("message").asText()).contains("negative total");

        // A real order, fetched from the Clarity sandbox by its key.
        SalesOrderRef ref = demo.clarity().orders().createRandomOrder();
        ObjectNode byKey = body.deepCopy().put("clarityKey", ref.customKey());
        JsonNode live = json(send("POST", BASE + "/preview", viewer, byKey.toString()), 200);
        assertThat(live.path("record").path("CustomKey").asText()).isEqualTo(ref.customKey());
        assertThat(record(live, "Order").path("key").asText()).isEqualTo(ref.customKey());
        assertThat(record(live, "Order").path("fields").path("Clarity_Total__c").asDouble())
                .isEqualTo(live.path("record").path("Totals").path("Total").asDouble());
        assertProblem(send("POST", BASE + "/preview", viewer, body.deepCopy().put("clarityKey", "SO-NOT-THERE").toString()),
                "not_found");
    }

    @Test
    void aSyntaxErrorIsA422WithItsPosition() {
        String broken = shipped.replace("\"PoNumber\": PurchaseOrderNumber,", "\"PoNumber\": (PurchaseOrderNumber,");
        HttpResponse<String> r = send("POST", BASE + "/preview", viewer,
                ApiTestServer.JSON.createObjectNode().put("mapping", broken).toString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
        JsonNode p = assertProblem(r, "invalid_mapping");
        assertThat(p.path("line").asInt()).isPositive();
        assertThat(p.path("column").asInt()).isPositive();
        assertThat(p.path("detail").asText()).startsWith("line " + p.path("line").asInt() + ", column ");
        assertThat(p.path("errors").get(0).path("file").asText()).isEqualTo(FLOW + ".jsonata");
    }

    @Test
    void badHostileAndOversizedInputIsAProblemNever500() {
        String p = BASE + "/preview";
        assertProblem(send("POST", p, viewer, "[1,2]"), "bad_request");
        assertProblem(send("POST", p, viewer, "{ not json"), "bad_request");
        assertProblem(send("POST", p, viewer, "{\"mapping\": 12}"), "bad_request");
        assertProblem(send("POST", p, viewer, "{\"mapping\": \"   \"}"), "invalid_mapping");
        assertProblem(send("POST", p, viewer, "{\"record\": [1]}"), "bad_request");
        assertProblem(send("POST", p, viewer, "{\"record\": {}, \"clarityKey\": \"SO-1\"}"), "bad_request");
        assertProblem(send("POST", p, viewer, "{\"clarityKey\": \"a\\u0000b\"}"), "bad_request");
        assertProblem(send("POST", p, viewer, "{\"clarityKey\": \"" + "x".repeat(300) + "\"}"), "bad_request");
        // Field names that could not be a JSONata path: refused with the name, not run.
        assertThat(assertProblem(send("POST", p, viewer, "{\"record\": {\"ID\": 1, \"a`b\": 1}}"), "invalid_record")
                .path("detail").asText()).contains("a`b");
        HttpResponse<String> big = send("POST", p, viewer, "{\"mapping\": \"" + "x".repeat(2_000_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
        // A hostile expression runs as JSONata over the record, nothing else: it cannot reach the machine.
        JsonNode evil = json(send("POST", p, viewer, ApiTestServer.JSON.createObjectNode().put("mapping",
                "{\"root\": \"o\", \"records\": [{\"ref\": \"a\", \"entity\": \"Account\", \"keyField\": \"K\", \"key\": \"a\","
                        + " \"fields\": {\"Name\": \"<img src=x onerror=alert(1)>\"}}, {\"ref\": \"c\", \"entity\": \"Contact\","
                        + " \"keyField\": \"K\", \"key\": \"c\", \"fields\": {\"LastName\": \"Doe\"}}, {\"ref\": \"o\","
                        + " \"entity\": \"Order\", \"keyField\": \"K\", \"key\": \"k\","
                        + " \"fields\": {\"Description\": \"<script>alert(1)</script>\" & $string(1+1)}}]}").toString()), 200);
        assertThat(evil.path("outcome").path("result").asText()).as(evil.toString()).isEqualTo("write");
        assertThat(record(evil, "Order").path("fields").path("Description").asText()).isEqualTo("<script>alert(1)</script>2");

        // A mapping that recurses without end is stopped by JSONata's depth bound and said, never a 500 (the flow's
        // own dead-letter does not hide it); the next preview runs. MappingApiBoundsTest covers the time bound.
        HttpResponse<String> deep = send("POST", p, viewer, ApiTestServer.JSON.createObjectNode().put("mapping",
                "($f := function($n) { 1 + $f($n + 1) }; $f(0))").toString());
        assertProblem(deep, "preview_too_deep");
        assertThat(ApiTestServer.json(deep).path("detail").asText()).isEqualTo("the expression nested deeper than "
                + MappingApi.PREVIEW_DEPTH + " levels: a function that calls itself without end?");
        // Nesting too deep to parse: a clear 422, not a 500 (the parser would overflow its stack).
        HttpResponse<String> nested = send("POST", p, viewer, ApiTestServer.JSON.createObjectNode().put("mapping",
                "[".repeat(200_000) + "A" + "]".repeat(200_000)).toString());
        assertProblem(nested, "invalid_mapping");
        assertThat(ApiTestServer.json(nested).path("detail").asText()).contains("nested too deeply");
        assertThat(send("POST", p, viewer, "{}").statusCode()).isEqualTo(200);
        assertProblem(send("GET", AdminApi.BASE + "/flows/no-such-flow/mapping", viewer, null), "not_found");
        assertProblem(send("GET", BASE + "?object=%3Cscript%3E", viewer, null), "bad_request");
        assertProblem(send("POST", BASE + "/suggestions", viewer, "{}"), "bad_request");
        assertProblem(send("POST", BASE + "/suggestions", viewer, "{\"object\": \"Order\", \"top\": 99}"), "bad_request");
        assertProblem(send("POST", BASE + "/suggestions", viewer, "{\"object\": \"Order; DROP\"}"), "bad_request");
        String d = AdminApi.BASE + "/mapping/decisions";
        assertProblem(send("POST", d, operator, "{}"), "bad_request");
        assertProblem(send("POST", d, operator, "{\"flow\": \"no-such-flow\", \"object\": \"Order\", \"decisions\": []}"), "not_found");
        assertProblem(send("POST", d, operator, "{\"flow\": \"" + FLOW + "\", \"object\": \"Order\", \"decisions\": []}"), "bad_request");
        assertProblem(send("POST", d, operator, "{\"flow\": \"" + FLOW + "\", \"object\": \"Order\", \"decisions\": "
                + "[{\"source\": \"a\", \"target\": \"x'; DROP TABLE mapping_decision; --\", \"accepted\": true}]}"), "bad_request");
        assertProblem(send("POST", d, operator, "{\"flow\": \"" + FLOW + "\", \"object\": \"Order\", \"decisions\": "
                + "[{\"source\": \"a\", \"target\": \"Name\", \"accepted\": \"yes\"}]}"), "bad_request");
        assertProblem(send("PUT", BASE, admin, "{}"), "bad_request");
        assertProblem(send("PUT", BASE, admin, "{\"text\": 5}"), "bad_request");
        assertThat(send("PUT", BASE, admin, "{\"text\": \"" + "x".repeat(2_000_000) + "\"}").statusCode()).isEqualTo(413);
        assertThat(dir.resolve("data/flows")).isEmptyDirectory();
    }

    @Test
    void withoutATokenEveryCallIs401AndTheRolesAreChecked() {
        String d = AdminApi.BASE + "/mapping/decisions";
        String decision = "{\"flow\": \"" + FLOW + "\", \"object\": \"Order\", \"decisions\": "
                + "[{\"source\": \"Totals.Total\", \"target\": \"Clarity_Total__c\", \"accepted\": true}]}";
        assertThat(send("GET", BASE, null, null).statusCode()).isEqualTo(401);
        assertThat(send("POST", BASE + "/preview", null, "{}").statusCode()).isEqualTo(401);
        assertThat(send("POST", BASE + "/suggestions", null, "{}").statusCode()).isEqualTo(401);
        assertThat(send("POST", d, null, decision).statusCode()).isEqualTo(401);
        assertThat(send("PUT", BASE, null, "{\"text\": \"1\"}").statusCode()).isEqualTo(401);
        assertThat(send("POST", d, viewer, decision).statusCode()).isEqualTo(403);
        assertThat(send("PUT", BASE, viewer, "{\"text\": \"1\"}").statusCode()).isEqualTo(403);
        assertThat(send("PUT", BASE, operator, "{\"text\": \"1\"}").statusCode()).isEqualTo(403);
        assertThat(decisions()).isEmpty();
        assertThat(dir.resolve("data/flows")).isEmptyDirectory();
    }

    @Test
    void suggestionsRankTheOrderFieldsAndAnAcceptIsRememberedAndShown() {
        String body = "{\"object\": \"Order\", \"top\": 3}";
        JsonNode s = json(send("POST", BASE + "/suggestions", viewer, body), 200);
        assertThat(s.path("sourceSystem").asText()).isEqualTo("clarity");
        JsonNode po = item(s, "PurchaseOrderNumber");
        assertThat(po.get(0).path("target").asText()).isEqualTo("PoNumber");
        assertThat(po.get(0).path("score").asDouble()).isBetween(0.5, 1.0);
        assertThat(po.get(0).path("reasons")).isNotEmpty();
        assertThat(po.get(0).path("fromEarlierAccept").asBoolean()).isFalse();
        assertThat(s.path("excludedTargets").toString()).contains("TotalAmount");

        HttpResponse<String> r = send("POST", AdminApi.BASE + "/mapping/decisions", operator, "{\"flow\": \"" + FLOW
                + "\", \"object\": \"Order\", \"decisions\": [{\"source\": \"Totals.Total\", \"target\": \"Clarity_Total__c\", "
                + "\"accepted\": true}, {\"source\": \"PurchaseOrderNumber\", \"target\": \"Name\", \"accepted\": false}]}");
        assertThat(json(r, 201).path("recorded").asInt()).isEqualTo(2);
        List<MappingDecisionStore.Decision> stored = decisions();
        assertThat(stored).extracting(MappingDecisionStore.Decision::sourcePath, MappingDecisionStore.Decision::targetField,
                MappingDecisionStore.Decision::accepted).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("Totals.Total", "Clarity_Total__c", true),
                org.assertj.core.groups.Tuple.tuple("PurchaseOrderNumber", "Name", false));

        JsonNode after = json(send("POST", BASE + "/suggestions", viewer, body), 200);
        JsonNode total = item(after, "Totals.Total");
        assertThat(total.get(0).path("target").asText()).isEqualTo("Clarity_Total__c");
        assertThat(total.get(0).path("fromEarlierAccept").asBoolean()).isTrue();
        assertThat(item(after, "PurchaseOrderNumber").findValuesAsText("target")).doesNotContain("Name");
    }

    @Test
    void saveValidatesThenWritesTheMappingIntoFlowsDirAndTheServerRunsTheNewVersion() throws IOException {
        String before = flowVersion();
        String broken = shipped.replace("\"PoNumber\": PurchaseOrderNumber,", "\"PoNumber\": (PurchaseOrderNumber,");
        HttpResponse<String> refused = send("PUT", BASE, admin, ApiTestServer.JSON.createObjectNode().put("text", broken).toString());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(dir.resolve("data/flows")).isEmptyDirectory();

        JsonNode saved = json(send("PUT", BASE, admin, ApiTestServer.JSON.createObjectNode().put("text", withClarityTotal())
                .toString()), 200);
        Path flows = dir.resolve("data/flows");
        assertThat(Files.readString(flows.resolve(FLOW + ".jsonata"))).isEqualTo(withClarityTotal());
        assertThat(flows.resolve(FLOW + ".yaml")).isNotEmptyFile();
        assertThat(flows.resolve("clarity-order.example.json")).isNotEmptyFile();
        assertThat(saved.path("previousVersion").asText()).isEqualTo(before);
        String version = saved.path("version").asText();
        assertThat(version).isNotEqualTo(before);
        await().atMost(Duration.ofSeconds(10)).until(() -> flowVersion().equals(version));
        JsonNode now = json(send("GET", BASE, viewer, null), 200);
        assertThat(now.path("text").asText()).isEqualTo(withClarityTotal());
        assertThat(now.path("shipped").asBoolean()).isFalse();
        // A second save edits the copy in place.
        String again = withClarityTotal().replace("\"Clarity_Total__c\": Totals.Total", "\"Clarity_Total__c\": $round(Totals.Total, 2)");
        JsonNode second = json(send("PUT", BASE, admin, ApiTestServer.JSON.createObjectNode().put("text", again).toString()), 200);
        assertThat(Files.readString(flows.resolve(FLOW + ".jsonata"))).isEqualTo(again);
        await().atMost(Duration.ofSeconds(10)).until(() -> flowVersion().equals(second.path("version").asText()));
    }

    private String flowVersion() {
        return json(send("GET", AdminApi.BASE + "/flows/" + FLOW, viewer, null), 200).path("version").asText();
    }

    private List<MappingDecisionStore.Decision> decisions() {
        return ((MappingDecisionStore) demo.tandem().stateStore()).decisions("clarity", "Order");
    }

    private static JsonNode item(JsonNode suggestions, String source) {
        for (JsonNode i : suggestions.path("items")) {
            if (i.path("source").asText().equals(source)) {
                return i.path("suggestions");
            }
        }
        throw new AssertionError("no suggestions for " + source + " in " + suggestions);
    }

    private static JsonNode record(JsonNode preview, String entity) {
        for (JsonNode r : preview.path("output")) {
            if (r.path("entity").asText().equals(entity)) {
                return r;
            }
        }
        throw new AssertionError("no " + entity + " in " + preview);
    }

    private static JsonNode field(JsonNode fields, String name) {
        for (JsonNode f : fields) {
            if (f.path("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name);
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<String> texts(JsonNode array, String member) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(member).asText()));
        return out;
    }

    private static JsonNode json(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return ApiTestServer.json(r);
    }

    private HttpResponse<String> send(String method, String path, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(demo.tandem().baseUrl().resolve(path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
