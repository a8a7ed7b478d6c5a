package dev.tandem.server.runtime;

import dev.tandem.core.connector.AvailabilityState;
import dev.tandem.core.connector.AvailabilityTracker;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.retry.RetryPolicies;
import dev.tandem.core.retry.RetryPolicy;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.runtime.PausedFlow;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.runtime.RuntimeSettings;
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
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Flows pause while a system they use is unavailable (issue 9): nothing is dead-lettered for an outage, a used-up
 * request limit or refused credentials, however long it lasts; the system is probed one request at a time; the flow
 * resumes and drains in order when the system answers. Runs on the real SQLite store with a test clock the test moves,
 * so "longer than the whole retry budget" is hours of clock, not of test time.
 */
class FlowRuntimeAvailabilityTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @TempDir
    Path dir;
    private JdbcStores stores;
    private FlowRuntime runtime;
    private final ProcessingMetrics metrics = new ProcessingMetrics(new SimpleMeterRegistry());
    private final MutableClock clock = new MutableClock(Instant.now());

    /** The system the flows write to: down, rate-limited or refusing credentials as the test says. */
    private final AtomicReference<IntegrationException> trouble = new AtomicReference<>();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger probesRunning = new AtomicInteger();
    private final AtomicInteger mostProbesAtOnce = new AtomicInteger();
    private final AvailabilityTracker salesforce = new AvailabilityTracker("salesforce", clock, 2, this::probeCall);

    static final class MutableClock extends Clock {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    /** The probe: one request to the system (Salesforce: GET /limits), failing as the system does. */
    private void probeCall() {
        probes.incrementAndGet();
        mostProbesAtOnce.accumulateAndGet(probesRunning.incrementAndGet(), Math::max);
        try {
            IntegrationException e = trouble.get();
            if (e != null) {
                throw e;
            }
        } finally {
            probesRunning.decrementAndGet();
        }
    }

    /**
     * A flow writing to "salesforce" as a connector does: its calls fail while the system is in trouble (and tell
     * the tracker, as the connector's HTTP client does), else every event syncs. Records what it synced, in order.
     */
    final class WritingFlow implements Flow {
        final String name;
        final Set<String> systems;
        final List<List<Long>> batches = Collections.synchronizedList(new ArrayList<>());
        final List<String> synced = Collections.synchronizedList(new ArrayList<>());

        WritingFlow(String name, Set<String> systems) {
            this.name = name;
            this.systems = systems;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Set<String> systems() {
            return systems;
        }

        @Override
        public boolean handles(InboundEvent event) {
            return true;
        }

        @Override
        public List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state) {
            batches.add(batch.stream().map(LoggedEvent::offset).toList());
            IntegrationException e = systems.contains("salesforce") ? trouble.get() : null;
            if (e != null) {
                salesforce.failed(e);
                throw e;
            }
            if (systems.contains("salesforce")) {
                salesforce.succeeded();
            }
            batch.forEach(ev -> synced.add(ev.event().entityId() + "@" + ev.offset()));
            return batch.stream().<FlowOutcome>map(ev -> new FlowOutcome.Synced(ev.offset(), "ok")).toList();
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

    /** Retries 1 s doubling to 4 s, 3 attempts: a budget of a few seconds of clock. Probes every 1 s to 8 s. */
    private void start(List<Flow> flows, RetryPolicies policies) {
        runtime = new FlowRuntime(stores.eventLog(), stores.stateStore(), flows, policies,
                new RuntimeSettings(10, Duration.ZERO, Duration.ofMillis(20), 2)
                        .withProbeIntervals(Duration.ofSeconds(1), Duration.ofSeconds(8)), metrics, clock);
        runtime.watch(salesforce);
        runtime.start();
    }

    private void start(Flow flow) {
        start(List.of(flow), RetryPolicies.of(new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(4), 3, 0)));
    }

    private void append(String id, String entityId) {
        stores.eventLog().append(new InboundEvent("test", "ev-" + id, "Test.Event", "Thing", entityId, "K-" + entityId,
                Instant.now(), "{}"));
    }

    private static IntegrationException outage() {
        return IntegrationException.transientFailure("salesforce", "SERVER_UNAVAILABLE", "maintenance", 503, null);
    }

    /** Waits for {@code condition}, moving the clock a second at a time while it is not met (time passes). */
    private void advanceUntil(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(TIMEOUT).until(() -> {
            if (condition.call()) {
                return true;
            }
            clock.advance(Duration.ofSeconds(1));
            return false;
        });
    }

    private void untilPaused() {
        advanceUntil(() -> !runtime.pausedFlows().isEmpty());
    }

    /** Moves the clock past the next probe and waits until that one probe has run. */
    private void nextProbe(Duration step) {
        int before = probes.get();
        clock.advance(step);
        await().atMost(TIMEOUT).until(() -> probes.get() > before);
    }

    @Test
    void anOutageLongerThanTheWholeRetryBudgetPausesTheFlowAndDeadLettersNothing() {
        WritingFlow flow = new WritingFlow("orders", Set.of("clarity", "salesforce"));
        trouble.set(outage());
        for (int i = 1; i <= 4; i++) {
            append(String.valueOf(i), String.valueOf(i)); // in the log before the runtime reads: one batch
        }
        start(flow);

        untilPaused();
        PausedFlow paused = runtime.pausedFlows().getFirst();
        assertThat(paused.flow()).isEqualTo("orders");
        assertThat(paused.system()).isEqualTo("salesforce");
        assertThat(paused.cause()).isEqualTo(AvailabilityState.Cause.OUTAGE);
        await().atMost(TIMEOUT).until(() -> stores.stateStore().pendingRetryCount() == 4);

        // Hours of outage: a hundred times maxAttempts × maxDelay.
        for (int i = 0; i < 20; i++) {
            nextProbe(Duration.ofMinutes(30));
        }
        assertThat(stores.stateStore().deadLetterCount()).isZero();
        assertThat(runtime.pausedFlows()).hasSize(1);
        assertThat(metrics.retriedCount()).as("an outage costs no attempts").isLessThanOrEqualTo(4);
    }

    @Test
    void duringAnOutageOneProbeRunsAtATimeAndNoBatchRunsWhateverTheBacklog() {
        WritingFlow flow = new WritingFlow("orders", Set.of("salesforce"));
        trouble.set(outage());
        start(flow);
        append("1", "1");
        untilPaused();
        await().atMost(TIMEOUT).until(() -> stores.stateStore().pendingRetryCount() == 1);
        int batchesWhenPaused = flow.batches.size();
        int probesBefore = probes.get();

        for (int i = 2; i <= 200; i++) {
            append(String.valueOf(i), String.valueOf(i));
        }
        for (int i = 0; i < 10; i++) {
            nextProbe(Duration.ofMinutes(10));
        }

        assertThat(flow.batches).as("no batch while paused, however many events wait").hasSize(batchesWhenPaused);
        assertThat(probes.get() - probesBefore).as("one probe per interval, not one per event").isEqualTo(10);
        assertThat(mostProbesAtOnce.get()).isEqualTo(1);
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("orders"))).isLessThanOrEqualTo(1);
    }

    @Test
    void whenTheSystemAnswersAgainThePausedFlowResumesAndDrainsEveryEventInOrderPerKey() {
        WritingFlow flow = new WritingFlow("orders", Set.of("salesforce"));
        trouble.set(outage());
        append("a1", "A");
        append("b1", "B");
        start(flow);
        untilPaused();
        await().atMost(TIMEOUT).until(() -> stores.stateStore().pendingRetryCount() == 2);
        append("a2", "A");
        append("c1", "C");
        append("a3", "A");
        nextProbe(Duration.ofHours(2));

        trouble.set(null);
        nextProbe(Duration.ofHours(2));

        advanceUntil(() -> runtime.idle());
        assertThat(runtime.pausedFlows()).isEmpty();
        assertThat(stores.stateStore().deadLetterCount()).isZero();
        assertThat(flow.synced).containsExactlyInAnyOrder("A@1", "B@2", "A@3", "C@4", "A@5");
        List<String> a = flow.synced.stream().filter(s -> s.startsWith("A@")).toList();
        assertThat(a).as("one record's events land in log order").containsExactly("A@1", "A@3", "A@5");
        // The outage did not use up attempts: the parked retries kept their count (the first failure of each).
        assertThat(stores.stateStore().auditFor(1)).extracting(e -> e.outcome()).last().isEqualTo("OK");
        assertThat(stores.stateStore().auditFor(1)).anySatisfy(e -> assertThat(e.detail()).contains("attempt not counted"));
    }

    @Test
    void aUsedUpRequestLimitWaitsForTheLimitWindowNotForAFixedWaitPerAttempt() {
        WritingFlow flow = new WritingFlow("orders", Set.of("salesforce"));
        // Salesforce answers 403 REQUEST_LIMIT_EXCEEDED; the connector's classifier asks for a 15-minute wait.
        trouble.set(new IntegrationException("salesforce", "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.",
                403, true, List.of(), Duration.ofMinutes(15), null));
        append("1", "1");
        append("2", "2");
        start(flow);
        untilPaused();
        assertThat(runtime.pausedFlows().getFirst().cause()).isEqualTo(AvailabilityState.Cause.RATE_LIMITED);
        await().atMost(TIMEOUT).until(() -> stores.stateStore().pendingRetryCount() == 2);
        Instant limitHit = clock.instant();
        nextProbe(Duration.ofSeconds(1)); // /limits: still Remaining 0

        trouble.set(null); // the window frees: /limits answers with Remaining > 0
        nextProbe(Duration.ofSeconds(2));

        advanceUntil(() -> runtime.idle());
        assertThat(flow.synced).containsExactlyInAnyOrder("1@1", "2@2");
        assertThat(stores.stateStore().deadLetterCount()).isZero();
        assertThat(Duration.between(limitHit, clock.instant())).isLessThan(Duration.ofMinutes(15));
    }

    @Test
    void refusedCredentialsAtStartPauseTheFlowUntilTheConfigurationIsFixed() {
        WritingFlow flow = new WritingFlow("orders", Set.of("salesforce"));
        trouble.set(IntegrationException.permanentFailure("salesforce", "invalid_client",
                "Salesforce token request failed: invalid_client: invalid client credentials", 400));
        assertThat(salesforce.probe()).isInstanceOf(AvailabilityState.Unavailable.class); // the start-up check
        start(flow);
        append("1", "1");
        untilPaused();
        assertThat(runtime.pausedFlows().getFirst().cause()).isEqualTo(AvailabilityState.Cause.CONFIGURATION);
        nextProbe(Duration.ofHours(1));
        assertThat(flow.batches).isEmpty();
        assertThat(stores.eventLog().committedOffset(FlowRuntime.consumer("orders"))).isZero();

        trouble.set(null); // the secret is fixed
        nextProbe(Duration.ofHours(1));

        advanceUntil(() -> runtime.idle());
        assertThat(flow.synced).containsExactly("1@1");
        assertThat(stores.stateStore().deadLetterCount()).isZero();
        assertThat(runtime.availability()).containsKey("salesforce");
        assertThat(runtime.availability().get("salesforce").available()).isTrue();
    }

    @Test
    void aFlowThatDoesNotUseTheUnavailableSystemKeepsRunning() {
        WritingFlow orders = new WritingFlow("orders", Set.of("salesforce"));
        WritingFlow other = new WritingFlow("other", Set.of("clarity"));
        trouble.set(outage());
        start(List.of(orders, other), RetryPolicies.of(RetryPolicy.defaults()));
        append("1", "1");
        untilPaused();
        append("2", "2");

        await().atMost(TIMEOUT).until(() -> stores.eventLog().committedOffset(FlowRuntime.consumer("other")) == 2);
        assertThat(runtime.pausedFlows()).extracting(PausedFlow::flow).containsExactly("orders");
        assertThat(other.synced).containsExactly("1@1", "2@2");
    }

    @Test
    void theRetryPolicyOfAFailureIsChosenByItsErrorClass() {
        AtomicInteger calls = new AtomicInteger();
        Flow locked = new Flow() {
            @Override
            public String name() {
                return "locks";
            }

            @Override
            public boolean handles(InboundEvent event) {
                return true;
            }

            @Override
            public List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state) {
                calls.incrementAndGet();
                return batch.stream().<FlowOutcome>map(e -> new FlowOutcome.Failed(e.offset(), "UNABLE_TO_LOCK_ROW",
                        "locked", true, Duration.ZERO, "{}")).toList();
            }
        };
        RetryPolicy fallback = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(4), 10, 0);
        RetryPolicy lockPolicy = new RetryPolicy(Duration.ofMillis(1), 1.0, Duration.ofMillis(1), 2, 0);
        start(List.of(locked), new RetryPolicies(fallback, Map.of(ErrorClass.LOCK, lockPolicy)));
        append("1", "1");

        advanceUntil(() -> stores.stateStore().deadLetterCount() == 1);
        assertThat(stores.stateStore().deadLetters(1).getFirst().attempts()).isEqualTo(2);
        assertThat(calls.get()).isEqualTo(2);
    }
}
