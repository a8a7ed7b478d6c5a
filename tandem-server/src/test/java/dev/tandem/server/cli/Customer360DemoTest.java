package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** `tandem demo --scenario customer360 --exit --report FILE` end to end, as a user runs it (small). */
class Customer360DemoTest {

    @Test
    void bothDirectionsSettleWithNothingMismatchedOrDuplicated(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = Main.commandLine().execute("demo", "--scenario", "customer360", "--customers", "8",
                    "--profile-updates", "6", "--rep-changes", "6", "--rate", "40", "--exit",
                    "--data-dir", dir.resolve("data").toString(), "--report", report.toString(), "--timeout", "60");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        // The scenario never changes one customer on both sides at once (a person waits until the last change has
        // arrived on the other side), so there is no real conflict to review: a conflict here would be a false one
        // (a change taken for one on both sides while the other direction was still storing its baselines).
        assertThat(r.path("conflicts").asInt()).as(out).isZero();
        assertThat(r.path("mismatchedFields").asInt()).as(out).isZero();
        assertThat(code).as(out).isZero();
        assertThat(r.path("customers").asInt()).as(out).isEqualTo(8);
        assertThat(r.path("contacts").asInt()).isEqualTo(8);
        assertThat(r.path("accounts").asInt()).isEqualTo(8);
        assertThat(r.path("duplicates").asInt()).isZero();
        assertThat(r.path("profileUpdates").asInt()).isEqualTo(6);
        assertThat(r.path("repChanges").asInt()).isEqualTo(6);
        // Tandem's Contact writes come back as change events of its own and are dropped.
        assertThat(r.path("echoesDropped").asInt()).as(out).isPositive();
        assertThat(r.path("salesforceApiCalls").asLong()).isPositive();
        assertThat(out).contains("Clarity→Salesforce: events", "Salesforce→Clarity: change events", "echoes dropped",
                "conflicts", "Both systems agree");
    }

    @Test
    void anUnknownScenarioIsRefused() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Main.commandLine().execute("demo", "--scenario", "customers");
        } finally {
            System.setErr(original);
        }
        assertThat(code).isNotZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--scenario must be orders, customer360 or catalog");
    }
}
