package dev.tandem.server.runtime;

import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.retry.RetryPolicy;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.runtime.RuntimeSettings;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The flow runtime on the real SQLite store, with a flow whose answers the test scripts. */
class FlowRuntimeTest {

    @TempDir
    Path dir;
    private JdbcStores stores;
    private FlowRuntime runtime;
    private final ProcessingMetrics metrics = new ProcessingMetrics(new SimpleMeterRegistry());

    /** A flow that answers per event and attempt as the test says, and records every batch it is given. */
    static final class ScriptedFlow implements Flow {
        final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        final List<List<Long>> batches = Collections.synchronizedList(new ArrayList<>());
        final BiFunction<LoggedEvent, Integer, FlowOutcome> script;

        final String name;
        volatile boolean on = true;

        ScriptedFlow(BiFunction<LoggedEvent, Integer, FlowOutcome> script) {
            this("scripted", script);
        }

        ScriptedFlow(String name, BiFunction<LoggedEvent, Integer, FlowOutcome> script) {
            this.name = name;
            this.script = script;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean enabled() {
            return on;
        }

        @Override
        public boolean handles(InboundEvent event) {
            return event.type().equals("Test.Event");
        }

        @Override
        public List<FlowOutcome> process(List<LoggedEvent> batch, dev.tandem.core.flow.FlowState state) {
            batches.add(batch.stream().map(LoggedEvent::offset).toList());
            return batch.stream().map(e -> script.apply(e,
                    attempts.computeIfAbsent(e.event().entityId(), k -> new AtomicInteger()).incrementAndGet())).toList();
        }
    }

    @BeforeEach
    void open() {
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
    }

    @AfterEach
    void close() {
        if (runtime != null) {
            runtime.close();
        }
        stores.close();
    }

    private void start(Flow flow, int maxAttempts) {
        start(List.of(flow), maxAttempts);
    }

    private void start(List<Flow> flows, int maxAttempts) {
        runtime = new FlowRuntime(stores.eventLog(), stores.stateStore(), flows,
                new RetryPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), maxAttempts, 0),
                new RuntimeSettings(10, Duration.ZERO, Duration.ofMillis(20)), metrics, Clock.systemUTC());
        runtime.start();
    }

    private void append(String type, String id) {
        stores.eventLog().append(new InboundEvent("test", "ev-" + id, type, "Thing", id, "K-" + id, Instant.now(), "{}"));
    }

    private static FlowOutcome.Failed transientFailure(LoggedEvent e) {
        return new FlowOutcome.Failed(e.offset(), "UNABLE_TO_LOCK_ROW", "locked", true, Duration.ZERO, "{\"id\":1}");
    }

    @Test
    void aMappingThatLoopsFailsItsRecordAtTheMappingTimeoutAndTheFlowGoesOn() {
        // Tail recursion: JSONata runs it as a loop without end (no growing stack). The flow handles a mapping
        // failure as its transform step does: that record's MAPPING_ERROR, not retried.
        dev.tandem.core.mapping.JsonataMapping loop = dev.tandem.core.mapping.JsonataMapping.compile("loop.jsonata",
                "ID = '1' ? ($f := function($n) { $f($n + 1) }; $f(0)) : 'mapped ' & ID");
        ScriptedFlow flow = new ScriptedFlow((e, n) -> {
            try {
                Object out = loop.evaluate(Map.of("ID", e.event().entityId()), Map.of());
                return new FlowOutcome.Synced(e.offset(), String.valueOf(out));
            } catch (dev.tandem.core.mapping.MappingException m) {
                return new FlowOutcome.Failed(e.offset(), "MAPPING_ERROR", m.getMessage(), false, Duration.ZERO, "{}");
            }
        });
        runtime = new FlowRuntime(stores.eventLog(), stores.stateStore(), List.of(flow),
                new RetryPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), 3, 0),
                new RuntimeSettings(10, Duration.ZERO, Duration.ofMillis(20)).withMappingTimeout(Duration.ofMillis(200)),
                metrics, Clock.systemUTC());
        runtime.start();
        append("Test.Event", "1");
        append("Test.Event", "2");

        await().atMost(Duration.ofSeconds(30)).until(() -> runtime.idle()
                && stores.eventLog().committedOffset(FlowRuntime.consumer("scripted")) == 2);
        DeadLetter dead = stores.stateStore().deadLetters(10).getFirst();
        assertThat(stores.stateStore().deadLetterCount()).isEqualTo(1);
        assertThat(dead.errorCode()).isEqualTo("MAPPING_ERROR");
        assertThat(dead.errorMessage()).isEqualTo("mapping loop.jsonata stopped: the expression ran longer than 200 ms;"
                + " look for a loop or a very large range");
        assertThat(flow.attempts.get("1").get()).as("a mapping error is not retried").isEqualTo(1);
        assertThat(flow.attempts.get("2").get()).isEqualTo(1);
    }

    @Test
    void oneEventStartsEveryFlowThatHandlesItEachSettledOnItsOwn() {
        ScriptedFlow ok = new ScriptedFlow("a", (e, n) -> new FlowOutcome.Synced(e.offset(), "a"));
        ScriptedFlow failing = new ScriptedFlow("b", (e, n) -> new FlowOutcome.Failed(e.offset(), "BAD", "bad data",
                false, Duration.ZERO, "{}"));
        start(List.of(ok, failing), 3);
        append("Test.Event", "1");

        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.idle() && stores.stateStore().deadLetterCount() == 1);
        assertThat(ok.batches).containsExactly(List.of(1L));
        assertThat(failing.batches).containsExactly(List.of(1L));
        assertThat(stores.stateStore().deadLetters(10).getFirst().flow()).isEqualTo("b");
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("a"))).isEqualTo(1);
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("b"))).isEqualTo(1);
    }

    @Test
    void aPausedFlowKeepsItsOffsetAndCatchesUpWhenResumedWithoutHoldingTheOthers() {
        ScriptedFlow running = new ScriptedFlow("running", (e, n) -> new FlowOutcome.Synced(e.offset(), "ok"));
        ScriptedFlow paused = new ScriptedFlow("paused", (e, n) -> new FlowOutcome.Synced(e.offset(), "ok"));
        paused.on = false;
        start(List.of(running, paused), 3);
        append("Test.Event", "1");
        append("Test.Event", "2");

        await().atMost(Duration.ofSeconds(10)).until(() -> stores.eventLog().committedOffset(FlowRuntime.consumer("running")) == 2);
        assertThat(paused.batches).isEmpty();
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("paused"))).isZero();

        paused.on = true;
        runtime.wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> stores.eventLog().committedOffset(FlowRuntime.consumer("paused")) == 2);
        // Two records (keys K-1, K-2): their batches may run side by side and finish in either order.
        assertThat(paused.batches.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrder(1L, 2L);
        assertThat(running.batches.stream().flatMap(List::stream).toList()).containsExactlyInAnyOrder(1L, 2L);
    }

    @Test
    void aTransientFailureIsRetriedUntilItSucceeds() {
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> attempt < 3 ? transientFailure(e)
                : new FlowOutcome.Synced(e.offset(), "ok"));
        start(flow, 5);
        append("Test.Event", "1");

        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.syncedCount() == 1 && runtime.idle());
        assertThat(flow.attempts.get("1").get()).isEqualTo(3);
        assertThat(metrics.retriedCount()).isEqualTo(2);
        assertThat(stores.stateStore().deadLetterCount()).isZero();
        assertThat(stores.stateStore().auditFor(1)).extracting(a -> a.outcome()).containsExactly("RETRY", "RETRY", "OK");
    }

    @Test
    void aTransientFailureThatNeverClearsIsDeadLetteredAfterMaxAttempts() {
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> transientFailure(e));
        start(flow, 3);
        append("Test.Event", "1");

        await().atMost(Duration.ofSeconds(10)).until(() -> stores.stateStore().deadLetterCount() == 1 && runtime.idle());
        DeadLetter letter = stores.stateStore().deadLetters(1).getFirst();
        assertThat(letter.errorCode()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(letter.errorMessage()).contains("gave up after 3 attempts");
        assertThat(letter.attempts()).isEqualTo(3);
        assertThat(letter.entityKey()).isEqualTo("K-1");
        assertThat(letter.payload()).isEqualTo("{\"id\":1}");
        assertThat(flow.attempts.get("1").get()).isEqualTo(3);
    }

    @Test
    void aPermanentFailureIsDeadLetteredAtOnce() {
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> new FlowOutcome.Failed(e.offset(), "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [LastName]", false, Duration.ZERO, "{}"));
        start(flow, 5);
        append("Test.Event", "1");

        await().atMost(Duration.ofSeconds(10)).until(() -> stores.stateStore().deadLetterCount() == 1 && runtime.idle());
        assertThat(flow.attempts.get("1").get()).isEqualTo(1);
        assertThat(stores.stateStore().deadLetters(1).getFirst().errorMessage()).isEqualTo("Required fields are missing: [LastName]");
    }

    @Test
    void aFlowThatThrowsHasItsBatchRetriedNotLost() {
        AtomicInteger calls = new AtomicInteger();
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return new FlowOutcome.Synced(e.offset(), "ok");
        });
        start(flow, 5);
        append("Test.Event", "1");

        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.syncedCount() == 1 && runtime.idle());
    }

    @Test
    void eventsNoFlowHandlesAreSkippedAndCommitted() {
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> new FlowOutcome.Synced(e.offset(), "ok"));
        start(flow, 5);
        append("Other.Event", "1");
        append("Test.Event", "2");

        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.idle() && metrics.syncedCount() == 1);
        assertThat(metrics.skippedCount()).isEqualTo(1);
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("scripted"))).isEqualTo(2);
    }

    @Test
    void eventsAreHandedToTheFlowInOffsetOrderAndInBatches() {
        for (int i = 1; i <= 25; i++) {
            append("Test.Event", String.valueOf(i));
        }
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> new FlowOutcome.Synced(e.offset(), "ok"));
        start(flow, 5);

        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.idle() && metrics.syncedCount() == 25);
        assertThat(flow.batches).hasSize(3);
        // Batches run in parallel, so they may finish in any order; each is in offset order and none overlaps.
        assertThat(flow.batches).allSatisfy(b -> assertThat(b).isSorted());
        assertThat(flow.batches.stream().sorted(java.util.Comparator.comparing(List::getFirst)).flatMap(List::stream).toList())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
    }

    private void appendFor(String id, String entityId) {
        stores.eventLog().append(new InboundEvent("test", "ev-" + id, "Test.Event", "Thing", entityId, "K-" + entityId,
                Instant.now(), "{}"));
    }

    @Test
    void aSlowKeyDoesNotHoldOtherKeysAndTheOffsetWaitsForIt() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> {
            if (e.event().entityId().equals("slow")) {
                try {
                    release.await();
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
            return new FlowOutcome.Synced(e.offset(), "ok");
        });
        start(flow, 3);
        appendFor("1", "slow");
        await().atMost(Duration.ofSeconds(10)).until(() -> flow.batches.size() == 1);
        appendFor("2", "fast");
        appendFor("3", "slow");

        // Offset 2 (another key) is synced while offset 1 is under way; offset 3 (the slow key again) waits for it.
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.syncedCount() == 1);
        assertThat(flow.batches.stream().flatMap(List::stream).toList()).containsExactly(1L, 2L);
        // The committed offset is the low watermark: nothing can be committed past the unsettled offset 1.
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("scripted"))).isZero();

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.idle() && metrics.syncedCount() == 3);
        assertThat(flow.batches.stream().flatMap(List::stream).toList()).containsExactly(1L, 2L, 3L);
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("scripted"))).isEqualTo(3);
    }

    @Test
    void aKeyWaitingForARetryHoldsItsLaterEventsAndRunsThemTogetherWithoutHoldingOtherKeys() {
        AtomicInteger firstAttempts = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean healed = new java.util.concurrent.atomic.AtomicBoolean();
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> {
            if (e.event().entityId().equals("x") && !healed.get()) {
                firstAttempts.incrementAndGet();
                return new FlowOutcome.Failed(e.offset(), "UNABLE_TO_LOCK_ROW", "locked", true, Duration.ofMinutes(10), "{}");
            }
            return new FlowOutcome.Synced(e.offset(), "ok");
        });
        start(flow, 5);
        appendFor("1", "x");
        await().atMost(Duration.ofSeconds(10)).until(() -> stores.stateStore().pendingRetryCount() == 1);
        appendFor("2", "x");
        appendFor("3", "y");

        // y goes on; the second event of x is held behind x's retry (a row due with it), not processed.
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.syncedCount() == 1
                && stores.stateStore().pendingRetryCount() == 2
                && stores.eventLog().committedOffset(FlowRuntime.consumer("scripted")) == 3);
        assertThat(flow.batches.stream().flatMap(List::stream).toList()).containsExactly(1L, 3L);
        List<dev.tandem.core.state.PendingRetry> rows = stores.stateStore().dueRetries(Instant.now().plus(Duration.ofHours(1)), 10);
        assertThat(rows).extracting(r -> r.eventOffset()).containsExactly(1L, 2L);
        assertThat(rows.get(1).dueAt()).isEqualTo(rows.get(0).dueAt());
        assertThat(rows.get(1).lastError()).contains("HELD").contains("offset 1");
        assertThat(stores.stateStore().auditFor(2)).extracting(a -> a.outcome()).containsExactly("RETRY");
        assertThat(firstAttempts).hasValue(1);

        // A restart keeps the hold: make both rows due now, heal the target, and x's two events run as one batch.
        runtime.close();
        healed.set(true);
        rows.forEach(r -> stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(r.eventOffset(),
                r.flow(), r.attempts(), Instant.now(), r.lastError())));
        flow.batches.clear();
        start(flow, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.idle() && metrics.syncedCount() == 3);
        assertThat(flow.batches).containsExactly(List.of(1L, 2L));
        assertThat(stores.stateStore().auditFor(2)).extracting(a -> a.outcome()).containsExactly("RETRY", "OK");
    }

    @Test
    void aLaterEventOfAKeyWhoseHeadWasRescheduledWaitsForTheHead() {
        // Rows as a crash could leave them: the head (offset 1) due later than the held event (offset 2).
        appendFor("1", "x");
        appendFor("2", "x");
        stores.eventLog().commit(FlowRuntime.consumer("scripted"), 2);
        Instant later = Instant.now().plus(Duration.ofMinutes(10)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(1, "scripted", 1, later, "locked"));
        stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(2, "scripted", 0, Instant.now(), "HELD"));
        ScriptedFlow flow = new ScriptedFlow((e, attempt) -> new FlowOutcome.Synced(e.offset(), "ok"));
        start(flow, 5);

        await().atMost(Duration.ofSeconds(10)).until(() -> stores.stateStore().dueRetries(later.plusSeconds(1), 10)
                .stream().allMatch(r -> r.dueAt().equals(later)));
        assertThat(flow.batches).isEmpty();
        assertThat(stores.stateStore().pendingRetryCount()).isEqualTo(2);
    }

    @Test
    void pendingRetriesSurviveARestartOfTheRuntime() {
        ScriptedFlow failing = new ScriptedFlow((e, attempt) -> new FlowOutcome.Failed(e.offset(), "SERVER_UNAVAILABLE",
                "down", true, Duration.ofMillis(300), "{}"));
        start(failing, 5);
        append("Test.Event", "1");
        await().atMost(Duration.ofSeconds(10)).until(() -> stores.stateStore().pendingRetryCount() == 1);
        runtime.close();

        ScriptedFlow healthy = new ScriptedFlow((e, attempt) -> new FlowOutcome.Synced(e.offset(), "ok"));
        start(healthy, 5);
        await().atMost(Duration.ofSeconds(10)).until(() -> metrics.syncedCount() == 1 && runtime.idle());
        assertThat(healthy.attempts).containsKey("1");
    }
}
