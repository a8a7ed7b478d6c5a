package dev.tandem.server.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11 item 7: a backfill of a generated store killed with SIGKILL mid-run (a child JVM running the real CLI),
 * then resumed with the same command: every customer is in Salesforce exactly once, and the resumed run starts from
 * its checkpoint instead of from the beginning.
 */
class BackfillKillResumeTest {

    private static final int CUSTOMERS = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private BackfillStack stack;
    private Process child;

    @AfterEach
    void stop() {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aBackfillKilledMidRunAndResumedWritesEveryRecordOnce() throws Exception {
        stack = new BackfillStack(dir, ClaritySandbox.builder().port(0).seed(23).customers(CUSTOMERS).products(10));
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"),
                "bin", "java").toString());
        child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.tandem.server.cli.Main",
                "backfill", "customers", "--config", stack.config.toString(), "--chunk", "200")
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();

        // Killed once some chunks are in Salesforce and well before the end.
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> !child.isAlive() || stack.salesforce.records("Contact").size() >= 600);
        assertThat(child.isAlive()).as(Files.readString(dir.resolve("child.log"))).isTrue();
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no last checkpoint
        child.waitFor();
        int before = stack.salesforce.records("Contact").size();
        assertThat(before).isLessThan(CUSTOMERS);

        Path report = dir.resolve("resumed.json");
        BackfillStack.Run resumed = BackfillStack.run("backfill", "customers", "--config", stack.config.toString(),
                "--chunk", "200", "--report", report.toString());

        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        List<Map<String, Object>> contacts = stack.salesforce.records("Contact");
        assertThat(contacts).hasSize(CUSTOMERS);
        Map<String, Long> perKey = contacts.stream().collect(Collectors.groupingBy(
                c -> String.valueOf(c.get("Clarity_Contact_Key__c")), Collectors.counting()));
        assertThat(perKey).hasSize(CUSTOMERS).allSatisfy((key, n) -> assertThat(n).isEqualTo(1L));
        assertThat(stack.salesforce.records("Account").stream().collect(Collectors.groupingBy(
                a -> String.valueOf(a.get("Clarity_Account_Key__c")), Collectors.counting())))
                .allSatisfy((key, n) -> assertThat(n).isEqualTo(1L));
        JsonNode summary = JSON.readTree(Files.readString(report)).path("objects").get(0);
        assertThat(summary.path("resumedFrom").asLong()).isPositive().isLessThan(CUSTOMERS);
        assertThat(summary.path("read").asLong()).isEqualTo(CUSTOMERS);
        assertThat(resumed.out()).contains("resumed after");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().countIds("Contact")).isEqualTo(CUSTOMERS);
            assertThat(stores.stateStore().deadLetterCount()).isZero();
        }
    }
}
