package dev.tandem.server.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/configuration.md's tables are generated from the key declarations: regenerate them with `tandem config docs`. */
class ConfigDocsTest {

    @Test
    void theCommittedTablesAreTheOnesGeneratedFromTheDeclarations() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(doc)
                .as("docs/configuration.md is stale: run `./tandem config docs --write docs/configuration.md`")
                .isEqualTo(ConfigDocs.rewrite(doc));
    }

    @Test
    void everyDeclaredKeyHasARow() {
        String tables = ConfigDocs.tables();
        for (String key : new String[] {"server.port", "store.path", "clarity.ingest", "clarity.webhook.secrets",
                "clarity.poll.startFrom", "salesforce.auth.refreshToken", "salesforce.writer.maxRecords",
                "salesforce.cdc.integrationUser", "runtime.parallelism", "retry.jitter", "flows.enabled"}) {
            assertThat(tables).contains("| `" + key + "` |");
        }
        assertThat(tables).contains("| `runtime.parallelism` | int 1–64 | `4` | batches the flow runtime processes at "
                + "once, across flows; events of one record key stay in log order (a key is in at most one batch at a "
                + "time) |");
    }

    @Test
    void rewritingKeepsTheProseAndReplacesOnlyBetweenTheMarkers() {
        String md = "# Title\n\nprose before\n\n" + ConfigDocs.BEGIN + "\n| old | table |\n" + ConfigDocs.END
                + "\n\nprose after\n";
        String out = ConfigDocs.rewrite(md);
        assertThat(out).startsWith("# Title\n\nprose before\n\n" + ConfigDocs.BEGIN + "\n\n### `server.*`")
                .endsWith(ConfigDocs.END + "\n\nprose after\n")
                .doesNotContain("| old | table |");
        assertThat(ConfigDocs.rewrite(out)).isEqualTo(out);
    }

    @Test
    void missingOrRepeatedMarkersAreRefused() {
        assertThatThrownBy(() -> ConfigDocs.rewrite("no markers")).hasMessageContaining(ConfigDocs.BEGIN);
        assertThatThrownBy(() -> ConfigDocs.rewrite(ConfigDocs.END + "\n" + ConfigDocs.BEGIN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigDocs.rewrite(ConfigDocs.BEGIN + ConfigDocs.END + ConfigDocs.BEGIN + ConfigDocs.END))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
