package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LookupFunctionsTest {

    @TempDir
    Path flowFolder;

    private FunctionLibrary library(Map<String, FunctionLibrary.LookupTableSpec> tables) {
        return FunctionLibrary.load(flowFolder, Map.of(), tables);
    }

    private void write(String file, String content) throws IOException {
        Path path = flowFolder.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, content);
    }

    @Test
    void looksUpACsvRowByItsFirstColumn() throws IOException {
        write("tables/warehouses.csv", "# warehouse codes\ncode,name,region\nAUS,Austin DC,South\nCHI,Chicago DC,Midwest\n");
        FunctionLibrary lib = library(Map.of("warehouses", new FunctionLibrary.LookupTableSpec("tables/warehouses.csv")));

        assertThat(eval("$lookup('warehouses', 'CHI', 'name')", "{}", lib).asText()).isEqualTo("Chicago DC");
        assertThat(eval("$lookup('warehouses', w)", "{\"w\": \"AUS\"}", lib).toString())
                .isEqualTo("{\"code\":\"AUS\",\"name\":\"Austin DC\",\"region\":\"South\"}");
        assertThat(eval("$lookup('warehouses', 'aus').region", "{}", lib).asText()).isEqualTo("South");
    }

    @Test
    void looksUpACsvRowByADeclaredKeyColumn() throws IOException {
        write("regions.csv", "name,code\nSouth,S\nMidwest,MW\n");
        FunctionLibrary lib = library(Map.of("regions", new FunctionLibrary.LookupTableSpec("regions.csv", "code")));

        assertThat(eval("$lookup('regions', 'MW', 'name')", "{}", lib).asText()).isEqualTo("Midwest");
    }

    @Test
    void looksUpYamlListsOfRowsAndMappingsKeyedByKey() throws IOException {
        write("tiers.yaml", "- tier: gold\n  discount: 0.1\n  recordType: B2B_Premium\n- tier: silver\n  discount: 0.05\n");
        // IDs quoted: YAML reads an unquoted 005000000000002 as an octal number
        write("owners.yml", "West: '005000000000001'\nEast: '005000000000002'\n");
        write("products.yaml", "SKU-1:\n  family: Tools\n  weightLb: 2\n");
        FunctionLibrary lib = library(Map.of(
                "tiers", new FunctionLibrary.LookupTableSpec("tiers.yaml"),
                "owners", new FunctionLibrary.LookupTableSpec("owners.yml"),
                "products", new FunctionLibrary.LookupTableSpec("products.yaml")));

        assertThat(eval("$lookup('tiers', 'gold', 'discount')", "{}", lib).asDouble()).isEqualTo(0.1);
        assertThat(eval("$lookup('owners', 'East')", "{}", lib).asText()).isEqualTo("005000000000002");
        assertThat(eval("$lookup('products', 'SKU-1', 'weightLb') * 2", "{}", lib).asInt()).isEqualTo(4);
    }

    @Test
    void aMissingKeyGivesUndefinedAndAnUndefinedKeyToo() throws IOException {
        write("t.csv", "k,v\na,1\n");
        FunctionLibrary lib = library(Map.of("t", new FunctionLibrary.LookupTableSpec("t.csv")));

        assertThat(undefined(eval("$lookup('t', 'zzz', 'v')", "{}", lib))).isTrue();
        assertThat(undefined(eval("$lookup('t', missing)", "{}", lib))).isTrue();
        assertThat(eval("$exists($lookup('t', 'zzz'))", "{}", lib).asBoolean()).isFalse();
    }

    @Test
    void anUndeclaredTableOrUnknownColumnIsAnError() throws IOException {
        write("t.csv", "k,v\na,1\n");
        FunctionLibrary lib = library(Map.of("t", new FunctionLibrary.LookupTableSpec("t.csv")));

        assertThatThrownBy(() -> eval("$lookup('nope', 'a')", "{}", lib))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("no lookup table 'nope' is declared in the flow (declared: t)");
        assertThatThrownBy(() -> eval("$lookup('t', 'a', 'price')", "{}", lib))
                .hasMessageContaining("has no column 'price' (columns: [k, v])");
    }

    @Test
    void aMissingFileIsAnErrorNamingFileAndTable() {
        assertThatThrownBy(() -> library(Map.of("prices", new FunctionLibrary.LookupTableSpec("prices.csv"))))
                .isInstanceOf(LookupTableException.class)
                .hasMessageContaining("lookup table 'prices'")
                .hasMessageContaining(flowFolder.resolve("prices.csv").toString())
                .hasMessageContaining("file not found");
    }

    @Test
    void malformedFilesAreErrorsNamingTheFile() throws IOException {
        write("bad.yaml", "a: [1, 2\n");
        write("dup.csv", "k,v\na,1\na,2\n");
        write("nokey.csv", "k,v\na,1\n");
        write("t.json", "{}");

        assertThatThrownBy(() -> library(Map.of("bad", new FunctionLibrary.LookupTableSpec("bad.yaml"))))
                .isInstanceOf(LookupTableException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> library(Map.of("dup", new FunctionLibrary.LookupTableSpec("dup.csv"))))
                .hasMessageContaining("dup.csv").hasMessageContaining("key 'a' appears twice");
        assertThatThrownBy(() -> library(Map.of("nokey", new FunctionLibrary.LookupTableSpec("nokey.csv", "id"))))
                .hasMessageContaining("nokey.csv").hasMessageContaining("has no key column 'id'");
        assertThatThrownBy(() -> library(Map.of("json", new FunctionLibrary.LookupTableSpec("t.json"))))
                .hasMessageContaining("t.json").hasMessageContaining("unsupported file type");
    }

    @Test
    void tablesCanBeBuiltInMemory() {
        FunctionLibrary lib = FunctionLibrary.of(Map.of(),
                Map.of("codes", LookupTable.of("inline", Map.of("a", Map.of("n", 1)))));

        assertThat(eval("$lookup('codes', 'a', 'n')", "{}", lib).asInt()).isEqualTo(1);
    }
}
