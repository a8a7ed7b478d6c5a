package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.flows.FlowRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.tandem.server.api.AdminApiSecurityTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The designer's flow-file endpoints against a server watching a flows.dir: the schema, a flow's file as JSON, a
 * save that round-trips every shipped flow exactly, problems put on the step that has them, new flows from
 * templates, versions and their diff; and every hostile or unauthorised call refused with a problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowFileApiTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = AdminApi.BASE;

    @TempDir
    static Path dir;
    private Path flows;
    private ApiTestServer api;
    private String viewer;
    private String operator;
    private String admin;

    @BeforeAll
    void start() throws IOException {
        flows = Files.createDirectories(dir.resolve("flows"));
        api = ApiTestServer.start(dir, ApiTestServer.unlimited(), new TandemConfig.Flows(flows, Map.of()));
        viewer = api.token("designer-viewer", Role.VIEWER);
        operator = api.token("designer-operator", Role.OPERATOR);
        admin = api.token("designer-admin", Role.ADMIN);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private JsonNode ok(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return ApiTestServer.json(r);
    }

    private HttpResponse<String> put(String id, String body, String token, boolean dryRun) {
        return api.send("PUT", BASE + "/flows/" + id + "/definition" + (dryRun ? "?dryRun=true" : ""), token, body);
    }

    private ObjectNode definitionOf(String id) {
        return (ObjectNode) ok(api.get(BASE + "/flows/" + id + "/definition", viewer)).path("definition");
    }

    @Test
    void theSchemaIsTheFlowFileSchemaForViewers() {
        JsonNode schema = ok(api.get(BASE + "/flows/schema", viewer));
        assertThat(schema.path("title").asText()).isEqualTo("Tandem flow file");
        assertThat(schema.path("$defs").has("FilterStep-1")).isTrue();
        assertThat(api.get(BASE + "/flows/schema", null).statusCode()).isEqualTo(401);
    }

    @Test
    void theDefinitionIsTheFileAsJsonWithItsMapping() {
        JsonNode body = ok(api.get(BASE + "/flows/clarity-order-to-salesforce/definition", viewer));
        assertThat(body.path("file").asText()).isEqualTo("clarity-order-to-salesforce.yaml");
        assertThat(body.path("version").asText()).matches("[0-9a-f]{12}");
        assertThat(body.path("editable").asBoolean()).isTrue();
        // The keys in the file's order: the designer writes them back in that order.
        assertThat(body.path("definition").fieldNames()).toIterable()
                .containsSubsequence("id", "name", "description", "from", "picklists", "example", "steps");
        assertThat(body.path("mappings").path("clarity-order-to-salesforce.jsonata").asText()).contains("Order");
        assertThat(api.get(BASE + "/flows/no-such-flow/definition", viewer).statusCode()).isEqualTo(404);
        assertThat(api.get(BASE + "/flows/clarity-order-to-salesforce/definition", null).statusCode()).isEqualTo(401);
    }

    @Test
    void everyShippedFlowRoundTripsThroughTheApiToTheSameYaml() throws IOException {
        for (String file : FlowRepository.shippedFlowFiles()) {
            String id = file.replace(".yaml", "");
            Path onDisk = flows.resolve(file);
            // Another test may have saved the flow before: the file it replaces is the one to compare with.
            String original = Files.exists(onDisk) ? Files.readString(onDisk) : FlowRepository.shippedFile(file).orElseThrow();
            ObjectNode definition = definitionOf(id);
            JsonNode saved = ok(put(id, definition.toString(), admin, false));

            assertThat(onDisk).as(id).exists();
            assertThat(Files.readString(onDisk)).as(id + " on disk: the same text, comments and all").isEqualTo(original);
            assertThat(saved.path("commentsKept").asBoolean()).as(id).isTrue();
            assertThat(saved.path("running").asBoolean()).as(id + " reloaded").isTrue();
            JsonNode flow = ok(api.get(BASE + "/flows/" + id, viewer));
            assertThat(flow.path("version").asText()).isEqualTo(saved.path("version").asText());
            // The files it names came along (the shipped mapping beside it).
            definition.path("steps").findValuesAsText("mapping")
                    .forEach(m -> assertThat(flows.resolve(m)).as(id + " " + m).exists());
            // And the file as written reads back as the same definition.
            assertThat(definitionOf(id)).as(id + " again").isEqualTo(definition);
        }
    }

    @Test
    void aFilterStepIsSavedReloadedAndItsVersionsDiffed() throws IOException {
        String id = "clarity-inventory-to-salesforce";
        ObjectNode definition = definitionOf(id);
        String before = ok(api.get(BASE + "/flows/" + id, viewer)).path("version").asText();
        ArrayNode steps = (ArrayNode) definition.path("steps");
        steps.insertObject(1).putObject("filter").put("when", "Quantity > 0").put("reason", "nothing in stock");

        JsonNode dry = ok(put(id, definition.toString(), admin, true));
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("yaml").asText()).contains("- filter:");
        assertThat(ok(api.get(BASE + "/flows/" + id, viewer)).path("version").asText()).as("a dry run writes nothing")
                .isEqualTo(before);

        JsonNode saved = ok(put(id, definition.toString(), admin, false));
        String after = saved.path("version").asText();
        assertThat(after).isNotEqualTo(before);
        String written = Files.readString(flows.resolve(id + ".yaml"));
        assertThat(written).contains("when: Quantity > 0");
        // Edited in place: every comment of the shipped file is still there, and only the new step's lines are new.
        String shipped = FlowRepository.shippedFile(id + ".yaml").orElseThrow();
        assertThat(saved.path("commentsKept").asBoolean()).isTrue();
        assertThat(written.lines().filter(l -> l.strip().startsWith("#")).toList())
                .isEqualTo(shipped.lines().filter(l -> l.strip().startsWith("#")).toList()).isNotEmpty();
        assertThat(written.lines().count() - shipped.lines().count()).isEqualTo(3);

        JsonNode versions = ok(api.get(BASE + "/flows/" + id + "/versions", viewer));
        assertThat(versions.path("items").findValuesAsText("version")).contains(before, after);
        assertThat(versions.path("items").get(0).path("running").asBoolean()).isTrue();
        JsonNode diff = ok(api.get(BASE + "/flows/" + id + "/versions/" + before + "/diff/" + after, viewer));
        assertThat(diff.path("changes").toString()).contains("+ steps[1]").contains("Quantity > 0");
        assertThat(api.get(BASE + "/flows/" + id + "/versions/" + before + "/diff/0000000000ff", viewer).statusCode())
                .isEqualTo(404);
        assertThat(api.get(BASE + "/flows/" + id + "/versions/..%2F..%2Fx/diff/" + after, viewer).statusCode())
                .isIn(400, 404);
        assertThat(api.get(BASE + "/flows/" + id + "/versions", null).statusCode()).isEqualTo(401);
    }

    @Test
    void problemsAreA422NamingTheStepAndNothingIsWritten() throws IOException {
        String id = "clarity-link-to-salesforce";
        // A JSONata expression that does not compile, and (separately: the schema's problems come first) an
        // unknown step kind.
        ObjectNode badExpression = definitionOf(id);
        ((ArrayNode) badExpression.path("steps")).insertObject(2).putObject("filter").put("when", "$$$ (unclosed");
        ObjectNode unknownStep = definitionOf(id);
        ((ArrayNode) unknownStep.path("steps")).addObject().putObject("frobnicate").put("x", 1);
        Path file = flows.resolve(id + ".yaml");
        String beforeText = Files.exists(file) ? Files.readString(file) : null;

        for (boolean dryRun : new boolean[]{true, false}) {
            HttpResponse<String> r = put(id, badExpression.toString(), admin, dryRun);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(422);
            JsonNode problems = assertProblem(r, "invalid_flow").path("problems");
            assertThat(problems.findValuesAsText("step")).as(problems.toString()).containsOnly("steps/2");
            assertThat(problems.findValuesAsText("path")).as(problems.toString()).contains("steps/2/filter/when");

            HttpResponse<String> u = put(id, unknownStep.toString(), admin, dryRun);
            assertThat(u.statusCode()).as(u.body()).isEqualTo(422);
            JsonNode p = assertProblem(u, "invalid_flow").path("problems").get(0);
            assertThat(p.path("step").asText()).isEqualTo("steps/" + (unknownStep.path("steps").size() - 1));
            assertThat(p.path("message").asText()).contains("unknown step 'frobnicate'");
        }
        assertThat(Files.exists(file) ? Files.readString(file) : null).as("nothing written").isEqualTo(beforeText);
    }

    @Test
    void badBodiesAndIdsAreRefused() {
        String id = "clarity-product-to-salesforce";
        ObjectNode definition = definitionOf(id);
        assertThat(put(id, "not json", admin, false).statusCode()).isEqualTo(400);
        assertThat(put(id, "[1,2]", admin, false).statusCode()).isEqualTo(400);
        definition.put("id", "another-flow");
        HttpResponse<String> renamed = put(id, definition.toString(), admin, false);
        assertThat(renamed.statusCode()).isEqualTo(422);
        assertThat(assertProblem(renamed, "invalid_flow").path("problems").get(0).path("path").asText()).isEqualTo("id");
        // Oversized: more than the admin API's 1 MiB.
        definition.put("id", id).put("description", "x".repeat(1024 * 1024 + 10));
        HttpResponse<String> big = put(id, definition.toString(), admin, false);
        assertThat(big.statusCode()).isEqualTo(413);
        // A flow id that is a path: never a file outside flows.dir.
        for (String hostile : new String[]{"..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "UPPER", "a%00b"}) {
            HttpResponse<String> r = put(hostile, "{\"id\":\"x\"}", admin, false);
            assertThat(r.statusCode()).as(hostile + " " + r.body()).isIn(400, 404);
            assertThat(api.get(BASE + "/flows/" + hostile + "/definition", viewer).statusCode()).isIn(400, 404);
        }
        assertThat(dir.resolve("etc")).doesNotExist();
        assertThat(flows.getParent().resolve("passwd")).doesNotExist();
    }

    @Test
    void aSaveBasedOnAnOlderVersionIsAConflict() throws IOException {
        String id = "salesforce-account-to-clarity";
        String current = ok(api.get(BASE + "/flows/" + id, viewer)).path("version").asText();
        ObjectNode definition = definitionOf(id);
        definition.put("description", "changed by one admin");
        HttpResponse<String> stale = api.send("PUT", BASE + "/flows/" + id + "/definition?baseVersion=0123456789ab",
                admin, definition.toString());
        assertThat(stale.statusCode()).as(stale.body()).isEqualTo(409);
        assertThat(assertProblem(stale, "version_conflict").path("detail").asText()).contains(current);
        assertThat(ok(api.get(BASE + "/flows/" + id, viewer)).path("version").asText()).isEqualTo(current);
        JsonNode saved = ok(api.send("PUT", BASE + "/flows/" + id + "/definition?baseVersion=" + current, admin,
                definition.toString()));
        assertThat(saved.path("version").asText()).isNotEqualTo(current);
        assertThat(Files.readString(flows.resolve(id + ".yaml"))).contains("changed by one admin");
    }

    @Test
    void writingNeedsTheAdminRole() {
        String id = "clarity-order-to-salesforce";
        String body = definitionOf(id).toString();
        assertThat(put(id, body, null, false).statusCode()).isEqualTo(401);
        assertThat(put(id, body, viewer, false).statusCode()).isEqualTo(403);
        assertThat(put(id, body, operator, true).statusCode()).isEqualTo(403);
        String create = "{\"template\":\"clarity-order-to-salesforce\",\"id\":\"never-made\"}";
        assertThat(api.send("POST", BASE + "/flows", null, create).statusCode()).isEqualTo(401);
        assertThat(api.send("POST", BASE + "/flows", operator, create).statusCode()).isEqualTo(403);
        assertThat(flows.resolve("never-made.yaml")).doesNotExist();
    }

    @Test
    void aNewFlowFromATemplateStartsSwitchedOffAndAnExistingIdIsRefused() throws IOException {
        HttpResponse<String> r = api.send("POST", BASE + "/flows", admin,
                "{\"template\":\"clarity-order-to-opportunity\",\"id\":\"my-opportunities\",\"name\":\"My <b>opportunities</b>\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode flow = ok(api.get(BASE + "/flows/my-opportunities", viewer));
        assertThat(flow.path("state").asText()).isEqualTo("disabled");
        String text = Files.readString(flows.resolve("my-opportunities.yaml"));
        String template = FlowRepository.shippedFile("clarity-order-to-opportunity.yaml").orElseThrow();
        assertThat(text.lines().filter(l -> l.strip().startsWith("#")).toList()).as("the template's comments came along")
                .isEqualTo(template.lines().filter(l -> l.strip().startsWith("#")).toList());
        JsonNode written = YAML.readTree(text);
        assertThat(written.path("id").asText()).isEqualTo("my-opportunities");
        assertThat(written.path("name").asText()).isEqualTo("My <b>opportunities</b>");
        assertThat(written.path("enabled").asBoolean()).isFalse();
        assertThat(written.path("steps")).isEqualTo(YAML.readTree(FlowRepository.shippedFile(
                "clarity-order-to-opportunity.yaml").orElseThrow()).path("steps"));

        HttpResponse<String> again = api.send("POST", BASE + "/flows", admin,
                "{\"template\":\"clarity-order-to-opportunity\",\"id\":\"my-opportunities\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(api.send("POST", BASE + "/flows", admin,
                "{\"template\":\"clarity-order-to-salesforce\",\"id\":\"clarity-customer-to-salesforce\"}").statusCode())
                .as("a shipped id").isEqualTo(409);
        for (String bad : new String[]{"{\"template\":\"../../etc/passwd\",\"id\":\"x1\"}",
                "{\"template\":\"no-such-template\",\"id\":\"x2\"}", "{\"template\":\"clarity-order-to-salesforce\",\"id\":\"../x\"}",
                "{\"template\":\"clarity-order-to-salesforce\"}", "{\"template\":1,\"id\":\"x3\"}", "[]"}) {
            HttpResponse<String> b = api.send("POST", BASE + "/flows", admin, bad);
            assertThat(b.statusCode()).as(bad + " " + b.body()).isEqualTo(400);
        }
        try (var files = Files.list(flows)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("x"));
        }
    }
}
