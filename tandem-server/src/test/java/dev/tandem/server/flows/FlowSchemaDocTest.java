package dev.tandem.server.flows;

import dev.tandem.core.flow.FlowSchema;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/flow.schema.json is the schema the loader checks against: regenerate it with `tandem flows schema`. */
class FlowSchemaDocTest {

    @Test
    void theCommittedSchemaIsTheOneGeneratedFromTheStepModel() throws IOException {
        Path doc = Path.of("..", "docs", "flow.schema.json");
        assertThat(Files.readString(doc))
                .as("docs/flow.schema.json is stale: run `./tandem flows schema > docs/flow.schema.json`")
                .isEqualTo(FlowSchema.text());
    }
}
