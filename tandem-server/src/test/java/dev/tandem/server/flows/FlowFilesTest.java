package dev.tandem.server.flows;

import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A flow's files: its mapping tried with other text, and written into flows.dir (copied first when shipped). */
class FlowFilesTest {

    private static final String FLOW = "clarity-product-to-salesforce";

    private static FlowSpec shipped() {
        return new FlowRepository(FlowRepository.shippedCatalog(), null, Map.of()).load().flows().get(FLOW);
    }

    @Test
    void aShippedFlowsFilesAreReadFromTheJarAndNeverFromOutsideItsFolder() {
        FlowSpec spec = shipped();
        String mapping = FlowFiles.mappingName(spec).orElseThrow();
        assertThat(FlowFiles.shipped(spec)).isTrue();
        assertThat(FlowFiles.sibling(spec, mapping)).contains(spec.mappingSources().get(mapping));
        assertThat(FlowFiles.yaml(spec)).contains("id: " + FLOW);
        assertThat(FlowFiles.sibling(spec, "../logback.xml")).isEmpty();
        assertThat(FlowFiles.sibling(spec, "../../dev/tandem/server/api/openapi.json")).isEmpty();
    }

    @Test
    void aMappingWithASyntaxErrorIsRefusedWithItsPositionAndNothingIsWritten(@TempDir Path dir) {
        FlowSpec spec = shipped();
        assertThatThrownBy(() -> FlowFiles.writeMapping(FlowRepository.shippedCatalog(), spec, "{ \"a\": (1 }", dir))
                .isInstanceOfSatisfying(FlowFileException.class, e -> assertThat(e.problems().getFirst().line()).isPositive());
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aShippedFlowIsCopiedWithEveryFileItNamesThenItsCopyIsEditedInPlace(@TempDir Path dir) throws IOException {
        FlowSpec spec = shipped();
        String name = FlowFiles.mappingName(spec).orElseThrow();
        String text = "/* edited */\n" + spec.mappingSources().get(name);
        FlowSpec written = FlowFiles.writeMapping(FlowRepository.shippedCatalog(), spec, text, dir);
        assertThat(Files.readString(dir.resolve(name))).isEqualTo(text);
        assertThat(dir.resolve(FLOW + ".yaml")).isNotEmptyFile();
        // Every file the flow names is beside the copy (the lookup tables under tables/ too), so it loads from there.
        FlowRepository repository = new FlowRepository(FlowRepository.shippedCatalog(), dir, Map.of());
        FlowRepository.Loaded loaded = repository.load();
        assertThat(loaded.problems()).isEmpty();
        FlowSpec copy = loaded.flows().get(FLOW);
        assertThat(copy.file()).isEqualTo(dir.resolve(FLOW + ".yaml").toString());
        assertThat(copy.version()).isEqualTo(written.version()).isNotEqualTo(spec.version());

        String again = text.replace("/* edited */", "/* edited twice */");
        FlowFiles.writeMapping(FlowRepository.shippedCatalog(), copy, again, dir.resolve("elsewhere"));
        assertThat(Files.readString(dir.resolve(name))).isEqualTo(again);
        assertThat(dir.resolve("elsewhere")).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
