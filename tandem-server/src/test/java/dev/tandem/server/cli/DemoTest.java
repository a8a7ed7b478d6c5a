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

/** `tandem demo --exit --report FILE` end to end, as a user runs it (small). */
class DemoTest {

    @Test
    void theDemoSettlesEveryOrderAndReportsFromSalesforce(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("r.json");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = Main.commandLine().execute("demo", "--orders", "60", "--rate", "200", "--exit",
                    "--bad-data-rate", "0.1", "--fault-rate", "0.05", "--data-dir", dir.resolve("data").toString(),
                    "--report", report.toString(), "--timeout", "120");
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertThat(code).as(out).isZero();
        JsonNode r = new ObjectMapper().readTree(report.toFile());
        assertThat(r.path("orders").asInt()).isEqualTo(60);
        assertThat(r.path("lost").asInt()).isZero();
        assertThat(r.path("duplicatesInSalesforce").asInt()).isZero();
        assertThat(r.path("synced").asInt() + r.path("deadLettered").asInt()).isEqualTo(60);
        assertThat(r.path("deadLettered").asInt()).isEqualTo(r.path("expectedBadOrders").asInt());
        assertThat(r.path("salesforceApiCalls").asLong()).isPositive();
        assertThat(r.has("seconds")).isTrue();
        assertThat(out).contains("Salesforce sandbox", "Clarity sandbox", "client secret", "Nothing lost");
        // The console's URL and a token to sign in with; nothing is opened (headless machines).
        assertThat(out).containsPattern("(?m)^Console: http://127\\.0\\.0\\.1:\\d+/ ");
        assertThat(out).containsPattern("(?m)^Tandem API: http://127\\.0\\.0\\.1:\\d+/api/v1$")
                .containsPattern("operator token: tdm_[A-Za-z0-9_-]{43}");
    }
}
