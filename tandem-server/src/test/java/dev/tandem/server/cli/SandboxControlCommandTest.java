package dev.tandem.server.cli;

import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** `tandem sandbox control` against running sandboxes. */
class SandboxControlCommandTest {

    private record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter err = new StringWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            CommandLine cli = Main.commandLine();
            cli.setErr(new PrintWriter(err));
            int code = cli.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void setsSalesforceFaultsAndResetsIt() {
        try (SalesforceSandbox sf = SalesforceSandbox.builder().port(0).build().start()) {
            Run faults = run("sandbox", "control", "--url", sf.baseUrl(), "faults", "--error-rate", "0.25", "--lock-error-rate", "0.5");
            assertThat(faults.code()).as(faults.err()).isZero();
            assertThat(faults.out()).contains("0.25", "0.5");

            assertThat(run("sandbox", "control", "--url", sf.baseUrl(), "revoke-tokens").code()).isZero();
            assertThat(run("sandbox", "control", "--url", sf.baseUrl(), "reset").code()).isZero();
            Run dump = run("sandbox", "control", "--url", sf.baseUrl(), "dump");
            assertThat(dump.out()).contains("Pricebook2");
        }
    }

    @Test
    void drivesSalesforceChangeDataCaptureAndPubSub() {
        try (SalesforceSandbox sf = SalesforceSandbox.builder().port(0).pubSubPort(0).pubSubPlaintext(true).build()
                .start()) {
            String url = sf.baseUrl();
            Run entities = run("sandbox", "control", "--url", url, "cdc-entities", "--entities", "Account,Contact");
            assertThat(entities.code()).as(entities.err()).isZero();
            assertThat(sf.changeCapture().selected()).containsExactly("Account", "Contact");
            Run gap = run("sandbox", "control", "--url", url, "gap", "--entity", "Account", "--change-type",
                    "GAP_OVERFLOW");
            assertThat(gap.code()).as(gap.err()).isZero();
            assertThat(sf.eventBus().size()).isEqualTo(1);
            assertThat(run("sandbox", "control", "--url", url, "expire-replay-ids").code()).isZero();
            assertThat(sf.eventBus().size()).isZero();
            assertThat(run("sandbox", "control", "--url", url, "as-user").code()).isZero();
            assertThat(sf.actingUser()).contains(sf.humanUserId());
            assertThat(run("sandbox", "control", "--url", url, "as-integration-user").code()).isZero();
            assertThat(sf.actingUser()).isEmpty();
            assertThat(run("sandbox", "control", "--url", url, "pause").code()).isZero();
            assertThat(sf.pubSub().orElseThrow().paused()).isTrue();
            assertThat(run("sandbox", "control", "--url", url, "resume").code()).isZero();
            Run pubsub = run("sandbox", "control", "--url", url, "pubsub");
            assertThat(pubsub.out()).contains("\"port\":" + sf.pubSubPort());
            assertThat(run("sandbox", "control", "--url", url, "drop-stream").out()).contains("\"dropped\":0");
        }
    }

    @Test
    void expiresClaritySessionsAndSetsFaults() {
        try (ClaritySandbox clarity = ClaritySandbox.builder().port(0).build().start()) {
            String url = "http://127.0.0.1:" + clarity.port();
            assertThat(run("sandbox", "control", "--url", url, "expire-sessions").code()).isZero();
            Run faults = run("sandbox", "control", "--clarity", "--url", url, "faults", "--error-rate", "0.1", "--error-status", "500");
            assertThat(faults.code()).as(faults.err()).isZero();
            assertThat(clarity.faults().errorRate()).isEqualTo(0.1);
        }
    }

    @Test
    void anUnknownActionOrAnEmptyFaultRequestIsAClearError() {
        Run unknown = run("sandbox", "control", "--url", "http://127.0.0.1:9", "explode");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("unknown action 'explode'");
        Run empty = run("sandbox", "control", "--url", "http://127.0.0.1:9", "faults");
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("--error-rate");
    }
}
