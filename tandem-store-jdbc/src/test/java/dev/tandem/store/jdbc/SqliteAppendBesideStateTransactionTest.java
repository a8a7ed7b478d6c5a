package dev.tandem.store.jdbc;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The webhook's append does not queue behind the flow runtime's state transactions (issue 7 item 6): the event log
 * has a SQLite file, pool and write lock of its own. Uses only the public API and the file name, so it can also be
 * run against a single-file store, where the append blocks until the state transaction ends (the bounded
 * {@code get} below then fails instead of hanging).
 */
class SqliteAppendBesideStateTransactionTest {

    /** Only a bound against hanging on a regression, not a timing assertion: the append needs no wait at all. */
    private static final long GIVE_UP_SECONDS = 20;

    @TempDir
    Path directory;

    @Test
    void anAppendIsDurableWhileAStateTransactionIsStillOpen() throws Exception {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
             ExecutorService threads = Executors.newFixedThreadPool(2)) {
            CountDownLatch inside = new CountDownLatch(1);
            CountDownLatch finish = new CountDownLatch(1);
            Future<?> transaction = threads.submit(() -> stores.stateStore().inTransaction(() -> {
                // Writes state and an offset, so this transaction holds the state file's write lock (and, before
                // the split, the one lock every writer queued on).
                stores.stateStore().putId("Order", "SO-1", "801000000000001");
                stores.eventLog().commit("flow:orders", 0);
                inside.countDown();
                await(finish);
            }));
            try {
                assertThat(inside.await(GIVE_UP_SECONDS, TimeUnit.SECONDS)).isTrue();

                Future<AppendResult> append = threads.submit(() -> stores.eventLog().append(event("e-1")));
                AppendResult appended = append.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);

                assertThat(transaction.isDone()).as("the state transaction is still open").isFalse();
                assertThat(appended).isEqualTo(new AppendResult(1, false));
                assertThat(idsInEventsFileReadFresh()).as("committed, seen by another connection")
                        .containsExactly("e-1");
                assertThat(stores.eventLog().readAfter(0, 10)).extracting(LoggedEvent::offset).containsExactly(1L);
            } finally {
                finish.countDown();
            }
            transaction.get(GIVE_UP_SECONDS, TimeUnit.SECONDS);
            assertThat(stores.stateStore().targetId("Order", "SO-1")).hasValue("801000000000001");
        }
    }

    @Test
    void aStateTransactionStillCommitsItsOffsetAtomically() {
        try (JdbcStores stores = JdbcStores.openSqlite(directory.resolve("tandem.db"))) {
            stores.eventLog().append(event("e-1"));
            stores.eventLog().append(event("e-2"));

            assertThatThrownBy(() -> stores.stateStore().inTransaction(() -> {
                stores.stateStore().putId("Order", "SO-1", "801000000000001");
                stores.eventLog().commit("flow:orders", 2);
                throw new IllegalStateException("boom");
            })).hasMessageContaining("boom");
            assertThat(stores.eventLog().committedOffset("flow:orders")).as("rolled back with the state").isZero();
            assertThat(stores.stateStore().targetId("Order", "SO-1")).isEmpty();

            stores.stateStore().inTransaction(() -> {
                stores.stateStore().putId("Order", "SO-1", "801000000000001");
                stores.eventLog().commit("flow:orders", 2);
            });
            assertThat(stores.eventLog().committedOffset("flow:orders")).isEqualTo(2);
            assertThat(stores.stateStore().targetId("Order", "SO-1")).hasValue("801000000000001");
        }
    }

    private List<String> idsInEventsFileReadFresh() throws Exception {
        try (Connection connection = DriverManager.getConnection(
                "jdbc:sqlite:" + directory.resolve("tandem-events.db").toAbsolutePath());
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT source_event_id FROM event_log ORDER BY log_offset")) {
            List<String> ids = new ArrayList<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(2 * GIVE_UP_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the transaction finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static InboundEvent event(String sourceEventId) {
        return new InboundEvent("clarity", sourceEventId, "SalesOrder.Created", "SalesOrder", "5001", "SO-5001",
                Instant.parse("2026-03-01T10:15:30Z"), "{}");
    }
}
