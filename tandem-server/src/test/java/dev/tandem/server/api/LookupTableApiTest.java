package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static dev.tandem.server.api.AdminApiSecurityTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /flows/{id}/lookups} against a server watching a flows.dir that holds a copy of the shipped product
 * flow with more tables: CSV, a YAML mapping of single values, a table longer than a page, and one whose file is
 * broken or removed after the flow loaded (a problem on that table, the others still shown, never a 500).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LookupTableApiTest {

    private static final String BASE = AdminApi.BASE;
    private static final String FLOW = "lookup-test";

    @TempDir
    static Path dir;
    private Path flows;
    private ApiTestServer api;
    private String viewer;

    @BeforeAll
    void start() throws IOException {
        flows = Files.createDirectories(dir.resolve("flows"));
        Files.createDirectories(flows.resolve("tables"));
        String yaml = FlowRepository.shippedFile("clarity-product-to-salesforce.yaml").orElseThrow()
                .replace("id: clarity-product-to-salesforce", "id: " + FLOW)
                .replace("lookups:\n", "lookups:\n"
                        + "  warehouses: { file: tables/warehouses.csv }\n"
                        + "  regions: { file: tables/regions.yaml }\n"
                        + "  big: { file: tables/big.csv, key: sku }\n"
                        + "  later: { file: tables/later.csv }\n");
        Files.writeString(flows.resolve(FLOW + ".yaml"), yaml);
        for (String f : new String[] {"clarity-product-to-salesforce.jsonata", "clarity-product.example.json",
                "tables/clarity-pricebooks.yaml", "tables/clarity-currencies.yaml"}) {
            Files.writeString(flows.resolve(f), FlowRepository.shippedFile(f).orElseThrow());
        }
        Files.writeString(flows.resolve("tables/warehouses.csv"), "code,name,region\nAUS,Austin DC,South\nCHI,Chicago DC,Midwest\n");
        Files.writeString(flows.resolve("tables/regions.yaml"), "South: Texas\nMidwest: 3\n");
        Files.writeString(flows.resolve("tables/big.csv"), "name,sku\n" + IntStream.rangeClosed(1, 600)
                .mapToObj(i -> "item " + i + ",S" + i).collect(Collectors.joining("\n")) + "\n");
        Files.writeString(flows.resolve("tables/later.csv"), "k,v\na,1\n");
        api = ApiTestServer.start(dir, ApiTestServer.unlimited(), new TandemConfig.Flows(flows, Map.of()));
        viewer = api.token("lookups-viewer", Role.VIEWER);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    private JsonNode tables(String id) {
        HttpResponse<String> r = api.get(BASE + "/flows/" + id + "/lookups", viewer);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode items = ApiTestServer.json(r).path("items");
        return items;
    }

    private static JsonNode named(JsonNode items, String name) {
        for (JsonNode t : items) {
            if (t.path("name").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no table " + name + " in " + items);
    }

    @Test
    void everyDeclaredTableIsShownWithItsColumnsAndRows() {
        JsonNode items = tables(FLOW);
        assertThat(java.util.stream.StreamSupport.stream(items.spliterator(), false)
                .map(t -> t.path("name").asText())).containsExactly("big", "currencies", "later", "pricebooks",
                "regions", "warehouses");

        JsonNode warehouses = named(items, "warehouses");
        assertThat(warehouses.path("file").asText()).isEqualTo("tables/warehouses.csv");
        assertThat(warehouses.path("keyColumn").asText()).isEqualTo("code");
        assertThat(warehouses.path("columns").toString()).isEqualTo("[\"code\",\"name\",\"region\"]");
        assertThat(warehouses.path("rows").get(1).path("name").asText()).isEqualTo("Chicago DC");
        assertThat(warehouses.path("size").asInt()).isEqualTo(2);
        assertThat(warehouses.has("problem")).isFalse();

        JsonNode regions = named(items, "regions");
        assertThat(regions.path("columns").toString()).isEqualTo("[\"key\",\"value\"]");
        assertThat(regions.path("rows").get(0).path("key").asText()).isEqualTo("South");
        assertThat(regions.path("rows").get(1).path("value").isNumber()).as("YAML keeps its types").isTrue();

        JsonNode big = named(items, "big");
        assertThat(big.path("keyColumn").asText()).isEqualTo("sku");
        assertThat(big.path("rows").size()).isEqualTo(LookupTableApi.MAX_ROWS);
        assertThat(big.path("size").asInt()).isEqualTo(600);
        assertThat(big.path("truncated").asBoolean()).isTrue();

        // The shipped flow's tables are empty by default: shown as empty, not as a problem.
        assertThat(named(items, "currencies").path("rows").size()).isZero();
        assertThat(named(items, "currencies").has("problem")).isFalse();
    }

    @Test
    void aTableFileBrokenOrRemovedAfterLoadingIsAProblemOnThatTableOnly() throws IOException {
        Path later = flows.resolve("tables/later.csv");
        try {
            Files.writeString(later, "k,v\na,1\na,2\n");
            JsonNode items = tables(FLOW);
            assertThat(named(items, "later").path("problem").asText()).contains("key 'a' appears twice");
            assertThat(named(items, "warehouses").path("rows").size()).isEqualTo(2);

            Files.writeString(later, "k: [unclosed\n");
            Files.move(later, flows.resolve("tables/later.yaml"));
            Files.delete(flows.resolve("tables/later.yaml"));
            assertThat(named(tables(FLOW), "later").path("problem").asText()).contains("tables/later.csv")
                    .contains("missing");
        } finally {
            Files.writeString(later, "k,v\na,1\n");
        }
    }

    @Test
    void aFlowWithoutTablesHasNoneAndAShippedFlowsTablesComeFromTheJar() {
        assertThat(tables("clarity-order-to-salesforce").size()).isZero();
        JsonNode shipped = tables("clarity-product-to-salesforce");
        assertThat(shipped.size()).isEqualTo(2);
        shipped.forEach(t -> assertThat(t.has("problem")).as(t.toString()).isFalse());
        assertThat(named(shipped, "pricebooks").path("file").asText()).isEqualTo("tables/clarity-pricebooks.yaml");
    }

    @Test
    void badIdsAndNoSessionAreRefused() {
        assertProblem(api.get(BASE + "/flows/no-such-flow/lookups", viewer), null);
        assertThat(api.get(BASE + "/flows/no-such-flow/lookups", viewer).statusCode()).isEqualTo(404);
        assertThat(api.get(BASE + "/flows/..%2F..%2Fetc/lookups", viewer).statusCode()).isEqualTo(404);
        assertThat(api.get(BASE + "/flows/" + "a".repeat(5000) + "/lookups", viewer).statusCode()).isIn(404, 414, 431);
        assertProblem(api.get(BASE + "/flows/" + FLOW + "/lookups", null), null);
        assertThat(api.get(BASE + "/flows/" + FLOW + "/lookups", null).statusCode()).isEqualTo(401);
        assertThat(api.get(BASE + "/flows/" + FLOW + "/lookups", "forged-token").statusCode()).isEqualTo(401);
    }
}
