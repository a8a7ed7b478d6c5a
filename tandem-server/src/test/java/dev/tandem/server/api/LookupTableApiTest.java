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
    private String operator;
    private String admin;

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
                        + "  later: { file: tables/later.csv }\n"
                        + "  notes: { file: tables/notes.csv }\n"
                        + "  bins: { file: tables/bins.yaml, key: bin }\n");
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
        Files.writeString(flows.resolve("tables/notes.csv"), NOTES);
        Files.writeString(flows.resolve("tables/bins.yaml"), BINS);
        api = ApiTestServer.start(dir, ApiTestServer.unlimited(), new TandemConfig.Flows(flows, Map.of()));
        viewer = api.token("lookups-viewer", Role.VIEWER);
        operator = api.token("lookups-operator", Role.OPERATOR);
        admin = api.token("lookups-admin", Role.ADMIN);
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
                .map(t -> t.path("name").asText())).containsExactly("big", "bins", "currencies", "later", "notes",
                "pricebooks", "regions", "warehouses");

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

        // A table longer than the old page of 500 rows is sent whole, so the console can edit it.
        JsonNode big = named(items, "big");
        assertThat(big.path("keyColumn").asText()).isEqualTo("sku");
        assertThat(big.path("rows").size()).isEqualTo(600);
        assertThat(big.path("size").asInt()).isEqualTo(600);
        assertThat(big.path("truncated").asBoolean()).isFalse();

        // The shipped flow's tables are empty by default: shown as empty, not as a problem.
        assertThat(named(items, "currencies").path("rows").size()).isZero();
        assertThat(named(items, "currencies").has("problem")).isFalse();
    }

    private static String bigRows(int count, int noteLength) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> "[\"" + "n".repeat(noteLength) + "\",\"S" + i + "\"]")
                .collect(Collectors.joining(","));
    }

    @Test
    void aLargeTableIsSavedWholeAndOneNearTheBodyLimitIsAClearProblem() throws IOException {
        Path file = flows.resolve("tables/big.csv");
        String before = Files.readString(file);
        try {
            HttpResponse<String> r = api.get(BASE + "/flows/" + FLOW + "/lookups", viewer);
            assertThat(ApiTestServer.json(r).path("maxRows").asInt()).isEqualTo(LookupTableWriter.MAX_ROWS);
            assertThat(ApiTestServer.json(r).path("maxBodyBytes").asInt()).isEqualTo(ApiSupport.MAX_BODY_BYTES);

            // 10,000 rows (the most a save holds), one cell changed among them: saved, sent back whole.
            String rows = bigRows(LookupTableWriter.MAX_ROWS, 8).replace("[\"nnnnnnnn\",\"S4321\"]",
                    "[\"changed\",\"S4321\"]");
            HttpResponse<String> saved = put(FLOW, "big", "", admin, table("[\"name\",\"sku\"]", rows));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(ApiTestServer.json(saved).path("rows").asInt()).isEqualTo(LookupTableWriter.MAX_ROWS);
            assertThat(Files.readString(file)).contains("\nchanged,S4321\n").contains("\nnnnnnnnn,S10000\n");
            JsonNode big = named(tables(FLOW), "big");
            assertThat(big.path("size").asInt()).isEqualTo(LookupTableWriter.MAX_ROWS);
            assertThat(big.path("rows").size()).isEqualTo(LookupTableWriter.MAX_ROWS);
            assertThat(big.path("truncated").asBoolean()).isFalse();
            assertThat(big.path("rows").get(4320).path("name").asText()).isEqualTo("changed");

            // Just under 1 MiB as sent: saved. Just over: a 413 naming the table, the limit and what to do.
            String under = table("[\"name\",\"sku\"]", bigRows(9_000, 100));
            assertThat(under.length()).isBetween(ApiSupport.MAX_BODY_BYTES - 100_000, ApiSupport.MAX_BODY_BYTES);
            assertThat(put(FLOW, "big", "?dryRun=true", admin, under).statusCode()).isEqualTo(200);
            String over = table("[\"name\",\"sku\"]", bigRows(9_000, 110));
            assertThat(over.length()).isBetween(ApiSupport.MAX_BODY_BYTES, ApiSupport.MAX_BODY_BYTES + 100_000);
            JsonNode tooLarge = problem(put(FLOW, "big", "", admin, over), 413);
            assertThat(tooLarge.path("detail").asText()).contains("the table big is " + over.length() + " bytes")
                    .contains("at most 1048576 bytes").contains("edit tables/big.csv");

            // A file longer than a save may hold is sent cut, marked truncated (the console shows it read-only).
            Files.writeString(file, "name,sku\n" + IntStream.rangeClosed(1, LookupTableWriter.MAX_ROWS + 1)
                    .mapToObj(i -> "item " + i + ",S" + i).collect(Collectors.joining("\n")) + "\n");
            big = named(tables(FLOW), "big");
            assertThat(big.path("rows").size()).isEqualTo(LookupTableApi.MAX_ROWS);
            assertThat(big.path("size").asInt()).isEqualTo(LookupTableWriter.MAX_ROWS + 1);
            assertThat(big.path("truncated").asBoolean()).isTrue();
        } finally {
            Files.writeString(file, before);
        }
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

    // PUT /flows/{id}/lookups/{name}

    private HttpResponse<String> put(String id, String name, String query, String token, String body) {
        return api.send("PUT", BASE + "/flows/" + id + "/lookups/" + name + query, token, body);
    }

    private static String table(String columns, String... rows) {
        return "{\"columns\": " + columns + ", \"rows\": [" + String.join(",", rows) + "]}";
    }

    private static JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertProblem(r, null);
        return ApiTestServer.json(r);
    }

    @Test
    void anAdminSavesACsvTableSeenByTheNextGetAndByLookupInAPreview() throws IOException {
        Path file = flows.resolve("tables/warehouses.csv");
        String before = Files.readString(file);
        try {
            String body = table("[\"code\",\"name\",\"region\"]", "[\"AUS\",\"Austin, TX DC\",\"South\"]",
                    "[\"DEN\",\"Denver \\\"Mile High\\\"\",\"West\"]");
            // A dry run checks and writes nothing.
            HttpResponse<String> dry = put(FLOW, "warehouses", "?dryRun=true", admin, body);
            assertThat(dry.statusCode()).as(dry.body()).isEqualTo(200);
            assertThat(ApiTestServer.json(dry).path("dryRun").asBoolean()).isTrue();
            assertThat(Files.readString(file)).isEqualTo(before);

            HttpResponse<String> saved = put(FLOW, "warehouses", "", admin, body);
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            JsonNode out = ApiTestServer.json(saved);
            assertThat(out.path("file").asText()).isEqualTo(file.toAbsolutePath().normalize().toString());
            assertThat(out.path("version").asText()).isNotEqualTo(out.path("previousVersion").asText());
            // Written by a CSV writer: the comma and the quotes are quoted (RFC 4180 section 2).
            assertThat(Files.readString(file)).contains("\"Austin, TX DC\"").contains("\"Denver \"\"Mile High\"\"\"");

            JsonNode warehouses = named(tables(FLOW), "warehouses");
            assertThat(warehouses.path("size").asInt()).isEqualTo(2);
            assertThat(warehouses.path("rows").get(1).path("code").asText()).isEqualTo("DEN");
            assertThat(warehouses.path("rows").get(0).path("name").asText()).isEqualTo("Austin, TX DC");

            // The reloaded flow's $lookup reads the new table.
            String mapping = FlowRepository.shippedFile("clarity-product-to-salesforce.jsonata").orElseThrow()
                    .replace("\"Family\": $text(TypeName) ? $text(TypeName) : $text(TypeKey),",
                            "\"Family\": $lookup('warehouses', 'DEN', 'name'),");
            assertThat(mapping).contains("$lookup('warehouses'");
            HttpResponse<String> preview = api.send("POST", BASE + "/flows/" + FLOW + "/mapping/preview", viewer,
                    ApiTestServer.JSON.createObjectNode().put("mapping", mapping).toString());
            assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
            JsonNode product = null;
            for (JsonNode r : ApiTestServer.json(preview).path("output")) {
                if (r.path("entity").asText().equals("Product2")) {
                    product = r;
                }
            }
            assertThat(product).as(preview.body()).isNotNull();
            assertThat(product.path("fields").path("Family").asText()).isEqualTo("Denver \"Mile High\"");
        } finally {
            Files.writeString(file, before);
        }
    }

    /** A CSV table with a leading comment block, comments and a blank line between rows, odd quoting, no final break. */
    private static final String NOTES = "# Warehouse notes, kept by hand.\n"
            + "# Owner: ops\n"
            + "code,note,since\n"
            + "AUS,\"Austin, TX\",2020\n"
            + "  # the next two moved in 2024\n"
            + "CHI,Chicago,2024\n"
            + "\n"
            + "DEN,\"Denver\nsecond line\",2024\n"
            + "# SEA closes soon\n"
            + "SEA,Seattle,2019\n"
            + "# end of table";

    @Test
    void aCsvSaveKeepsTheFilesCommentLinesAndChangesOnlyTheEditedRowsLine() throws IOException {
        Path file = flows.resolve("tables/notes.csv");
        try {
            JsonNode notes = named(tables(FLOW), "notes");
            assertThat(notes.path("size").asInt()).isEqualTo(4);
            // The console sends every row back; one cell changed (CHI's note).
            String body = table("[\"code\",\"note\",\"since\"]", "[\"AUS\",\"Austin, TX\",\"2020\"]",
                    "[\"CHI\",\"Chicago West\",\"2024\"]", "[\"DEN\",\"Denver\\nsecond line\",\"2024\"]",
                    "[\"SEA\",\"Seattle\",\"2019\"]");
            HttpResponse<String> saved = put(FLOW, "notes", "", admin, body);
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            // The CSV writer quotes a value with a space (RFC 4180 allows quotes around any field).
            assertThat(Files.readString(file)).isEqualTo(NOTES.replace("CHI,Chicago,2024", "CHI,\"Chicago West\",2024"));
            assertThat(named(tables(FLOW), "notes").path("rows").get(1).path("note").asText()).isEqualTo("Chicago West");

            // A removed row's comments stay (before the next row); a new row is written at its place with none.
            saved = put(FLOW, "notes", "", admin, table("[\"code\",\"note\",\"since\"]",
                    "[\"AUS\",\"Austin, TX\",\"2020\"]", "[\"DEN\",\"Denver\\nsecond line\",\"2024\"]",
                    "[\"SEA\",\"Seattle\",\"2019\"]", "[\"PDX\",\"Portland, OR\",\"2025\"]"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(Files.readString(file)).isEqualTo("# Warehouse notes, kept by hand.\n"
                    + "# Owner: ops\n"
                    + "code,note,since\n"
                    + "AUS,\"Austin, TX\",2020\n"
                    + "  # the next two moved in 2024\n"
                    + "\n"
                    + "DEN,\"Denver\nsecond line\",2024\n"
                    + "# SEA closes soon\n"
                    + "SEA,Seattle,2019\n"
                    + "PDX,\"Portland, OR\",2025\n"
                    + "# end of table");

            // New columns: every row is written again, the comment lines still kept.
            saved = put(FLOW, "notes", "", admin, table("[\"code\",\"note\"]", "[\"AUS\",\"Austin\"]"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(Files.readString(file)).isEqualTo("# Warehouse notes, kept by hand.\n# Owner: ops\n"
                    + "code,note\nAUS,Austin\n  # the next two moved in 2024\n\n# SEA closes soon\n# end of table");
        } finally {
            Files.writeString(file, NOTES);
        }
    }

    private static final String BINS = "# Bins of the Austin warehouse, kept by hand.\n"
            + "- bin: A1   # by the door\n"
            + "  size: 12\n"
            + "  label: 'Front, left'\n"
            + "# B2 is the cold room\n"
            + "- bin: B2\n"
            + "  size: 4\n"
            + "  label: \"Cold room\"\n"
            + "\n"
            + "- { bin: C3, size: 1, label: Small }\n";

    @Test
    void aYamlListSaveIsAnEditOfTheFileItsCommentsAndQuotingKept() throws IOException {
        Path file = flows.resolve("tables/bins.yaml");
        try {
            // One cell: one line changes, in its own quoting; every comment and the flow-style row stay.
            HttpResponse<String> saved = put(FLOW, "bins", "", admin, table("[\"bin\",\"size\",\"label\"]",
                    "[\"A1\",12,\"Front, right\"]", "[\"B2\",4,\"Cold room\"]", "[\"C3\",1,\"Small\"]"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(Files.readString(file)).isEqualTo(BINS.replace("'Front, left'", "'Front, right'"));
            assertThat(named(tables(FLOW), "bins").path("rows").get(0).path("size").isNumber()).isTrue();

            // A removed row goes with the comment above it (B2); a row is matched by its key, so C3's own line is
            // edited (not B2's lines made into C3); a new row is written after the last, in block style.
            saved = put(FLOW, "bins", "", admin, table("[\"bin\",\"size\",\"label\"]",
                    "[\"A1\",12,\"Front, right\"]", "[\"C3\",2,\"Small\"]", "[\"D4\",8,\"Dock\"]"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            assertThat(Files.readString(file)).isEqualTo("# Bins of the Austin warehouse, kept by hand.\n"
                    + "- bin: A1   # by the door\n"
                    + "  size: 12\n"
                    + "  label: 'Front, right'\n"
                    + "\n"
                    + "- { bin: C3, size: 2, label: Small }\n"
                    + "- bin: \"D4\"\n" // the writer quotes text: never read back as a number or true/false
                    + "  size: 8\n"
                    + "  label: \"Dock\"\n");
            assertThat(named(tables(FLOW), "bins").path("size").asInt()).isEqualTo(3);
        } finally {
            Files.writeString(file, BINS);
        }
    }

    @Test
    void aYamlMappingStaysAMappingWithItsTypes() throws IOException {
        Path file = flows.resolve("tables/regions.yaml");
        String before = Files.readString(file);
        try {
            HttpResponse<String> saved = put(FLOW, "regions", "", admin,
                    table("[\"key\",\"value\"]", "[\"South\",\"Texas\"]", "[\"West\",7]"));
            assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
            // Edited in place: the kept entry as written, the removed one cut, the new one in the writer's style.
            assertThat(Files.readString(file)).isEqualTo("South: Texas\nWest: 7\n");
            JsonNode regions = named(tables(FLOW), "regions");
            assertThat(regions.path("rows").get(1).path("value").isNumber()).isTrue();
        } finally {
            Files.writeString(file, before);
        }
    }

    @Test
    void aShippedFlowsTableIsSavedIntoACopyInFlowsDir() throws IOException {
        Path currencies = flows.resolve("tables/clarity-currencies.yaml");
        String before = Files.readString(currencies);
        try {
            shippedSave();
        } finally {
            Files.writeString(currencies, before);
            Files.deleteIfExists(flows.resolve("clarity-product-to-salesforce.yaml"));
        }
    }

    private void shippedSave() {
        HttpResponse<String> saved = put("clarity-product-to-salesforce", "currencies", "", admin,
                table("[\"key\",\"rate\"]", "[\"EUR\",0.9]"));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
        assertThat(flows.resolve("clarity-product-to-salesforce.yaml")).exists();
        // The shipped template's {} becomes the rows, in block style, under its documentation comments.
        String shipped = FlowRepository.shippedFile("tables/clarity-currencies.yaml").orElseThrow();
        assertThat(shipped).endsWith("{}\n");
        assertThat(flows.resolve("tables/clarity-currencies.yaml")).content()
                .isEqualTo(shipped.substring(0, shipped.length() - 3) + "EUR:\n  rate: 0.9\n");
        JsonNode currencies = named(tables("clarity-product-to-salesforce"), "currencies");
        assertThat(currencies.path("size").asInt()).isEqualTo(1);
        assertThat(currencies.path("rows").get(0).path("rate").asDouble()).isEqualTo(0.9);
    }

    @Test
    void badTablesAre422NamingRowAndColumn() throws IOException {
        String before = Files.readString(flows.resolve("tables/warehouses.csv"));
        JsonNode dup = problem(put(FLOW, "warehouses", "", admin, table("[\"code\",\"name\"]",
                "[\"AUS\",\"a\"]", "[\" AUS \",\"b\"]")), 422);
        assertThat(dup.path("problems").get(0).path("row").asInt()).isEqualTo(2);
        assertThat(dup.path("problems").get(0).path("column").asText()).isEqualTo("code");
        assertThat(dup.path("detail").asText()).contains("appears twice").contains("row 1");

        JsonNode empty = problem(put(FLOW, "warehouses", "?dryRun=true", admin, table("[\"code\",\"name\"]",
                "[\"\",\"a\"]")), 422);
        assertThat(empty.path("detail").asText()).contains("row 1, column code: the key is empty");

        JsonNode noKey = problem(put(FLOW, "big", "", admin, table("[\"name\",\"code\"]", "[\"a\",\"b\"]")), 422);
        assertThat(noKey.path("detail").asText()).contains("key column 'sku' is missing");

        JsonNode ragged = problem(put(FLOW, "warehouses", "", admin, table("[\"code\",\"name\"]",
                "[\"AUS\",\"a\"]", "[\"CHI\"]")), 422);
        assertThat(ragged.path("problems").get(0).path("row").asInt()).isEqualTo(2);
        assertThat(ragged.path("detail").asText()).contains("row 2 has 1 cells; the table has 2 columns");

        assertThat(problem(put(FLOW, "warehouses", "", admin, table("[\"code\"]", "[{\"x\":1}]")), 422)
                .path("problems").get(0).path("column").asText()).isEqualTo("code");
        assertThat(problem(put(FLOW, "warehouses", "", admin, table("[\"code\",\"code\"]", "[\"a\",\"b\"]")), 422)
                .path("detail").asText()).contains("appears twice");
        assertThat(problem(put(FLOW, "warehouses", "", admin, table("[\"code\"]", "[\"#x\"]")), 422)
                .path("detail").asText()).contains("comment");
        assertThat(problem(put(FLOW, "warehouses", "", admin, table("[\"code\"]")), 422)
                .path("detail").asText()).contains("at least one row");
        assertThat(problem(put(FLOW, "warehouses", "", admin, "{\"rows\": []}"), 422)
                .path("detail").asText()).contains("columns");
        String many = IntStream.rangeClosed(1, LookupTableWriter.MAX_ROWS + 1).mapToObj(i -> "[\"" + i + "\"]")
                .collect(Collectors.joining(","));
        assertThat(problem(put(FLOW, "warehouses", "", admin, table("[\"code\"]", many)), 422)
                .path("detail").asText()).contains("at most 10000");
        assertThat(put(FLOW, "warehouses", "", admin, "not json").statusCode()).isEqualTo(400);
        // None of the refused tables reached the file.
        assertThat(Files.readString(flows.resolve("tables/warehouses.csv"))).isEqualTo(before);
    }

    @Test
    void saveIsForAdminsOnlyAndRefusesUnknownHostileAndOversizedInput() {
        String body = table("[\"code\",\"name\",\"region\"]", "[\"AUS\",\"Austin DC\",\"South\"]");
        assertThat(put(FLOW, "warehouses", "", null, body).statusCode()).isEqualTo(401);
        assertThat(put(FLOW, "warehouses", "", "forged-token", body).statusCode()).isEqualTo(401);
        assertThat(problem(put(FLOW, "warehouses", "", viewer, body), 403)).isNotNull();
        assertThat(problem(put(FLOW, "warehouses", "", operator, body), 403)).isNotNull();
        assertThat(problem(put(FLOW, "no-such-table", "", admin, body), 404).path("detail").asText())
                .contains("no lookup table");
        assertThat(problem(put("no-such-flow", "warehouses", "", admin, body), 404)).isNotNull();
        assertThat(put(FLOW, "..", "", admin, body).statusCode()).isIn(404, 400);
        assertThat(put(FLOW, "..%2F..%2Fetc%2Fpasswd", "", admin, body).statusCode()).isIn(404, 400);
        assertThat(put("..%2F" + FLOW, "warehouses", "", admin, body).statusCode()).isIn(404, 400);
        assertThat(put(FLOW, "warehouses", "", admin, table("[\"code\"]", "[\"" + "x".repeat(2_000_000) + "\"]"))
                .statusCode()).isEqualTo(413);
    }
}
