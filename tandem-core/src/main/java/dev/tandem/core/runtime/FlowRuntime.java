package dev.tandem.core.runtime;

import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.retry.RetryPolicy;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.PendingRetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the event log, hands every event to each flow that handles it (fan-out: one event can start several
 * flows, each settled, retried and dead-lettered on its own), and settles each event per flow: synced, skipped, a
 * durable retry row with backoff, or a dead letter.
 *
 * <p>Each flow has its own consumer offset ({@code flow:<id>}, Kafka Connect's one consumer group per sink), so a
 * flow can be paused, or added later and backfilled from the start of the log, without touching the others. A
 * batch's outcomes, the state its flows produced (audit entries, links) and the offsets are written in ONE store
 * transaction: one durable commit per batch instead of one per row, and a crash before it replays the batch, which
 * the flows' idempotent writes (upserts by external id) turn into exactly-once effects.
 *
 * <p>One runtime thread does both the log and the retry queue, so an event is never processed by the same flow
 * twice at the same time.
 */
public final class FlowRuntime implements AutoCloseable {

    /** The consumer every flow shared before offsets were per flow; read once as a new flow's start. */
    public static final String LEGACY_CONSUMER = "flow-runtime";

    private static final Logger log = LoggerFactory.getLogger(FlowRuntime.class);

    private final EventLog eventLog;
    private final StateStore store;
    private volatile List<Flow> flows;
    private final RetryPolicy defaultPolicy;
    private final RuntimeSettings settings;
    private final ProcessingMetrics metrics;
    private final Clock clock;
    private final Random random = new Random();
    private final Set<String> initialised = new HashSet<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;

    public FlowRuntime(EventLog eventLog, StateStore store, List<Flow> flows, RetryPolicy retryPolicy,
                       RuntimeSettings settings, ProcessingMetrics metrics, Clock clock) {
        this.eventLog = eventLog;
        this.store = store;
        this.flows = List.copyOf(flows);
        this.defaultPolicy = retryPolicy;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The consumer name of a flow's offset. */
    public static String consumer(String flowId) {
        return "flow:" + flowId;
    }

    public List<Flow> flows() {
        return flows;
    }

    /**
     * Swaps in a new set of flows (hot reload); takes effect at the next batch. A flow that keeps its id keeps its
     * offset, retries and dead letters; a new one starts where its trigger says.
     */
    public void replaceFlows(List<Flow> newFlows) {
        this.flows = List.copyOf(newFlows);
        wake();
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("tandem-flow-runtime").daemon(true).start(this::loop);
    }

    /** Tells the runtime that new events are in the log, so it does not wait for the next poll. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the runtime thread is running (false after {@link #close()} or a fatal error); for {@code /health}. */
    public boolean alive() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    /** The lowest committed offset of the enabled flows: what every running flow has settled. */
    public long committedOffset() {
        long end = eventLog.endOffset();
        return flows.stream().filter(Flow::enabled).mapToLong(f -> eventLog.committedOffset(consumer(f.name())))
                .min().orElse(end);
    }

    /** True when every enabled flow has settled every event in the log and no retry is pending. */
    public boolean idle() {
        return committedOffset() >= eventLog.endOffset() && store.pendingRetryCount() == 0;
    }

    /** Stops after the batch in progress is settled; events not yet committed are processed after a restart. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (!running) {
                return;
            }
            running = false;
            t = thread;
        }
        wake();
        try {
            t.join(TimeUnit.MINUTES.toMillis(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        while (running) {
            try {
                boolean worked = processLog();
                worked |= processDueRetries();
                if (!worked) {
                    await(settings.pollInterval());
                }
            } catch (RuntimeException | StackOverflowError e) {
                // The store itself failed (disk full, database gone): nothing was committed, so waiting and trying
                // again is safe. Log it loudly; /health reports the store.
                log.error("Flow runtime iteration failed; retrying after {}", settings.pollInterval(), e);
                await(settings.pollInterval());
            } catch (Error e) {
                // Out of memory or worse: stop visibly (/health reports the runtime) rather than spin.
                log.error("Flow runtime stopped by an error; restart Tandem", e);
                running = false;
                throw e;
            }
        }
    }

    private void await(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!woken && running && nanos > 0) {
                nanos = wakeUp.awaitNanos(nanos);
            }
            woken = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    /** A new flow's offset: the old shared one after an upgrade, else the start or the end of the log. */
    private void initialise(List<Flow> active) {
        for (Flow f : active) {
            if (initialised.add(f.name()) && eventLog.committedOffset(consumer(f.name())) == 0) {
                long legacy = eventLog.committedOffset(LEGACY_CONSUMER);
                long start = legacy > 0 ? legacy : f.startsAtLatest() ? eventLog.endOffset() : 0;
                if (start > 0) {
                    eventLog.commit(consumer(f.name()), start);
                }
            }
        }
    }

    private boolean processLog() {
        List<Flow> active = flows.stream().filter(Flow::enabled).toList();
        if (active.isEmpty()) {
            return false;
        }
        initialise(active);
        Map<Flow, Long> offsets = new LinkedHashMap<>();
        active.forEach(f -> offsets.put(f, eventLog.committedOffset(consumer(f.name()))));
        long from = offsets.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long newest = offsets.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        List<LoggedEvent> batch = eventLog.readAfter(from, settings.batchSize());
        if (batch.isEmpty()) {
            return false;
        }
        if (batch.size() < settings.batchSize() && !settings.linger().isZero()) {
            // Let the batch fill a little: under load, one Composite Graph call then carries many records.
            sleepQuietly(settings.linger());
            batch = eventLog.readAfter(from, settings.batchSize());
        }
        long last = batch.getLast().offset();
        Settlement settlement = new Settlement();
        Set<Long> handled = new HashSet<>();
        for (Flow flow : active) {
            long flowOffset = offsets.get(flow);
            List<LoggedEvent> events = new ArrayList<>();
            for (LoggedEvent e : batch) {
                if (e.offset() > flowOffset && flow.handles(e.event())) {
                    events.add(e);
                    handled.add(e.offset());
                }
            }
            if (!events.isEmpty()) {
                Map<Long, Integer> attempts = new HashMap<>();
                events.forEach(e -> attempts.put(e.offset(), 0));
                runFlow(flow, events, attempts, settlement);
            }
        }
        for (LoggedEvent e : batch) {
            if (e.offset() > newest && !handled.contains(e.offset())) {
                settlement.audit(auditEntry(e, "none", "", "SKIPPED", "no flow handles " + e.event().type()));
                metrics.skipped(Duration.between(e.receivedAt(), clock.instant()));
            }
        }
        store.inTransaction(() -> {
            settlement.writeTo(store);
            for (Flow flow : active) {
                if (offsets.get(flow) < last) {
                    eventLog.commit(consumer(flow.name()), last);
                }
            }
        });
        return true;
    }

    private boolean processDueRetries() {
        List<PendingRetry> due = store.dueRetries(clock.instant(), settings.batchSize());
        if (due.isEmpty()) {
            return false;
        }
        Map<String, List<LoggedEvent>> byFlow = new LinkedHashMap<>();
        Map<Long, Integer> attemptsMade = new HashMap<>();
        Settlement settlement = new Settlement();
        for (PendingRetry retry : due) {
            Optional<LoggedEvent> event = eventLog.get(retry.eventOffset());
            if (event.isEmpty()) {
                log.error("Retry for offset {} points at no event; dropping the retry row", retry.eventOffset());
                settlement.removeRetry(retry.eventOffset(), retry.flow());
                continue;
            }
            attemptsMade.put(retry.eventOffset(), retry.attempts());
            byFlow.computeIfAbsent(retry.flow(), f -> new ArrayList<>()).add(event.get());
        }
        Map<String, Flow> byName = new HashMap<>();
        flows.forEach(f -> byName.put(f.name(), f));
        byFlow.forEach((flowName, events) -> {
            Flow flow = byName.get(flowName);
            if (flow == null || !flow.enabled()) {
                // The flow is paused or not loaded (a file removed or refused): keep the retry, look again later.
                for (LoggedEvent e : events) {
                    settlement.retry(new PendingRetry(e.offset(), flowName, attemptsMade.get(e.offset()),
                            clock.instant().plus(Duration.ofMinutes(5)), "flow " + flowName
                            + (flow == null ? " is not loaded" : " is paused") + "; the retry waits for it"));
                }
            } else {
                runFlow(flow, events, attemptsMade, settlement);
            }
        });
        store.inTransaction(() -> settlement.writeTo(store));
        return true;
    }

    private void runFlow(Flow flow, List<LoggedEvent> events, Map<Long, Integer> attemptsMade, Settlement settlement) {
        List<FlowOutcome> outcomes;
        Settlement flowState = new Settlement();
        try {
            outcomes = flow.process(events, flowState);
        } catch (IntegrationException e) {
            // A failure of the whole batch (the target unreachable, credentials refused) says nothing about the
            // records themselves, so even a "permanent" one is retried: dead-lettering every record of a batch
            // because of a credentials problem would bury the real cause. The policy still gives up eventually.
            outcomes = events.stream().<FlowOutcome>map(ev -> new FlowOutcome.Failed(ev.offset(), e.errorCode(),
                    e.getMessage(), true, e.retryAfter().orElse(Duration.ZERO), ev.event().payload())).toList();
        } catch (RuntimeException | StackOverflowError e) {
            // A StackOverflowError comes from a mapping on hostile, deeply nested input: retry, then dead-letter.
            log.error("Flow {} threw; the batch will be retried", flow.name(), e);
            outcomes = events.stream().<FlowOutcome>map(ev -> new FlowOutcome.Failed(ev.offset(), "FLOW_ERROR",
                    e.getClass().getSimpleName() + ": " + e.getMessage(), true, Duration.ZERO,
                    ev.event().payload())).toList();
        }
        settlement.addAll(flowState);
        Map<Long, FlowOutcome> byOffset = new HashMap<>();
        outcomes.forEach(o -> byOffset.put(o.offset(), o));
        for (LoggedEvent event : events) {
            FlowOutcome outcome = byOffset.get(event.offset());
            if (outcome == null) {
                outcome = new FlowOutcome.Failed(event.offset(), "FLOW_ERROR",
                        "flow " + flow.name() + " returned no outcome for this event", true, Duration.ZERO,
                        event.event().payload());
            }
            apply(flow, event, outcome, attemptsMade.getOrDefault(event.offset(), 0), settlement);
        }
    }

    private void apply(Flow flow, LoggedEvent event, FlowOutcome outcome, int previousAttempts, Settlement s) {
        String flowName = flow.name();
        Instant now = clock.instant();
        Duration sinceReceipt = Duration.between(event.receivedAt(), now);
        int attempts = previousAttempts + 1;
        switch (outcome) {
            case FlowOutcome.Synced synced -> {
                s.removeRetry(event.offset(), flowName);
                s.audit(auditEntry(event, flowName, flow.version(), "OK", synced.detail()));
                metrics.synced(sinceReceipt);
            }
            case FlowOutcome.Skipped skipped -> {
                s.removeRetry(event.offset(), flowName);
                s.audit(auditEntry(event, flowName, flow.version(), "SKIPPED", skipped.reason()));
                metrics.skipped(sinceReceipt);
            }
            case FlowOutcome.Failed failed when failed.retryable()
                    && policy(flow, failed.errorCode()).allowsAnotherAttempt(attempts) -> {
                Instant due = policy(flow, failed.errorCode()).nextAttemptAt(now, attempts, failed.minimumWait(), random);
                s.retry(new PendingRetry(event.offset(), flowName, attempts, due,
                        failed.errorCode() + ": " + failed.message()));
                s.audit(auditEntry(event, flowName, flow.version(), "RETRY", failed.errorCode() + ": " + failed.message()
                        + " (attempt " + attempts + ", next at " + due + ")"));
                metrics.retried();
            }
            case FlowOutcome.Failed failed -> {
                String message = failed.retryable()
                        ? failed.message() + " (gave up after " + attempts + " attempts)"
                        : failed.message();
                s.deadLetter(new DeadLetter(0, event.offset(), flowName, flow.version(), entityKey(event),
                        failed.payload(), failed.errorCode(), message, attempts, now));
                // Also for a first attempt: after a crash between scheduling a retry and the offset commit, the log
                // replays an event that already has a row, and a settled event must not run again.
                s.removeRetry(event.offset(), flowName);
                s.audit(auditEntry(event, flowName, flow.version(), "DEAD_LETTER", failed.errorCode() + ": " + message));
                metrics.deadLettered(sinceReceipt);
                log.warn("Dead-lettered {} {} (offset {}, flow {}): {}: {}", event.event().entity(), entityKey(event),
                        event.offset(), flowName, failed.errorCode(), message);
            }
        }
    }

    private RetryPolicy policy(Flow flow, String errorCode) {
        return flow.redelivery(errorCode).orElse(defaultPolicy);
    }

    private AuditEntry auditEntry(LoggedEvent event, String flowName, String version, String outcome, String detail) {
        Instant now = clock.instant();
        return new AuditEntry(event.offset(), flowName, version, "settle", event.event().type() + " "
                + event.event().entity() + " " + event.event().entityId(), 0,
                Duration.between(event.receivedAt(), now).toMillis(), outcome, detail, now);
    }

    private static String entityKey(LoggedEvent event) {
        return event.event().entityKey().isEmpty() ? event.event().entityId() : event.event().entityKey();
    }

    private void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The state writes of a batch, kept in order and written in one transaction. */
    private static final class Settlement implements FlowState {
        private final List<java.util.function.Consumer<StateStore>> writes = new ArrayList<>();
        // Links and audit entries are independent of the retry and dead-letter rows and of each other, so they
        // go in two JDBC batches (in their own order) instead of a statement each.
        private final List<String[]> links = new ArrayList<>();
        private final List<AuditEntry> audits = new ArrayList<>();

        @Override
        public void audit(AuditEntry entry) {
            audits.add(entry);
        }

        @Override
        public void link(String entity, String sourceKey, String targetId) {
            if (!targetId.isEmpty()) {
                links.add(new String[]{entity, sourceKey, targetId});
            }
        }

        void retry(PendingRetry retry) {
            writes.add(s -> s.scheduleRetry(retry));
        }

        void removeRetry(long offset, String flow) {
            writes.add(s -> s.removeRetry(offset, flow));
        }

        void deadLetter(DeadLetter d) {
            writes.add(s -> s.addDeadLetter(d));
        }

        void addAll(Settlement other) {
            writes.addAll(other.writes);
            links.addAll(other.links);
            audits.addAll(other.audits);
        }

        void writeTo(StateStore store) {
            writes.forEach(w -> w.accept(store));
            store.putIds(links);
            store.auditAll(audits);
        }
    }
}
