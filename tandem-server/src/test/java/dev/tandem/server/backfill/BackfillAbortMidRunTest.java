package dev.tandem.server.backfill;

import dev.tandem.core.spi.BackfillCheckpoints.Checkpoint;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two chunks are in flight at once (one mapped while the other's Bulk jobs run), and their store writes are held
 * until each commits: when Salesforce's API limit runs out in the middle of a run, the run stops as a configuration
 * fault (exit 2, nothing dead-lettered), the checkpoint sits on a chunk boundary with exactly the links of the chunks
 * it counts, and the same command resumes after the limit is restored and writes every record once.
 */
class BackfillAbortMidRunTest {

    private static final int CUSTOMERS = 2_000;
    private static final int CHUNK = 100;

    @TempDir
    Path dir;
    private BackfillStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aLimitUsedUpMidRunStopsItOnAChunkBoundaryAndTheSameCommandResumes() throws Exception {
        stack = new BackfillStack(dir, ClaritySandbox.builder().port(0).seed(31).customers(CUSTOMERS).products(10));
        CompletableFuture<BackfillStack.Run> first = CompletableFuture.supplyAsync(() -> BackfillStack.run(
                "backfill", "customers", "--config", stack.config.toString(), "--chunk", String.valueOf(CHUNK)));
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(20))
                .until(() -> first.isDone() || stack.salesforce.records("Contact").size() >= 5 * CHUNK);
        stack.salesforce.faults().exhaustLimit();
        BackfillStack.Run stopped = first.get();

        assertThat(stopped.exitCode()).as(stopped.out() + stopped.err()).isEqualTo(2);
        assertThat(stopped.err()).contains("API limit is used up", "checkpoint kept");
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            Checkpoint c = stores.backfillCheckpoints().checkpoint("customers").orElseThrow();
            assertThat(c.complete()).isFalse();
            assertThat(c.read()).isPositive().isLessThan(CUSTOMERS);
            assertThat(c.read() % CHUNK).as("the checkpoint moves by whole chunks").isZero();
            // the links of exactly the committed chunks: none of the chunk that was under way
            assertThat(stores.stateStore().countIds("Contact")).isEqualTo(c.written());
            assertThat(stores.stateStore().countDeadLetters(dev.tandem.core.state.DeadLetterQuery.all(1))).isZero();
        }

        stack.salesforce.faults().restoreLimit();
        BackfillStack.Run resumed = BackfillStack.run("backfill", "customers", "--config", stack.config.toString(),
                "--chunk", String.valueOf(CHUNK));

        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        List<Map<String, Object>> contacts = stack.salesforce.records("Contact");
        Map<String, Long> perKey = contacts.stream().collect(Collectors.groupingBy(
                c -> String.valueOf(c.get("Clarity_Contact_Key__c")), Collectors.counting()));
        assertThat(perKey).hasSize(CUSTOMERS).allSatisfy((key, n) -> assertThat(n).isEqualTo(1L));
        try (JdbcStores stores = JdbcStores.openSqlite(stack.store)) {
            assertThat(stores.stateStore().countIds("Contact")).isEqualTo(CUSTOMERS);
            assertThat(stores.backfillCheckpoints().checkpoint("customers").orElseThrow().complete()).isTrue();
        }
    }
}
