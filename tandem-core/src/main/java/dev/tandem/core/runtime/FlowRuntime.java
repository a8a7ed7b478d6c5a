package dev.tandem.core.runtime;

import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the event log in order, hands batches to the flows, and settles every event: commit on success, a durable
 * retry row with backoff on a transient failure, a dead letter on a permanent one.
 *
 * <p>One runtime thread does both the log and the retry queue, so an event is never processed twice at the same
 * time. The consumer offset is committed only after every event of a batch is settled (synced, skipped, scheduled
 * for retry or dead-lettered), so a crash between a write and the commit replays the batch; flows write
 * idempotently (upsert by external id), which turns that at-least-once replay into exactly-once effects.
 */
public final class FlowRuntime implements AutoCloseable {

    /** The consumer name under which the runtime commits its log offset. */
    public static final String CONSUMER = "flow-runtime";

    private static final Logger log = LoggerFactory.getLogger(FlowRuntime.class);

    private final EventLog eventLog;
    private final StateStore store;
    private final List<Flow> flows;
    private final RetryPolicy retryPolicy;
    private final RuntimeSettings settings;
    private final ProcessingMetrics metrics;
    private final Clock clock;
    private final Random random = new Random();

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
        this.retryPolicy = retryPolicy;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
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

    /** True when every event in the log has been settled and no retry is pending. */
    public boolean idle() {
        return eventLog.committedOffset(CONSUMER) >= eventLog.endOffset() && store.pendingRetryCount() == 0;
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

    private boolean processLog() {
        long committed = eventLog.committedOffset(CONSUMER);
        List<LoggedEvent> batch = eventLog.readAfter(committed, settings.batchSize());
        if (batch.isEmpty()) {
            return false;
        }
        if (batch.size() < settings.batchSize() && !settings.linger().isZero()) {
            // Let the batch fill a little: under load, one Composite Graph call then carries many records.
            sleepQuietly(settings.linger());
            batch = eventLog.readAfter(committed, settings.batchSize());
        }
        Map<Long, Integer> attemptsMade = new HashMap<>();
        batch.forEach(e -> attemptsMade.put(e.offset(), 0));
        settle(batch, attemptsMade);
        eventLog.commit(CONSUMER, batch.getLast().offset());
        return true;
    }

    private boolean processDueRetries() {
        List<PendingRetry> due = store.dueRetries(clock.instant(), settings.batchSize());
        if (due.isEmpty()) {
            return false;
        }
        Map<String, List<LoggedEvent>> byFlow = new LinkedHashMap<>();
        Map<Long, Integer> attemptsMade = new HashMap<>();
        for (PendingRetry retry : due) {
            Optional<LoggedEvent> event = eventLog.get(retry.eventOffset());
            if (event.isEmpty()) {
                log.error("Retry for offset {} points at no event; dropping the retry row", retry.eventOffset());
                store.removeRetry(retry.eventOffset(), retry.flow());
                continue;
            }
            attemptsMade.put(retry.eventOffset(), retry.attempts());
            byFlow.computeIfAbsent(retry.flow(), f -> new ArrayList<>()).add(event.get());
        }
        byFlow.forEach((flowName, events) -> flows.stream().filter(f -> f.name().equals(flowName)).findFirst()
                .ifPresentOrElse(
                        flow -> runFlow(flow, events, attemptsMade),
                        () -> events.forEach(e -> {
                            log.error("Retry for offset {} names unknown flow {}; dropping it", e.offset(), flowName);
                            store.removeRetry(e.offset(), flowName);
                        })));
        return true;
    }

    private void settle(List<LoggedEvent> batch, Map<Long, Integer> attemptsMade) {
        Map<Flow, List<LoggedEvent>> byFlow = new LinkedHashMap<>();
        for (LoggedEvent event : batch) {
            Optional<Flow> flow = flows.stream().filter(f -> f.handles(event.event())).findFirst();
            if (flow.isPresent()) {
                byFlow.computeIfAbsent(flow.get(), f -> new ArrayList<>()).add(event);
            } else {
                apply(null, event, new FlowOutcome.Skipped(event.offset(),
                        "no flow handles " + event.event().type()), 0);
            }
        }
        byFlow.forEach((flow, events) -> runFlow(flow, events, attemptsMade));
    }

    private void runFlow(Flow flow, List<LoggedEvent> events, Map<Long, Integer> attemptsMade) {
        List<FlowOutcome> outcomes;
        try {
            outcomes = flow.process(events);
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
        Map<Long, FlowOutcome> byOffset = new HashMap<>();
        outcomes.forEach(o -> byOffset.put(o.offset(), o));
        for (LoggedEvent event : events) {
            FlowOutcome outcome = byOffset.get(event.offset());
            if (outcome == null) {
                outcome = new FlowOutcome.Failed(event.offset(), "FLOW_ERROR",
                        "flow " + flow.name() + " returned no outcome for this event", true, Duration.ZERO,
                        event.event().payload());
            }
            apply(flow, event, outcome, attemptsMade.getOrDefault(event.offset(), 0));
        }
    }

    private void apply(Flow flow, LoggedEvent event, FlowOutcome outcome, int previousAttempts) {
        String flowName = flow == null ? "none" : flow.name();
        Instant now = clock.instant();
        Duration sinceReceipt = Duration.between(event.receivedAt(), now);
        int attempts = previousAttempts + 1;
        switch (outcome) {
            case FlowOutcome.Synced synced -> {
                removeRetryIfAny(flowName, event, previousAttempts);
                audit(event, flowName, "OK", synced.detail(), now);
                metrics.synced(sinceReceipt);
            }
            case FlowOutcome.Skipped skipped -> {
                removeRetryIfAny(flowName, event, previousAttempts);
                audit(event, flowName, "SKIPPED", skipped.reason(), now);
                metrics.skipped(sinceReceipt);
            }
            case FlowOutcome.Failed failed when failed.retryable() && retryPolicy.allowsAnotherAttempt(attempts) -> {
                Instant due = retryPolicy.nextAttemptAt(now, attempts, failed.minimumWait(), random);
                store.scheduleRetry(new PendingRetry(event.offset(), flowName, attempts, due,
                        failed.errorCode() + ": " + failed.message()));
                audit(event, flowName, "RETRY", failed.errorCode() + ": " + failed.message()
                        + " (attempt " + attempts + ", next at " + due + ")", now);
                metrics.retried();
            }
            case FlowOutcome.Failed failed -> {
                String message = failed.retryable()
                        ? failed.message() + " (gave up after " + attempts + " attempts)"
                        : failed.message();
                store.addDeadLetter(new DeadLetter(0, event.offset(), flowName, entityKey(event), failed.payload(),
                        failed.errorCode(), message, attempts, now));
                removeRetryIfAny(flowName, event, previousAttempts);
                audit(event, flowName, "DEAD_LETTER", failed.errorCode() + ": " + message, now);
                metrics.deadLettered(sinceReceipt);
                log.warn("Dead-lettered {} {} (offset {}): {}: {}", event.event().entity(), entityKey(event),
                        event.offset(), failed.errorCode(), message);
            }
        }
    }

    /**
     * Removes the event's retry row. Also for a first attempt: after a crash between scheduling a retry and the
     * offset commit, the log replays an event that already has a row, and a settled event must not run again.
     */
    private void removeRetryIfAny(String flowName, LoggedEvent event, int previousAttempts) {
        store.removeRetry(event.offset(), flowName);
    }

    private void audit(LoggedEvent event, String flowName, String outcome, String detail, Instant now) {
        store.audit(new AuditEntry(event.offset(), flowName, "settle", event.event().type() + " "
                + event.event().entity() + " " + event.event().entityId(), 0,
                Duration.between(event.receivedAt(), now).toMillis(), outcome, detail, now));
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
}
