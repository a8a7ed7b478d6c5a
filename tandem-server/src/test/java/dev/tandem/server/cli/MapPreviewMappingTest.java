package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code tandem map preview --mapping FILE --json}: another mapping text tried in place of the flow's, and the report
 * as JSON — the one the console's mapping canvas gets from {@code POST /flows/{id}/mapping/preview} (PreviewReport).
 */
class MapPreviewMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMappingFileIsTriedInPlaceOfTheFlowsAndTheReportPrintedAsJson(@TempDir Path dir) throws IOException {
        String shipped;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("flows/clarity-order-to-salesforce.jsonata")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path mapping = dir.resolve("m.jsonata");
        Files.writeString(mapping, shipped.replace("\"PoNumber\": PurchaseOrderNumber,",
                "\"PoNumber\": PurchaseOrderNumber, \"OrderReferenceNumber\": \"REF-\" & CustomKey,"));
        CliRun run = CliRun.of("map", "preview", "--flow", "clarity-order-to-salesforce", "--mapping", mapping.toString(), "--json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.path("outcome").path("result").asText()).isEqualTo("write");
        JsonNode order = null;
        for (JsonNode r : report.path("output")) {
            if (r.path("entity").asText().equals("Order")) {
                order = r;
            }
        }
        assertThat(order).isNotNull();
        assertThat(order.path("fields").path("OrderReferenceNumber").asText()).isEqualTo("REF-SO-5001");
        assertThat(report.path("plan").path("calls").get(0).asText()).startsWith("POST /composite/graph");

        // The text form prints the same plan; without --mapping the flow's own mapping runs.
        CliRun text = CliRun.of("map", "preview", "--flow", "clarity-order-to-salesforce", "--mapping", mapping.toString());
        assertThat(text.out()).contains("\"REF-SO-5001\"", "# result: would write the plan above");
        assertThat(CliRun.of("map", "preview", "--flow", "clarity-order-to-salesforce").out()).doesNotContain("REF-SO-5001");

        // A mapping that does not compile: its position, exit 1, nothing run.
        Files.writeString(mapping, shipped.replace("\"PoNumber\": PurchaseOrderNumber,", "\"PoNumber\": (PurchaseOrderNumber,"));
        CliRun broken = CliRun.of("map", "preview", "--flow", "clarity-order-to-salesforce", "--mapping", mapping.toString());
        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.err()).containsPattern("clarity-order-to-salesforce\\.jsonata:\\d+:\\d+: ");
        assertThat(broken.out()).isEmpty();
        assertThat(CliRun.of("map", "preview", "--flow", "clarity-order-to-salesforce", "--mapping",
                dir.resolve("missing.jsonata").toString()).err()).contains("is not a readable file");

        // A mapping that recurses without end stops at the console preview's bound and says so (exit 1, no trace).
        Files.writeString(mapping, "($f := function($n) { 1 + $f($n + 1) }; $f(0))");
        CliRun deep = CliRun.of("map", "preview", "--flow", "clarity-order-to-salesforce", "--mapping", mapping.toString());
        assertThat(deep.exitCode()).isEqualTo(1);
        assertThat(deep.err()).isEqualTo("tandem: the mapping recursed too deeply: the expression nested deeper than "
                + "1000 levels: a function that calls itself without end?\n");
        assertThat(deep.out()).isEmpty();
    }
}
