package dev.tandem.store.jdbc;

import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterChange;
import dev.tandem.core.state.DeadLetterQuery;
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
    void theEventsThatWroteARecordAreFoundByItsKeyOrIdNewestFirst() {
        String contact = "{\"contact\":{\"entity\":\"Contact\",\"key\":\"CON-9001\",\"id\":\"0038d0005XwHg1wAQC\",\"fields\":{}}}";
        store.audit(new AuditEntry(2, "customers", "v1", "settle", "PATCH", 200, 5, "OK", null, NOW, contact));
        store.audit(new AuditEntry(7, "customers", "v1", "settle", "PATCH", 200, 5, "OK", null, NOW, contact));
        store.audit(new AuditEntry(9, "customers", "v1", "settle", "PATCH", 200, 5, "OK", null, NOW,
                "{\"contact\":{\"entity\":\"Contact\",\"key\":\"CON-90011\",\"id\":\"\",\"fields\":{}}}"));
        store.audit(new AuditEntry(11, "customers", "v1", "validate", null, 0, 5, "OK", null, NOW, null));

        assertThat(store.eventsWriting("CON-9001", 10)).containsExactly(7L, 2L);
        assertThat(store.eventsWriting("0038d0005XwHg1wAQC", 1)).containsExactly(7L);
        assertThat(store.eventsWriting("CON-900", 10)).isEmpty();
        assertThat(store.eventsWriting("CON-900_", 10)).isEmpty(); // LIKE's wildcards are text
        assertThat(store.eventsWriting("%", 10)).isEmpty();
    }

    @Test
    void aFlowsPendingRetriesAreCountedBeyondAnyPageSize() {
        store.inTransaction(() -> {
            for (long i = 1; i <= 750; i++) {
                store.scheduleRetry(retry(i, "orders", NOW));
            }
            store.scheduleRetry(retry(1, "customers", NOW));
        });

        assertThat(store.pendingRetryCount("orders")).isEqualTo(750);
        assertThat(store.pendingRetryCount()).isEqualTo(751);
    }

    @Test
    void pendingRetriesAreCountedPerFlow() {
        store.scheduleRetry(retry(1, "orders", NOW));
        store.scheduleRetry(retry(2, "orders", NOW));
        store.scheduleRetry(retry(2, "customers", NOW));

        assertThat(store.pendingRetryCount("orders")).isEqualTo(2);
        assertThat(store.pendingRetryCount("customers")).isEqualTo(1);
        assertThat(store.pendingRetryCount("products")).isZero();
        assertThat(store.pendingRetryCount()).isEqualTo(3);
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
        store.addDeadLetter(deadLetter(2, "orders", "B", NOW.minusSeconds(10)));
        store.addDeadLetter(deadLetter(3, "orders", "C", NOW));

        assertThat(store.deadLetters(10)).extracting(DeadLetter::eventOffset).containsExactly(3L, 2L, 1L);
        assertThat(store.deadLetters(2)).extracting(DeadLetter::eventOffset).containsExactly(3L, 2L);
        assertThat(store.deadLetterCount()).isEqualTo(3);
    }

    @Test
    void aSecondDeadLetterForTheSameEventAndFlowReplacesTheFirst() {
        long first = store.addDeadLetter(deadLetter(1, "orders", "REQUIRED_FIELD_MISSING", NOW.minusSeconds(60)));
        store.addDeadLetter(deadLetter(2, "orders", "OTHER", NOW.minusSeconds(30)));

        long second = store.addDeadLetter(deadLetter(1, "orders", "FIELD_INTEGRITY_EXCEPTION", NOW));

        assertThat(second).isEqualTo(first);
        assertThat(store.deadLetterCount()).isEqualTo(2);
        DeadLetter again = store.deadLetter(first).orElseThrow();
        assertThat(again.errorCode()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(again.occurrences()).isEqualTo(2);
        assertThat(again.createdAt()).isEqualTo(NOW.minusSeconds(60));
        assertThat(again.updatedAt()).isEqualTo(NOW);
        assertThat(store.deadLetterHistory(first)).extracting(DeadLetterChange::action)
                .containsExactly("dead-lettered", "failed-again");
    }

    @Test
    void theSameRecordFailingTheSameWayAgainCollapsesIntoOneDeadLetterWithACounter() {
        long first = store.addDeadLetter(full(1, "orders", "SalesOrder/1", "REQUIRED_FIELD_MISSING", NOW.minusSeconds(60)));
        long other = store.addDeadLetter(full(2, "orders", "SalesOrder/1", "DUPLICATE_VALUE", NOW.minusSeconds(50)));
        long third = store.addDeadLetter(full(3, "orders", "SalesOrder/1", "REQUIRED_FIELD_MISSING", NOW));
        long otherFlow = store.addDeadLetter(full(4, "invoices", "SalesOrder/1", "REQUIRED_FIELD_MISSING", NOW));

        assertThat(third).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(otherFlow).isNotEqualTo(first);
        DeadLetter d = store.deadLetter(first).orElseThrow();
        assertThat(d.occurrences()).isEqualTo(2);
        assertThat(d.eventOffset()).isEqualTo(3);
        assertThat(store.deadLetterCount()).isEqualTo(3);
        assertThat(store.activeDeadLetterCounts()).containsEntry("orders",
                java.util.Map.of("DUPLICATE_VALUE", 1L, "REQUIRED_FIELD_MISSING", 1L));
    }

    @Test
    void aFullDeadLetterIsReadBackWithEveryField() {
        DeadLetter written = full(7, "orders", "SalesOrder/7", "REQUIRED_FIELD_MISSING", NOW);
        long id = store.addDeadLetter(written);

        DeadLetter d = store.deadLetter(id).orElseThrow();

        assertThat(d.entity()).isEqualTo("SalesOrder");
        assertThat(d.recordKey()).isEqualTo("SalesOrder/7");
        assertThat(d.step()).isEqualTo("validate");
        assertThat(d.errorClass()).isEqualTo(dev.tandem.core.error.ErrorClass.MISSING_FIELD);
        assertThat(d.httpStatus()).isEqualTo(400);
        assertThat(d.fields()).containsExactly("LastName", "AccountId");
        assertThat(d.request()).isEqualTo("{\"records\":[]}");
        assertThat(d.refs()).containsExactly("Contact/12");
        assertThat(d.state()).isEqualTo(DeadLetter.State.OPEN);
    }

    @Test
    void aLaterSuccessOfTheRecordResolvesItsActiveDeadLettersUpToThatEvent() {
        long early = store.addDeadLetter(full(3, "orders", "SalesOrder/1", "A", NOW));
        long later = store.addDeadLetter(full(9, "orders", "SalesOrder/1", "B", NOW));
        long otherFlow = store.addDeadLetter(full(3, "invoices", "SalesOrder/1", "A", NOW));

        int resolved = store.resolveDeadLettersOf("orders", "SalesOrder/1", 5, "synced by event 5", NOW.plusSeconds(1));

        assertThat(resolved).isEqualTo(1);
        assertThat(store.deadLetter(early).orElseThrow().state()).isEqualTo(DeadLetter.State.RESOLVED);
        assertThat(store.deadLetter(early).orElseThrow().resolution()).isEqualTo("synced by event 5");
        assertThat(store.deadLetter(later).orElseThrow().state()).isEqualTo(DeadLetter.State.OPEN);
        assertThat(store.deadLetter(otherFlow).orElseThrow().state()).isEqualTo(DeadLetter.State.OPEN);
        assertThat(store.deadLetterHistory(early)).last().satisfies(c -> {
            assertThat(c.action()).isEqualTo("auto-resolve");
            assertThat(c.actor()).isEqualTo("tandem");
            assertThat(c.fromState()).isEqualTo(DeadLetter.State.OPEN);
        });
        assertThat(store.activeDeadLetterKeys("orders")).containsExactly("SalesOrder/1");
    }

    @Test
    void aStateChangeHappensOnlyFromTheGivenStatesAndIsRecordedWithWhoAndWhy() {
        long id = store.addDeadLetter(full(3, "orders", "SalesOrder/1", "A", NOW));
        java.util.Set<DeadLetter.State> open = java.util.EnumSet.of(DeadLetter.State.OPEN);

        assertThat(store.changeDeadLetter(id, java.util.EnumSet.of(DeadLetter.State.RETRYING), DeadLetter.State.RESOLVED,
                "ops", "resolve", "no", null, NOW)).isFalse();
        assertThat(store.changeDeadLetter(id, open, DeadLetter.State.RETRYING, "ops", "retry-edited", "fixed name",
                "{\"source\":{\"LastName\":\"Li\"}}", NOW.plusSeconds(1))).isTrue();
        assertThat(store.changeDeadLetter(id + 100, open, DeadLetter.State.RETRYING, "ops", "retry", "x", null, NOW)).isFalse();

        DeadLetter d = store.deadLetter(id).orElseThrow();
        assertThat(d.state()).isEqualTo(DeadLetter.State.RETRYING);
        assertThat(d.edit()).isEqualTo("{\"source\":{\"LastName\":\"Li\"}}");
        assertThat(store.retryEdits("orders", java.util.List.of(3L, 4L))).containsOnlyKeys(3L);
        assertThat(store.deadLetterHistory(id)).last().satisfies(c -> {
            assertThat(c.actor()).isEqualTo("ops");
            assertThat(c.detail()).isEqualTo("fixed name");
            assertThat(c.toState()).isEqualTo(DeadLetter.State.RETRYING);
        });
    }

    @Test
    void deadLettersAreFoundByFilterKeyAndTextAndPagedByCursor() {
        for (int i = 1; i <= 5; i++) {
            store.addDeadLetter(full(i, i % 2 == 0 ? "orders" : "invoices", "SalesOrder/" + i,
                    i <= 3 ? "REQUIRED_FIELD_MISSING" : "DUPLICATE_VALUE", NOW.plusSeconds(i)));
        }
        DeadLetterQuery all = DeadLetterQuery.all(2);
        java.util.List<DeadLetter> page1 = store.findDeadLetters(all);
        java.util.List<DeadLetter> page2 = store.findDeadLetters(all.page(page1.getLast().id(), 2));
        assertThat(page1).extracting(DeadLetter::eventOffset).containsExactly(5L, 4L);
        assertThat(page2).extracting(DeadLetter::eventOffset).containsExactly(3L, 2L);

        DeadLetterQuery byFlow = new DeadLetterQuery(java.util.Set.of("orders"), null, null,
                java.util.Set.of(dev.tandem.core.error.ErrorClass.MISSING_FIELD), null, null, null, null, null, 0, 50);
        assertThat(store.findDeadLetters(byFlow)).extracting(DeadLetter::eventOffset).containsExactly(2L);
        assertThat(store.countDeadLetters(byFlow)).isEqualTo(1);

        DeadLetterQuery byKey = new DeadLetterQuery(null, null, null, null, null, "3", null, null, null, 0, 50);
        assertThat(store.findDeadLetters(byKey)).extracting(DeadLetter::eventOffset).containsExactly(3L);
        DeadLetterQuery byRef = new DeadLetterQuery(null, null, null, null, null, "Contact/12", null, null, null, 0, 50);
        assertThat(store.countDeadLetters(byRef)).isEqualTo(5);
        DeadLetterQuery byText = new DeadLetterQuery(null, null, null, null, null, null, "lastname ACCOUNTID", null, null, 0, 50);
        assertThat(store.countDeadLetters(byText)).isEqualTo(5);
        DeadLetterQuery byTime = new DeadLetterQuery(null, null, null, null, null, null, null, NOW.plusSeconds(2),
                NOW.plusSeconds(4), 0, 50);
        assertThat(store.findDeadLetters(byTime)).extracting(DeadLetter::eventOffset).containsExactly(3L, 2L);
    }

    @Test
    void hostileFilterValuesAreDataNotSql() {
        store.addDeadLetter(full(1, "orders", "SalesOrder/1", "A", NOW));
        for (String hostile : java.util.List.of("' OR '1'='1", "%", "_", "\\", "x'); DROP TABLE dead_letter; --",
                "ü€😀")) {
            DeadLetterQuery q = new DeadLetterQuery(java.util.Set.of(hostile), null, java.util.Set.of(hostile), null, null,
                    hostile, hostile, null, null, 0, 50);
            assertThat(store.findDeadLetters(q)).isEmpty();
            DeadLetterQuery text = new DeadLetterQuery(null, null, null, null, null, null, hostile, null, null, 0, 50);
            assertThat(store.countDeadLetters(text)).isZero();
        }
        assertThat(store.deadLetterCount()).isEqualTo(1);
        // A NUL would end the pattern early in some drivers (matching everything): refused before the store.
        assertThatThrownBy(() -> new DeadLetterQuery(null, null, null, null, null, null, "a\u0000b", null, null, 0, 50))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
    }

    @Test
    void openDeadLettersAreFoundByARelatedRecord() {
        long id = store.addDeadLetter(full(1, "orders", "SalesOrder/1", "REQUIRED_FIELD_MISSING", NOW));
        store.addDeadLetter(full(2, "orders", "SalesOrder/2", "REQUIRED_FIELD_MISSING", NOW));
        store.changeDeadLetter(id + 1, java.util.EnumSet.of(DeadLetter.State.OPEN), DeadLetter.State.IGNORED, "ops",
                "ignore", "test", null, NOW);

        assertThat(store.openDeadLettersReferencing(java.util.List.of("Contact/12", "Contact/99")))
                .extracting(DeadLetter::id).containsExactly(id);
        assertThat(store.openDeadLettersReferencing(java.util.List.of("Contact/99"))).isEmpty();
    }

    @Test
    void pendingRetriesArePagedAndFoundAndTheEarliestDueIsKnown() {
        store.scheduleRetry(new PendingRetry(3, "orders", 1, NOW.plusSeconds(30), "A"));
        store.scheduleRetry(new PendingRetry(1, "orders", 2, NOW.plusSeconds(10), "B"));
        store.scheduleRetry(new PendingRetry(2, "invoices", 1, NOW.plusSeconds(20), "C"));

        assertThat(store.pendingRetries(null, 0, 2)).extracting(PendingRetry::eventOffset).containsExactly(1L, 2L);
        assertThat(store.pendingRetries(null, 2, 2)).extracting(PendingRetry::eventOffset).containsExactly(3L);
        assertThat(store.pendingRetries("orders", 0, 10)).extracting(PendingRetry::eventOffset).containsExactly(1L, 3L);
        assertThat(store.pendingRetry(2, "invoices")).get().extracting(PendingRetry::lastError).isEqualTo("C");
        assertThat(store.pendingRetry(2, "orders")).isEmpty();
        assertThat(store.earliestRetryDue()).contains(NOW.plusSeconds(10));
    }

    @Test
    void alertRulesAddedThroughTheApiAreKeptReplacedAndDeleted() {
        store.saveAlertRule(new dev.tandem.core.spi.AlertRuleStore.StoredRule("dl", "{\"threshold\":1}", "ops", NOW));
        store.saveAlertRule(new dev.tandem.core.spi.AlertRuleStore.StoredRule("paused", "{}", "ops", NOW.plusSeconds(1)));
        store.saveAlertRule(new dev.tandem.core.spi.AlertRuleStore.StoredRule("dl", "{\"threshold\":5}", "admin", NOW));

        store = restart();

        assertThat(store.alertRules()).extracting(dev.tandem.core.spi.AlertRuleStore.StoredRule::name)
                .containsExactly("dl", "paused");
        assertThat(store.alertRules().getFirst().definition()).isEqualTo("{\"threshold\":5}");
        assertThat(store.deleteAlertRule("dl")).isTrue();
        assertThat(store.deleteAlertRule("dl")).isFalse();
        assertThat(store.alertRules()).hasSize(1);
    }

    @Test
    void aPausedFlowIsRememberedAcrossARestart() {
        store.saveFlowControl(new dev.tandem.core.spi.FlowControls.FlowControl("orders", true, "ops", NOW, "month end"));
        store.saveFlowControl(new dev.tandem.core.spi.FlowControls.FlowControl("invoices", false, "ops", NOW, null));

        store = restart();

        assertThat(store.flowControls()).containsOnlyKeys("invoices", "orders");
        assertThat(store.flowControls().get("orders").paused()).isTrue();
        assertThat(store.flowControls().get("orders").reason()).isEqualTo("month end");
        assertThat(store.flowControls().get("invoices").paused()).isFalse();
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

    // ---- two-way sync (V24)

    @Test
    void baselinesAreKeptPerRecordAndFieldAndSurviveARestart() {
        store.saveBaseline("salesforce", "Contact", "003A", java.util.Map.of("Phone", "h1", "Email", "h2"), NOW);
        store.saveBaseline("salesforce", "Contact", "003A", java.util.Map.of("Phone", "h3"), NOW.plusSeconds(1));
        // A baseline from an older read (a write of the other direction that was in flight) does not replace it.
        store.saveBaseline("salesforce", "Contact", "003A", java.util.Map.of("Phone", "h0", "Email", "h2"),
                NOW.minusSeconds(1));
        store.saveBaseline("clarity", "Contact", "003A", java.util.Map.of("Phone1", "h9"), NOW);

        store = restart();

        assertThat(store.baseline("salesforce", "Contact", "003A")).containsOnly(
                java.util.Map.entry("Phone", "h3"), java.util.Map.entry("Email", "h2"));
        assertThat(store.baseline("clarity", "Contact", "003A")).containsOnly(java.util.Map.entry("Phone1", "h9"));
        assertThat(store.baseline("salesforce", "Contact", "003B")).isEmpty();
    }

    @Test
    void oneOpenConflictPerFieldPairWhicheverDirectionFindsItAndResolvedOnce() {
        var clarity = new dev.tandem.core.sync.Conflict.Side("clarity", "Contact", "9051", "CustomKey", "CON-1", "Phone1");
        var salesforce = new dev.tandem.core.sync.Conflict.Side("salesforce", "Contact", "003A", "Clarity_Contact_Key__c",
                "CON-1", "Phone");
        var found = store.openConflict(conflict("c2s", clarity, salesforce, "\"+1\"", "\"+2\"", NOW));
        assertThat(found.id()).isPositive();
        assertThat(found.open()).isTrue();
        // The way back finds the same pair the other way round: the same conflict, values in its orientation.
        var again = store.openConflict(conflict("s2c", salesforce, clarity, "\"+3\"", "\"+1\"", NOW.plusSeconds(5)));

        store = restart();

        assertThat(again.id()).isEqualTo(found.id());
        var stored = store.conflict(found.id()).orElseThrow();
        assertThat(stored.flowId()).isEqualTo("c2s");
        assertThat(stored.sourceValue()).isEqualTo("\"+1\"");
        assertThat(stored.targetValue()).isEqualTo("\"+3\"");
        assertThat(stored.updatedAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(stored.targetModified()).as("the salesforce side, reported by the way back").isEqualTo(NOW);
        assertThat(store.countOpenConflicts()).isEqualTo(1);
        assertThat(store.conflicts("OPEN", "c2s", 10)).hasSize(1);
        assertThat(store.conflicts("OPEN", "s2c", 10)).isEmpty();
        assertThat(store.openConflict(stored.pairKey())).isPresent();

        assertThat(store.resolveConflict(found.id(), "take clarity", "ops", NOW.plusSeconds(9))).isTrue();
        assertThat(store.resolveConflict(found.id(), "take salesforce", "ops2", NOW.plusSeconds(10))).isFalse();
        var resolved = store.conflict(found.id()).orElseThrow();
        assertThat(resolved.state()).isEqualTo("RESOLVED");
        assertThat(resolved.resolution()).isEqualTo("take clarity");
        assertThat(resolved.resolvedBy()).isEqualTo("ops");
        assertThat(resolved.resolvedAt()).isEqualTo(NOW.plusSeconds(9));
        assertThat(store.countOpenConflicts()).isZero();
        assertThat(store.openConflict(stored.pairKey())).isEmpty();
        assertThat(store.conflicts(null, null, 10)).hasSize(1);
        assertThat(store.conflict(found.id() + 1)).isEmpty();
    }

    private static dev.tandem.core.sync.Conflict conflict(String flow, dev.tandem.core.sync.Conflict.Side source,
                                                          dev.tandem.core.sync.Conflict.Side target, String sourceValue,
                                                          String targetValue, Instant at) {
        return new dev.tandem.core.sync.Conflict(0, flow, "OPEN", source, target, sourceValue, targetValue, NOW, null,
                "manual", "policy manual: a person decides", 7, at, at, "", "", null);
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

    private static DeadLetter full(long eventOffset, String flow, String recordKey, String errorCode, Instant at) {
        return new DeadLetter(0, eventOffset, flow, "v1", "SalesOrder", "SO-" + eventOffset, recordKey, "validate",
                errorCode, null, "Required fields are missing: [LastName, AccountId]", 400,
                java.util.List.of("LastName", "AccountId"), "{\"ID\":" + eventOffset + "}", "{\"records\":[]}",
                java.util.List.of("Contact/12"), 1, 1, DeadLetter.State.OPEN, null, null, at, at);
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
