package dev.tandem.server.cli;

import dev.tandem.server.api.ApiTestServer;
import dev.tandem.server.api.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * `tandem duplicates` against a running Tandem whose Salesforce and Clarity cannot be reached: the command's own
 * checks, the API's problems as the operator sees them, and the roles. (Scan and merge on the sandboxes: the
 * end-to-end test.)
 */
class DuplicatesCommandTest {

    @TempDir
    Path dir;
    private ApiTestServer api;
    private Path viewer;
    private Path operator;

    private record Run(int exitCode, String out, String err) {
    }

    private Run as(Path token, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", api.server.baseUrl().toString(), "--token-file", token.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @BeforeEach
    void start() throws IOException {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
        viewer = Files.writeString(dir.resolve("viewer"), api.token("v", Role.VIEWER));
        operator = Files.writeString(dir.resolve("operator"), api.token("o", Role.OPERATOR));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aMergeNeedsItsOptionsAndAnOperator() {
        Run missing = as(operator, "duplicates", "merge", "--object", "Contact", "--survivor", "003000000000001AAA");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--loser");

        Run asViewer = as(viewer, "duplicates", "merge", "--object", "Contact", "--survivor", "003000000000001AAA",
                "--loser", "003000000000002AAA", "--apply");
        assertThat(asViewer.exitCode()).isNotZero();
        assertThat(asViewer.err()).contains("403", "operator");
    }

    @Test
    void badInputComesBackAsTheApisProblem() {
        Run lead = as(viewer, "duplicates", "scan", "--object", "Lead");
        assertThat(lead.exitCode()).isNotZero();
        assertThat(lead.err()).contains("400", "Account or Contact");

        Run hostile = as(operator, "duplicates", "merge", "--object", "Contact", "--survivor", "003000000000001AAA",
                "--loser", "x' OR Id != '");
        assertThat(hostile.exitCode()).isNotZero();
        assertThat(hostile.err()).contains("400", "15 or 18");
    }

    @Test
    void anUnreachableSalesforceIsTheUpstreamsProblemNotTheCallers() {
        Run scan = as(viewer, "duplicates", "scan", "--object", "Contact", "--system", "salesforce");

        assertThat(scan.exitCode()).isNotZero();
        assertThat(scan.err()).containsAnyOf("503", "502").contains("upstream_error", "Could not reach Salesforce");
    }
}
