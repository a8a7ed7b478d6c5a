package dev.tandem.core.mapping.functions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.tandem.core.mapping.functions.FunctionTesting.JSON;
import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static org.assertj.core.api.Assertions.assertThat;

/** Runs every example of docs/flows.md "Transformation functions", so the documentation cannot drift. */
class FunctionDocsTest {

    private static final Path DOC = Path.of("..", "docs", "flows.md");

    @TempDir
    Path flowFolder;

    record Example(String expression, String expected) {
    }

    private static String section() throws IOException {
        String doc = Files.readString(DOC);
        int start = doc.indexOf("## Transformation functions");
        assertThat(start).as("heading in " + DOC).isNotNegative();
        int end = doc.indexOf("\n## ", start + 1);
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    private static List<Example> examples() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (String line : section().split("\n")) {
            if (!line.startsWith("|")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            if (cells.length < 6) {
                continue;
            }
            String example = cells[3].trim();
            String result = cells[4].trim();
            if (example.startsWith("`$") && result.startsWith("`")) {
                examples.add(new Example(unquote(example), unquote(result)));
            }
        }
        return examples;
    }

    private static String unquote(String cell) {
        return cell.substring(1, cell.length() - 1);
    }

    @Test
    void everyDocumentedExampleGivesItsDocumentedResult() throws IOException {
        Files.createDirectories(flowFolder.resolve("tables"));
        Files.writeString(flowFolder.resolve("tables/warehouses.csv"),
                "code,name,region\nAUS,Austin DC,South\nCHI,Chicago DC,Midwest\n");
        FunctionLibrary library = FunctionLibrary.load(flowFolder,
                Map.of("customerType", Map.of("Business", "B2B", "Consumer", "B2C")),
                Map.of("warehouses", new FunctionLibrary.LookupTableSpec("tables/warehouses.csv")));

        List<Example> examples = examples();
        assertThat(examples).hasSizeGreaterThan(30);
        for (Example example : examples) {
            JsonNode expected = JSON.readTree(example.expected());
            JsonNode actual = eval(example.expression(), "{}", library);
            assertThat(actual.isNumber() && expected.isNumber() ? (Object) actual.decimalValue().stripTrailingZeros()
                    : actual)
                    .as(example.expression())
                    .isEqualTo(actual.isNumber() && expected.isNumber() ? expected.decimalValue().stripTrailingZeros()
                            : expected);
        }
    }

    @Test
    void everyFunctionIsDocumentedWithItsSignature() throws IOException {
        String section = section();
        for (String name : FunctionLibrary.standard().functionNames()) {
            assertThat(section).as("docs/flows.md documents $" + name).contains("| `$" + name + "(");
        }
    }
}
