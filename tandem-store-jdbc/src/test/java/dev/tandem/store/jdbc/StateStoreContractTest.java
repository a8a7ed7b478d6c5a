package dev.tandem.store.jdbc;

import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.PendingRetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link StateStore} implementation guarantees. Subclasses say how to open the implementation on empty
 * storage and how to restart it on the same storage.
 */
abstract class StateStoreContractTest {

    /** Whole milliseconds: the precision the stores keep. */
    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");

    protected StateStore store;

    /** Opens the implementation under test on fresh, empty storage. */
    protected abstract StateStore openEmpty();

    /** Closes everything the current store holds and opens it again on the same storage, as a process restart does. */
    protected abstract StateStore restart();

    @BeforeEach
    void openStore() {
        store = openEmpty();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    // ---- id map

    @Test
    void manyIdMappingsAndAuditEntriesWrittenAsBatchesAreStoredAsOneByOneWouldBe() {
        store.putId("Order", "SO-1", "801000000000009");
        store.putIds(java.util.List.of(new String[]{"Order", "SO-1", "801000000000001"},
                new String[]{"Order", "SO-2", "801000000000002"}, new String[]{"Account", "CUST-1", "001000000000001"}));
        assertThat(store.targetId("Order", "SO-1")).hasValue("801000000000001");
        assertThat(store.targetId("Order", "SO-2")).hasValue("801000000000002");
        assertThat(store.sourceKey("Account", "001000000000001")).hasValue("CUST-1");
        assertThat(store.countIds("Order")).isEqualTo(2);

        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        store.auditAll(java.util.List.of(audit(7, "fetch", 200, "OK", at), audit(7, "to", 200, "OK", at.plusMillis(1))));
        assertThat(store.auditFor(7)).extracting(AuditEntry::step).containsExactly("fetch", "to");
        assertThat(store.auditFor(7).getFirst().flowVersion()).isEqualTo("v1");
    }

    @Test
    void everythingWrittenInOneTransactionIsStoredTogether() {
        store.inTransaction(() -> {
            store.putId("Order", "SO-7", "801000000000007");
            store.audit(audit(9, "settle", 0, "OK", Instant.parse("2026-12-01T10:00:00Z")));
        });
        assertThat(store.targetId("Order", "SO-7")).hasValue("801000000000007");
        assertThat(store.auditFor(9)).hasSize(1);

        assertThatThrownBy(() -> store.inTransaction(() -> {
            store.putId("Order", "SO-8", "801000000000008");
            throw new IllegalStateException("boom");
        })).hasMessageContaining("boom");
        assertThat(store.targetId("Order", "SO-8")).as("rolled back with the rest").isEmpty();
    }

    @Test
    void anIdMappingResolvesInBothDirections() {
        store.putId("Order", "SO-5001", "801000000000001");

        assertThat(store.targetId("Order", "SO-5001")).contains("801000000000001");
        assertThat(store.sourceKey("Order", "801000000000001")).contains("SO-5001");
    }

    @Test
    void unmappedIdsAreEmpty() {
        assertThat(store.targetId("Order", "SO-404")).isEmpty();
        assertThat(store.sourceKey("Order", "801000000000404")).isEmpty();
    }

    @Test
    void puttingAnotherSalesforceIdForAKeyReplacesTheOldOne() {
        store.putId("Order", "SO-5001", "801000000000001");

        store.putId("Order", "SO-5001", "801000000000002");

        assertThat(store.targetId("Order", "SO-5001")).contains("801000000000002");
        assertThat(store.sourceKey("Order", "801000000000001")).isEmpty();
        assertThat(store.countIds("Order")).isEqualTo(1);
    }

    @Test
    void puttingASalesforceIdMappedToAnotherKeyMovesItToTheNewKey() {
        store.putId("Account", "CUST-1", "001000000000001");

        store.putId("Account", "CUST-2", "001000000000001");

        assertThat(store.sourceKey("Account", "001000000000001")).contains("CUST-2");
        assertThat(store.targetId("Account", "CUST-1")).isEmpty();
        assertThat(store.countIds("Account")).isEqualTo(1);
    }

    @Test
    void idMapsAreSeparatePerObjectType() {
        store.putId("Order", "K-1", "801000000000001");
        store.putId("Account", "K-1", "001000000000001");
        store.putId("Account", "K-2", "001000000000002");

        assertThat(store.targetId("Order", "K-1")).contains("801000000000001");
        assertThat(store.targetId("Account", "K-1")).contains("001000000000001");
        assertThat(store.countIds("Order")).isEqualTo(1);
        assertThat(store.countIds("Account")).isEqualTo(2);
        assertThat(store.countIds("Product2")).isZero();
    }

    // ---- retries

    @Test
    void dueRetriesAreTheOnesDueByNowEarliestFirst() {
        store.scheduleRetry(retry(1, "orders", NOW.minusSeconds(10)));
        store.scheduleRetry(retry(2, "orders", NOW.plusSeconds(60)));
        store.scheduleRetry(retry(3, "orders", NOW.minusSeconds(30)));
        store.scheduleRetry(retry(4, "orders", NOW));

        assertThat(store.dueRetries(NOW, 10)).extracting(PendingRetry::eventOffset).containsExactly(3L, 1L, 4L);
        assertThat(store.pendingRetryCount()).isEqualTo(4);
    }

    @Test
    void dueRetriesReturnsAtMostMax() {
        store.scheduleRetry(retry(1, "orders", NOW.minusSeconds(3)));
        store.scheduleRetry(retry(2, "orders", NOW.minusSeconds(2)));
        store.scheduleRetry(retry(3, "orders", NOW.minusSeconds(1)));

        assertThat(store.dueRetries(NOW, 2)).extracting(PendingRetry::eventOffset).containsExactly(1L, 2L);
    }

    @Test
    void aScheduledRetryIsReadBackWithEveryField() {
        PendingRetry retry = new PendingRetry(12, "orders", 3, NOW, "UNABLE_TO_LOCK_ROW: record locked");

        store.scheduleRetry(retry);

        assertThat(store.dueRetries(NOW, 10)).containsExactly(retry);
    }

    @Test
    void schedulingTheSameEventAndFlowAgainReplacesTheRetry() {
        store.scheduleRetry(new PendingRetry(1, "orders", 1, NOW, "timeout"));

        store.scheduleRetry(new PendingRetry(1, "orders", 2, NOW.plus(Duration.ofMinutes(2)), "timeout again"));

        assertThat(store.pendingRetryCount()).isEqualTo(1);
        assertThat(store.dueRetries(NOW, 10)).isEmpty();
        assertThat(store.dueRetries(NOW.plus(Duration.ofMinutes(2)), 10))
                .containsExactly(new PendingRetry(1, "orders", 2, NOW.plus(Duration.ofMinutes(2)), "timeout again"));
    }

    @Test
    void retriesOfOneEventInTwoFlowsAreKeptApart() {
        store.scheduleRetry(retry(1, "orders", NOW));
        store.scheduleRetry(retry(1, "invoices", NOW));

        store.removeRetry(1, "orders");

        assertThat(store.dueRetries(NOW, 10)).extracting(PendingRetry::flow).containsExactly("invoices");
    }

    @Test
    void aRemovedRetryIsNoLongerPending() {
        store.scheduleRetry(retry(1, "orders", NOW));

        store.removeRetry(1, "orders");

        assertThat(store.dueRetries(NOW, 10)).isEmpty();
        assertThat(store.pendingRetryCount()).isZero();
    }

    // ---- dead letters

    @Test
    void aDeadLetterIsReadBackByItsId() {
        long id = store.addDeadLetter(deadLetter(5, "orders", "REQUIRED_FIELD_MISSING", NOW));

        DeadLetter stored = store.deadLetter(id).orElseThrow();

        assertThat(stored).isEqualTo(new DeadLetter(id, 5, "orders", "v1", "SO-5001", "{\"ID\":5001}",
                "REQUIRED_FIELD_MISSING", "Required fields are missing: [AccountId]", 4, NOW));
        assertThat(store.deadLetter(id + 1)).isEmpty();
    }

    @Test
    void deadLettersAreListedNewestFirst() {
        store.addDeadLetter(deadLetter(1, "orders", "A", NOW.minusSeconds(20)));
        store.addDeadLetter(deadLetter(2, "orders", "B", NOW));
        store.addDeadLetter(deadLetter(3, "orders", "C", NOW.minusSeconds(10)));

        assertThat(store.deadLetters(10)).extracting(DeadLetter::eventOffset).containsExactly(2L, 3L, 1L);
        assertThat(store.deadLetters(2)).extracting(DeadLetter::eventOffset).containsExactly(2L, 3L);
        assertThat(store.deadLetterCount()).isEqualTo(3);
    }

    @Test
    void aSecondDeadLetterForTheSameEventAndFlowReplacesTheFirst() {
        long first = store.addDeadLetter(deadLetter(1, "orders", "REQUIRED_FIELD_MISSING", NOW.minusSeconds(60)));
        store.addDeadLetter(deadLetter(2, "orders", "OTHER", NOW.minusSeconds(30)));

        long second = store.addDeadLetter(deadLetter(1, "orders", "FIELD_INTEGRITY_EXCEPTION", NOW));

        assertThat(second).isEqualTo(first);
        assertThat(store.deadLetterCount()).isEqualTo(2);
        assertThat(store.deadLetter(first)).get().extracting(DeadLetter::errorCode)
                .isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(store.deadLetters(10)).extracting(DeadLetter::eventOffset).containsExactly(1L, 2L);
    }

    @Test
    void deadLettersOfOneEventInTwoFlowsAreKeptApart() {
        long orders = store.addDeadLetter(deadLetter(1, "orders", "A", NOW));
        long invoices = store.addDeadLetter(deadLetter(1, "invoices", "B", NOW));

        assertThat(invoices).isNotEqualTo(orders);
        assertThat(store.deadLetterCount()).isEqualTo(2);
    }

    // ---- audit trail

    @Test
    void auditEntriesAreReadPerEventOldestFirst() {
        AuditEntry fetch = audit(7, "fetch", 200, "OK", NOW);
        AuditEntry write = audit(7, "write", 201, "OK", NOW.plusMillis(40));
        AuditEntry validate = audit(7, "validate", 0, "OK", NOW.plusMillis(10));
        store.audit(write);
        store.audit(fetch);
        store.audit(audit(8, "fetch", 500, "RETRY", NOW));
        store.audit(validate);

        assertThat(store.auditFor(7)).containsExactly(fetch, validate, write);
        assertThat(store.auditFor(9)).isEmpty();
    }

    @Test
    void auditEntriesOfTheSameMillisecondKeepTheOrderTheyWereWritten() {
        AuditEntry first = audit(7, "fetch", 200, "OK", NOW);
        AuditEntry second = audit(7, "map", 0, "OK", NOW);
        store.audit(first);
        store.audit(second);

        assertThat(store.auditFor(7)).containsExactly(first, second);
    }

    // ---- lifecycle

    @Test
    void pingSucceedsWhileTheStoreIsOpen() {
        store.ping();
    }

    @Test
    void pingFailsOnceTheStoreIsClosed() {
        store.close();

        assertThatThrownBy(store::ping).isInstanceOf(RuntimeException.class);
    }

    @Test
    void idsRetriesDeadLettersAndAuditSurviveARestart() {
        store.putId("Order", "SO-5001", "801000000000001");
        PendingRetry retry = new PendingRetry(3, "orders", 2, NOW, "timeout");
        store.scheduleRetry(retry);
        long deadLetterId = store.addDeadLetter(deadLetter(4, "orders", "REQUIRED_FIELD_MISSING", NOW));
        AuditEntry entry = audit(3, "write", 503, "RETRY", NOW);
        store.audit(entry);

        store = restart();

        assertThat(store.targetId("Order", "SO-5001")).contains("801000000000001");
        assertThat(store.sourceKey("Order", "801000000000001")).contains("SO-5001");
        assertThat(store.dueRetries(NOW, 10)).containsExactly(retry);
        assertThat(store.deadLetter(deadLetterId)).get().extracting(DeadLetter::errorCode)
                .isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(store.auditFor(3)).containsExactly(entry);
    }

    // ---- poll cursors

    @Test
    void aCursorNeverSavedIsEmpty() {
        assertThat(store.cursor("clarity.SalesOrder")).isEmpty();
    }

    @Test
    void aSavedCursorIsReadBackAndASecondSaveReplacesIt() {
        store.saveCursor("clarity.SalesOrder", "2026-03-01T10:00:00Z");

        store.saveCursor("clarity.SalesOrder", "2026-03-01T10:05:00Z");

        assertThat(store.cursor("clarity.SalesOrder")).contains("2026-03-01T10:05:00Z");
    }

    @Test
    void cursorsOfDifferentNamesAreKeptApart() {
        store.saveCursor("clarity.SalesOrder", "a");
        store.saveCursor("clarity.Product", "b");

        assertThat(store.cursor("clarity.SalesOrder")).contains("a");
        assertThat(store.cursor("clarity.Product")).contains("b");
    }

    @Test
    void aLargeCursorValueIsKeptWhole() {
        String large = "x".repeat(200_000);

        store.saveCursor("clarity.Product", large);

        assertThat(store.cursor("clarity.Product")).contains(large);
    }

    @Test
    void aNullCursorNameOrValueIsRejected() {
        assertThatThrownBy(() -> store.saveCursor(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.saveCursor("n", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> store.cursor(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aCursorSurvivesARestart() {
        store.saveCursor("clarity.SalesOrder", "2026-03-01T10:00:00Z");

        store = restart();

        assertThat(store.cursor("clarity.SalesOrder")).contains("2026-03-01T10:00:00Z");
    }

    private static PendingRetry retry(long eventOffset, String flow, Instant dueAt) {
        return new PendingRetry(eventOffset, flow, 1, dueAt, "timeout");
    }

    private static DeadLetter deadLetter(long eventOffset, String flow, String errorCode, Instant createdAt) {
        return new DeadLetter(0, eventOffset, flow, "v1", "SO-5001", "{\"ID\":5001}", errorCode,
                "Required fields are missing: [AccountId]", 4, createdAt);
    }

    private static AuditEntry audit(long eventOffset, String step, int status, String outcome, Instant at) {
        return new AuditEntry(eventOffset, "orders", "v1", step, "POST /composite/graph (1 graph, 4 nodes)", status, 35,
                outcome, "ids 801000000000001", at);
    }
}
