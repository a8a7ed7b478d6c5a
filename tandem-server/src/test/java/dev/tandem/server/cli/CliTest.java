package dev.tandem.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

class CliTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "demo", "server", "sandbox", "sandbox salesforce", "sandbox clarity"})
    void everyCommandHasHelp(String command) {
        String[] args = (command.isEmpty() ? "--help" : command + " --help").split(" ");
        Run r = run(args);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("Usage: tandem");
    }

    @Test
    void theDemoDocumentsItsOptions() {
        assertThat(run("demo", "--help").out()).contains("--orders", "--rate", "--exit", "--report");
    }

    @Test
    void anUnknownOptionIsAClearErrorNotAStackTrace() {
        Run r = run("demo", "--orderz", "5");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("'--orderz'", "Possible solutions: --orders");
    }

    @Test
    void aMissingConfigFileIsReportedByName() {
        Run r = run("server", "--config", "/nonexistent/tandem.yaml");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("/nonexistent/tandem.yaml").doesNotContain("Exception");
    }

    @Test
    void sandboxFlagsOutOfRangeAreRefusedBeforeAnythingStarts() {
        Run sf = run("sandbox", "salesforce", "--port", "0", "--error-rate", "1.5");
        assertThat(sf.exitCode()).isEqualTo(1);
        assertThat(sf.err()).contains("--error-rate");
        Run clarity = run("sandbox", "clarity", "--port", "0", "--orders", "-1");
        assertThat(clarity.exitCode()).isEqualTo(1);
        assertThat(clarity.err()).contains("--orders");
    }

    @Test
    void demoOptionsOutOfRangeAreRefused() {
        Run r = run("demo", "--rate", "0");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--rate");
    }
}
