package dev.tandem.core.runtime;

import dev.tandem.core.connector.Availability;
import dev.tandem.core.connector.AvailabilityState;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.retry.RetryPolicies;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reads the event log, hands every event to each flow that handles it (fan-out: one event can start several
 * flows, each settled, retried and dead-lettered on its own), and settles each event per flow: synced, skipped, a
 * durable retry row with backoff, or a dead letter.
 *
 * <p><b>Parallel, in order per key.</b> Up to {@link RuntimeSettings#parallelism()} batches run at once on worker
 * threads, so the read of one batch, the mapping of another and the write of a third overlap (Confluent's Parallel
 * Consumer calls this key-ordered processing). A record key (entity + id) is in at most one batch at a time:
 * events of one key are processed strictly in log order, events of different keys concurrently. A key that waits
 * for a retry holds its later events: each gets a retry row due with the key's head, and when they run, they run
 * together, coalesced into one exchange (events are notifications, the flow fetches the current record), while
 * every other key goes on.
 *
 * <p><b>Offsets are low watermarks.</b> Each flow has its own consumer offset ({@code flow:<id>}, Kafka Connect's
 * one consumer group per sink), so a flow can be paused, or added later and backfilled from the start of the log,
 * without touching the others. The committed offset is the highest offset below which every event of the flow is
 * settled (synced, skipped, dead-lettered or durably scheduled for retry), so a crash replays only unsettled work,
 * which the flows' idempotent writes (upserts by external id) turn into exactly-once effects.
 *
 * <p><b>One committer.</b> Workers only run flows. One dispatcher thread owns every decision and all state: it
 * reads the log, forms batches, and writes the outcomes of every batch finished since its last commit — audit
 * entries, links, retry rows, dead letters and the new offsets — in ONE store transaction (group commit: under
 * load several batches share one fsync).
 *
 * <p><b>Paused while a system is unavailable.</b> A flow whose systems ({@link Flow#systems()}) include one whose
 * {@link Availability} says unavailable (an outage, a used-up request limit, refused credentials) gets no new
 * batches and no retries; its offset stays. Events of a batch that failed because of it (a connection, rate-limit
 * or auth error) are rescheduled without counting the attempt, so an outage of any length dead-letters nothing.
 * Meanwhile the system is probed with one request at a time, at most once per probe interval (doubling up to
 * {@link RuntimeSettings#maxProbeInterval()}), and the flow resumes when the probe says it is available.
 */
public final class FlowRuntime implements AutoCloseable {

    /** The consumer every flow shared before offsets were per flow; read once as a new flow's start. */
    public static final String LEGACY_CONSUMER = "flow-runtime";

    private static final Logger log = LoggerFactory.getLogger(FlowRuntime.class);
    private static final Instant FAR_FUTURE = Instant.parse("9999-12-31T00:00:00Z");
    private static final Duration WAIT_FOR_FLOW = Duration.ofMinutes(5);

    private final EventLog eventLog;
    private final StateStore store;
    private volatile List<Flow> flows;
    private final RetryPolicies policies;
    private final RuntimeSettings settings;
    private final ProcessingMetrics metrics;
    private final Clock clock;
    /** Retry lines, rate-limited per error code. */
    private final dev.tandem.core.logging.RateLimitedLog retryLog;
    private final Random random = new Random();

    // Dispatcher-thread state
    private final Map<String, Lane> lanes = new LinkedHashMap<>();
    private final Set<String> initialised = new HashSet<>();
    private final Settlement queued = new Settlement();
    private int inFlight;
    private Instant nextRetryCheck = Instant.EPOCH;
    private final Map<String, Probing> probing = new HashMap<>();
    /** A resumed lane's retries were moved to now: look for due retries once that is committed. */
    private boolean recheckAfterCommit;

    /** The systems whose availability pauses flows, by name. */
    private final Map<String, Availability> watched = new ConcurrentHashMap<>();
    private volatile List<PausedFlow> paused = List.of();
    /** One thread: one probe at a time, whatever the number of unavailable systems or waiting events. */
    private final ExecutorService prober = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("tandem-availability-probe").daemon(true).factory());

    private final ConcurrentLinkedQueue<Completed> completions = new ConcurrentLinkedQueue<>();
    /**
     * Platform threads, not virtual ones: a batch is CPU work (JSONata, Jackson) between its calls, and virtual
     * threads are not time-sliced, so batches on the few carrier threads would keep the webhook's request threads
     * (virtual, on the same carriers) from running. Platform threads leave the sharing to the OS scheduler.
     */
    private final ExecutorService workers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private boolean woken;
    private volatile boolean running;
    private Thread thread;
    /** Set by {@link #retriesChanged()} from other threads: look at the retry rows at once. */
    private volatile boolean retriesChanged;
    /** Flows an operator paused (FlowControls), by id; read by the dispatcher, changed through {@link #pause}. */
    private final Set<String> operatorPaused = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public FlowRuntime(EventLog eventLog, StateStore store, List<Flow> flows, RetryPolicy retryPolicy,
                       RuntimeSettings settings, ProcessingMetrics metrics, Clock clock) {
        this(eventLog, store, flows, RetryPolicies.of(retryPolicy), settings, metrics, clock);
    }

    /** With a retry policy per error class ({@code retry.classes.*}). */
    public FlowRuntime(EventLog eventLog, StateStore store, List<Flow> flows, RetryPolicies retryPolicies,
                       RuntimeSettings settings, ProcessingMetrics metrics, Clock clock) {
        this.eventLog = eventLog;
        this.store = store;
        this.flows = List.copyOf(flows);
        this.policies = retryPolicies;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.retryLog = dev.tandem.core.logging.RateLimitedLog.warn(log, Duration.ofMinutes(1), clock);
        this.workers = Executors.newFixedThreadPool(settings.parallelism(),
                Thread.ofPlatform().name("tandem-flow-worker-", 0).daemon(true).factory());
    }

    /** The consumer name of a flow's offset. */
    public static String consumer(String flowId) {
        return "flow:" + flowId;
    }

    public List<Flow> flows() {
        return flows;
    }

    /**
     * Swaps in a new set of flows (hot reload); new batches use them, batches under way finish with the version
     * they started with. A flow that keeps its id keeps its offset, retries and dead letters; a new one starts
     * where its trigger says.
     */
    public void replaceFlows(List<Flow> newFlows) {
        this.flows = List.copyOf(newFlows);
        wake();
    }

    /**
     * Pauses the flows that use {@code availability.system()} while it says unavailable, and probes it then; one
     * per system (a second one for the same system replaces the first).
     */
    public void watch(Availability availability) {
        watched.put(availability.system(), availability);
        wake();
    }

    /** The flows paused now because a system they use is unavailable, with the cause and since when. */
    public List<PausedFlow> pausedFlows() {
        return paused;
    }

    /** The state of every watched system, by name. */
    public Map<String, AvailabilityState> availability() {
        Map<String, AvailabilityState> states = new TreeMap<>();
        watched.forEach((name, a) -> states.put(name, a.state()));
        return states;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        store.flowControls().values().stream().filter(dev.tandem.core.spi.FlowControls.FlowControl::paused)
                .forEach(c -> operatorPaused.add(c.flow()));
        thread = Thread.ofPlatform().name("tandem-flow-runtime").daemon(true).start(this::loop);
    }

    /** Tells the runtime that new events are in the log (or a batch finished), so it does not wait for the next poll. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells the runtime that retry rows were added or changed outside it (an operator's retry of a dead letter, a
     * retry run now): it reads them at its next turn instead of at the next poll.
     */
    public void retriesChanged() {
        retriesChanged = true;
        wake();
    }

    /**
     * Pauses a flow for an operator: no new batches; its offset, retries and dead letters stay; batches under way
     * finish. Kept in the store, so it stays paused after a restart until {@link #resume}d.
     */
    public void pause(String flow, String actor, String reason) {
        store.saveFlowControl(new dev.tandem.core.spi.FlowControls.FlowControl(flow, true, actor, clock.instant(), reason));
        operatorPaused.add(flow);
        log.warn("Flow {} paused by {}{}", flow, actor, reason == null || reason.isBlank() ? "" : ": " + reason);
        wake();
    }

    /** Resumes a flow an operator paused: it continues from its committed offset. */
    public void resume(String flow, String actor, String reason) {
        store.saveFlowControl(new dev.tandem.core.spi.FlowControls.FlowControl(flow, false, actor, clock.instant(), reason));
        operatorPaused.remove(flow);
        // Retries that fell due while it was paused were put off; they run now.
        String waiting = "flow " + flow + " is paused";
        for (long after = 0; ; ) {
            List<PendingRetry> page = store.pendingRetries(flow, after, 500);
            for (PendingRetry r : page) {
                if (r.lastError() != null && r.lastError().startsWith(waiting)) {
                    store.scheduleRetry(new PendingRetry(r.eventOffset(), r.flow(), r.attempts(), clock.instant(), r.lastError()));
                }
            }
            if (page.size() < 500) {
                break;
            }
            after = page.getLast().eventOffset();
        }
        log.info("Flow {} resumed by {}", flow, actor);
        retriesChanged();
    }

    /** Whether an operator paused this flow. */
    public boolean pausedByOperator(String flow) {
        return operatorPaused.contains(flow);
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

    /** Stops after the batches in progress are settled; events not yet committed are processed after a restart. */
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
        workers.shutdown();
        prober.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The dispatcher

    private void loop() {
        try {
            while (running) {
                try {
                    boolean worked = settleCompleted();
                    syncLanes();
                    worked |= checkAvailability();
                    worked |= read();
                    worked |= dispatch();
                    worked |= dispatchDueRetries();
                    worked |= settleCompleted();
                    if (!worked) {
                        await(nextWake());
                    }
                } catch (RuntimeException | StackOverflowError e) {
                    // The store itself failed (disk full, database gone): what was not committed is processed again
                    // from the committed offsets, which the idempotent writes make safe. /health reports the store.
                    log.error("Flow runtime iteration failed; starting again from the committed offsets after {}",
                            settings.pollInterval(), e);
                    reset();
                    await(settings.pollInterval());
                }
            }
            drain();
        } catch (Error e) {
            // Out of memory or worse: stop visibly (/health reports the runtime) rather than spin.
            log.error("Flow runtime stopped by an error; restart Tandem", e);
            running = false;
            throw e;
        }
    }

    private Duration nextWake() {
        Duration wait = settings.pollInterval();
        Instant now = clock.instant();
        for (Lane lane : lanes.values()) {
            if (lane.lingerUntil != null && !lane.retired && lane.pausedBy == null
                    && inFlight < settings.parallelism()) {
                Duration left = Duration.between(now, lane.lingerUntil);
                wait = left.compareTo(wait) < 0 ? left : wait;
            }
        }
        Duration toRetry = Duration.between(now, nextRetryCheck);
        wait = toRetry.compareTo(wait) < 0 ? toRetry : wait;
        return wait.isNegative() || wait.isZero() ? Duration.ofMillis(1) : wait;
    }

    private void await(Duration timeout) {
        lock.lock();
        try {
            long nanos = timeout.toNanos();
            while (!woken && running && nanos > 0 && completions.isEmpty()) {
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

    /** Waits for a worker to finish a batch (also while stopping, when {@link #await} would return at once). */
    private void awaitCompletion() {
        lock.lock();
        try {
            if (completions.isEmpty()) {
                wakeUp.await(50, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Lets the batches under way finish and settles them, so closing never throws away finished work. */
    private void drain() {
        while (inFlight > 0) {
            if (!settleCompleted()) {
                awaitCompletion();
            }
        }
        try {
            settleCompleted();
        } catch (RuntimeException e) {
            log.warn("Could not settle the last batches before stopping; they are processed again after a restart", e);
        }
    }

    /** After a store failure: forget everything not committed and start again from the committed offsets. */
    private void reset() {
        while (inFlight > 0) {
            Completed c = completions.poll();
            if (c == null) {
                awaitCompletion();
            } else {
                inFlight--;
            }
        }
        lanes.clear();
        queued.clear();
        nextRetryCheck = Instant.EPOCH;
        probing.clear();
    }

    /** Creates lanes for flows that became enabled, points lanes at new versions, retires disabled ones. */
    private void syncLanes() {
        Map<String, Flow> active = new LinkedHashMap<>();
        for (Flow f : flows) {
            if (f.enabled() && !operatorPaused.contains(f.name())) {
                active.put(f.name(), f);
            }
        }
        for (Iterator<Lane> it = lanes.values().iterator(); it.hasNext(); ) {
            Lane lane = it.next();
            Flow now = active.get(lane.name);
            if (now == null) {
                lane.retire();
                if (lane.inFlight == 0) {
                    it.remove();
                }
            } else {
                lane.flow = now;
                lane.retired = false;
            }
        }
        for (Flow f : active.values()) {
            if (!lanes.containsKey(f.name())) {
                lanes.put(f.name(), newLane(f));
            }
        }
    }

    private Lane newLane(Flow f) {
        String consumer = consumer(f.name());
        long committed = eventLog.committedOffset(consumer);
        if (initialised.add(f.name()) && committed == 0) {
            // A new flow: the old shared offset after an upgrade, else the start or the end of the log.
            long legacy = eventLog.committedOffset(LEGACY_CONSUMER);
            long start = legacy > 0 ? legacy : f.startsAtLatest() ? eventLog.endOffset() : 0;
            if (start > 0) {
                eventLog.commit(consumer, start);
                committed = start;
            }
        }
        Lane lane = new Lane(f, committed);
        lane.deadKeys.addAll(store.activeDeadLetterKeys(f.name()));
        for (PendingRetry r : store.dueRetries(FAR_FUTURE, Integer.MAX_VALUE)) {
            if (r.flow().equals(f.name())) {
                eventLog.get(r.eventOffset()).ifPresent(e -> lane.retryRow(orderKey(lane, e), r.eventOffset(), r.dueAt()));
            }
        }
        return lane;
    }

    /** Reads new events into the lanes that have room; an event a key waiting for a retry holds becomes a retry row. */
    private boolean read() {
        Instant at = clock.instant();
        // Read only for a lane that can use events now: one whose partial batch waits for the linger reads again
        // when the linger is over (a wake-up per webhook must not cost a query per event), and one that already
        // holds enough for its next batches waits for a batch to finish.
        List<Lane> readers = lanes.values().stream().filter(l -> !l.retired && l.pausedBy == null
                && l.pending.size() < pendingCap()
                && (l.lingerUntil == null || !at.isBefore(l.lingerUntil))
                && (inFlight < settings.parallelism() || l.pending.size() < settings.batchSize())).toList();
        if (readers.isEmpty()) {
            return false;
        }
        long from = readers.stream().mapToLong(l -> l.readPosition).min().orElseThrow();
        long newest = lanes.values().stream().mapToLong(l -> l.readPosition).max().orElseThrow();
        List<LoggedEvent> events = eventLog.readAfter(from, settings.batchSize() * settings.parallelism());
        if (events.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        for (LoggedEvent e : events) {
            boolean handled = false;
            for (Lane lane : readers) {
                if (e.offset() <= lane.readPosition || !lane.flow.handles(e.event())) {
                    continue;
                }
                handled = true;
                String key = orderKey(lane, e);
                TreeMap<Long, Instant> waiting = lane.retrying.get(key);
                if (waiting != null && waiting.containsKey(e.offset())) {
                    continue; // read again after a restart: its retry row is already there
                }
                if (waiting != null) {
                    // Held behind the key's retry: due with the key's head, run together with it.
                    Instant due = waiting.firstEntry().getValue();
                    long head = waiting.firstKey();
                    String why = "waits for the retry of offset " + head + " of the same record";
                    queued.retry(new PendingRetry(e.offset(), lane.name, 0, due, "HELD: " + why));
                    queued.audit(auditEntry(e, lane.name, lane.flow.version(), "RETRY", "HELD: " + why));
                    lane.retryRow(key, e.offset(), due);
                    lane.unsettled.add(e.offset());
                    lane.queuedHeld.add(e.offset());
                } else {
                    if (lane.pending.isEmpty()) {
                        lane.pendingSince = now;
                    }
                    lane.pending.add(e);
                    lane.unsettled.add(e.offset());
                }
            }
            if (!handled && e.offset() > newest && lanes.values().stream()
                    .noneMatch(l -> !l.retired && l.flow.handles(e.event()))) {
                queued.audit(auditEntry(e, "none", "", "SKIPPED", "no flow handles " + e.event().type()));
                metrics.skipped(Duration.between(e.receivedAt(), now));
            }
        }
        long last = events.getLast().offset();
        for (Lane lane : readers) {
            lane.readPosition = Math.max(lane.readPosition, last);
        }
        return true;
    }

    private int pendingCap() {
        return settings.batchSize() * settings.parallelism() * 2;
    }

    /** Hands batches of keys not already under way to workers, full ones at once, others after the linger. */
    private boolean dispatch() {
        boolean any = false;
        Instant now = clock.instant();
        boolean progress = true;
        while (progress && inFlight < settings.parallelism()) {
            progress = false;
            for (Lane lane : lanes.values()) {
                if (inFlight >= settings.parallelism() || lane.retired || lane.pausedBy != null
                        || lane.pending.isEmpty()) {
                    continue;
                }
                List<LoggedEvent> batch = new ArrayList<>();
                Set<String> keys = new HashSet<>();
                for (LoggedEvent e : lane.pending) {
                    String key = orderKey(lane, e);
                    if (lane.busy.contains(key)) {
                        continue;
                    }
                    if (batch.size() == settings.batchSize() && !keys.contains(key)) {
                        break;
                    }
                    batch.add(e);
                    keys.add(key);
                }
                boolean full = batch.size() >= settings.batchSize();
                boolean lingered = !now.isBefore(lane.pendingSince.plus(settings.linger()));
                if (batch.isEmpty()) {
                    lane.lingerUntil = null; // only keys under way: their completion wakes the dispatcher
                    continue;
                }
                if (!(full || lingered)) {
                    lane.lingerUntil = lane.pendingSince.plus(settings.linger());
                    continue;
                }
                Set<Long> taken = new HashSet<>();
                batch.forEach(e -> taken.add(e.offset()));
                lane.pending.removeIf(e -> taken.contains(e.offset()));
                lane.pendingSince = now;
                lane.lingerUntil = null;
                Map<Long, Integer> attempts = new HashMap<>();
                batch.forEach(e -> attempts.put(e.offset(), 0));
                submit(lane, batch, attempts, keys, false);
                progress = true;
                any = true;
            }
        }
        return any;
    }

    /** Runs the retries that are due, each key's rows together and only when the key is not under way. */
    private boolean dispatchDueRetries() {
        Instant now = clock.instant();
        if (retriesChanged) {
            retriesChanged = false;
            nextRetryCheck = Instant.EPOCH;
        }
        if (inFlight >= settings.parallelism() || now.isBefore(nextRetryCheck)) {
            return false;
        }
        nextRetryCheck = now.plus(settings.pollInterval());
        List<PendingRetry> due = store.dueRetries(now, settings.batchSize() * settings.parallelism());
        Map<String, List<LoggedEvent>> byFlow = new LinkedHashMap<>();
        Map<Long, Integer> attemptsMade = new HashMap<>();
        Map<String, Set<String>> keysByFlow = new HashMap<>();
        boolean any = false;
        for (PendingRetry retry : due) {
            Lane lane = lanes.get(retry.flow());
            if (lane != null && (lane.retryInFlight.contains(retry.eventOffset()) || lane.queuedHeld.contains(retry.eventOffset()))) {
                continue; // already running, or not yet committed
            }
            Optional<LoggedEvent> event = eventLog.get(retry.eventOffset());
            if (event.isEmpty()) {
                log.error("Retry for offset {} points at no event; dropping the retry row", retry.eventOffset());
                queued.removeRetry(retry.eventOffset(), retry.flow());
                any = true;
                continue;
            }
            if (lane == null || lane.retired) {
                // The flow is paused or not loaded (a file removed or refused): keep the retry, look again later.
                Flow flow = flows.stream().filter(f -> f.name().equals(retry.flow())).findFirst().orElse(null);
                queued.retry(new PendingRetry(retry.eventOffset(), retry.flow(), retry.attempts(),
                        now.plus(WAIT_FOR_FLOW), "flow " + retry.flow()
                        + (flow == null ? " is not loaded" : " is paused") + "; the retry waits for it"
                        + (retry.lastError() == null ? "" : " (last error: " + retry.lastError() + ")")));
                any = true;
                continue;
            }
            String key = orderKey(lane, event.get());
            if (lane.pausedBy != null) {
                // Its system is unavailable: the retry waits, uncounted, until the next probe could resume the flow.
                Instant later = pausedRetryAt(lane.pausedBy, now);
                queued.retry(new PendingRetry(retry.eventOffset(), retry.flow(), retry.attempts(), later,
                        retry.lastError()));
                lane.retryRow(key, retry.eventOffset(), later);
                any = true;
                continue;
            }
            if (lane.busy.contains(key) && !keysByFlow.getOrDefault(lane.name, Set.of()).contains(key)) {
                continue; // the key is under way; its rows run after it
            }
            TreeMap<Long, Instant> rows = lane.retrying.get(key);
            if (rows != null && rows.firstKey() < retry.eventOffset()
                    && !attemptsMade.containsKey(rows.firstKey()) && rows.firstEntry().getValue().isAfter(now)) {
                // A later event of a key whose head was rescheduled: it waits for the head, to keep the order.
                Instant headDue = rows.firstEntry().getValue();
                queued.retry(new PendingRetry(retry.eventOffset(), retry.flow(), retry.attempts(), headDue,
                        retry.lastError()));
                lane.retryRow(key, retry.eventOffset(), headDue);
                any = true;
                continue;
            }
            attemptsMade.put(retry.eventOffset(), retry.attempts());
            byFlow.computeIfAbsent(lane.name, f -> new ArrayList<>()).add(event.get());
            keysByFlow.computeIfAbsent(lane.name, f -> new HashSet<>()).add(key);
            lane.busy.add(key);
        }
        for (Map.Entry<String, List<LoggedEvent>> e : byFlow.entrySet()) {
            Lane lane = lanes.get(e.getKey());
            List<LoggedEvent> events = new ArrayList<>(e.getValue());
            events.sort((a, b) -> Long.compare(a.offset(), b.offset()));
            events.forEach(ev -> lane.retryInFlight.add(ev.offset()));
            submit(lane, events, attemptsMade, keysByFlow.get(e.getKey()), true);
            any = true;
        }
        return any;
    }

    private void submit(Lane lane, List<LoggedEvent> batch, Map<Long, Integer> attempts, Set<String> keys,
                        boolean retry) {
        lane.busy.addAll(keys);
        lane.inFlight++;
        inFlight++;
        metrics.batchStarted();
        Flow flow = lane.flow;
        workers.execute(() -> {
            Settlement state = new Settlement();
            List<FlowOutcome> outcomes = runFlow(flow, batch, state, retry ? edits(flow, batch) : Map.of(),
                    settings.mappingTimeout());
            completions.add(new Completed(lane, flow, batch, attempts, keys, outcomes, state, retry));
            wake();
        });
    }

    /** The operators' edits of the retried dead letters among {@code batch} (read on the worker: retries only). */
    private Map<Long, dev.tandem.core.flow.RecordEdit> edits(Flow flow, List<LoggedEvent> batch) {
        Map<Long, String> stored;
        try {
            stored = store.retryEdits(flow.name(), batch.stream().map(LoggedEvent::offset).toList());
        } catch (RuntimeException e) {
            log.warn("Could not read the edits of retried dead letters of flow {}; retrying without them", flow.name(), e);
            return Map.of();
        }
        Map<Long, dev.tandem.core.flow.RecordEdit> edits = new HashMap<>();
        stored.forEach((offset, json) -> {
            try {
                com.fasterxml.jackson.databind.JsonNode node = EDIT_JSON.readTree(json);
                dev.tandem.core.flow.RecordEdit edit = new dev.tandem.core.flow.RecordEdit(node.get("source"), node.get("request"));
                if (!edit.isEmpty()) {
                    edits.put(offset, edit);
                }
            } catch (java.io.IOException e) {
                log.warn("Dead letter edit of event {} in flow {} is not JSON; retrying without it", offset, flow.name());
            }
        });
        return edits;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper EDIT_JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static List<FlowOutcome> runFlow(Flow flow, List<LoggedEvent> events, Settlement state,
                                             Map<Long, dev.tandem.core.flow.RecordEdit> edits, Duration mappingTimeout) {
        try {
            // Each JSONata evaluation of the batch bounded in time: a loop fails its record (MAPPING_ERROR, the
            // reason said), it does not hold this worker and the flow's mapping without end.
            return JsonataMapping.eachEvaluationWithin(mappingTimeout,
                    () -> edits.isEmpty() ? flow.process(events, state) : flow.process(events, state, edits));
        } catch (IntegrationException e) {
            // A failure of the whole batch (the target unreachable, credentials refused) says nothing about the
            // records themselves, so even a "permanent" one is retried: dead-lettering every record of a batch
            // because of a credentials problem would bury the real cause. The policy still gives up eventually.
            return events.stream().<FlowOutcome>map(ev -> new FlowOutcome.Failed(ev.offset(), e.errorCode(),
                    e.getMessage(), true, e.retryAfter().orElse(Duration.ZERO), ev.event().payload())).toList();
        } catch (RuntimeException | StackOverflowError e) {
            // A StackOverflowError comes from a mapping on hostile, deeply nested input: retry, then dead-letter.
            log.error("Flow {} threw; the batch will be retried", flow.name(), e);
            return events.stream().<FlowOutcome>map(ev -> new FlowOutcome.Failed(ev.offset(), "FLOW_ERROR",
                    e.getClass().getSimpleName() + ": " + e.getMessage(), true, Duration.ZERO,
                    ev.event().payload())).toList();
        }
    }

    /**
     * Writes everything finished since the last commit, with the lanes' new watermarks, in one transaction; then
     * releases the keys of the finished batches.
     */
    private boolean settleCompleted() {
        List<Completed> done = new ArrayList<>();
        for (Completed c; (c = completions.poll()) != null; ) {
            done.add(c);
        }
        if (done.isEmpty() && queued.isEmpty()) {
            return false;
        }
        Settlement s = new Settlement();
        s.addAll(queued);
        List<Runnable> afterCommit = new ArrayList<>();
        for (Completed c : done) {
            s.addAll(c.state);
            settle(c, s, afterCommit);
        }
        // The watermark of each lane as it will be once this transaction is durable.
        Map<Lane, Set<Long>> settling = new LinkedHashMap<>();
        lanes.values().forEach(l -> settling.put(l, new HashSet<>()));
        done.forEach(c -> c.batch.forEach(e -> settling.computeIfAbsent(c.lane, l -> new HashSet<>()).add(e.offset())));
        Map<Lane, Long> marks = new LinkedHashMap<>();
        settling.forEach((lane, offsets) -> {
            long mark = lane.watermark(offsets);
            if (mark > lane.committed) {
                marks.put(lane, mark);
            }
        });
        try {
            store.inTransaction(() -> {
                s.writeTo(store);
                marks.forEach((lane, mark) -> eventLog.commit(consumer(lane.name), mark));
            });
            metrics.committed();
        } finally {
            // Whether or not the commit worked, these batches are no longer in flight (a failure resets the lanes).
            for (Completed c : done) {
                c.lane.inFlight--;
                inFlight--;
            }
        }
        queued.clear();
        for (Lane lane : lanes.values()) {
            lane.queuedHeld.forEach(lane.unsettled::remove);
            lane.queuedHeld.clear();
        }
        for (Completed c : done) {
            c.batch.forEach(e -> c.lane.unsettled.remove(e.offset()));
            c.lane.busy.removeAll(c.keys);
            if (c.retry) {
                c.batch.forEach(e -> c.lane.retryInFlight.remove(e.offset()));
            }
        }
        afterCommit.forEach(Runnable::run);
        for (Lane lane : lanes.values()) {
            lane.deadKeys.removeAll(lane.deadKeysResolved);
            lane.deadKeys.addAll(lane.deadKeysAdded);
            lane.deadKeysResolved.clear();
            lane.deadKeysAdded.clear();
        }
        if (recheckAfterCommit) {
            recheckAfterCommit = false;
            nextRetryCheck = Instant.EPOCH;
        }
        marks.forEach((lane, mark) -> lane.committed = mark);
        lanes.values().removeIf(l -> l.retired && l.inFlight == 0);
        metrics.runtimeLoad(inFlight, lanes.values().stream().mapToInt(l -> l.retrying.size()).sum());
        return true;
    }

    /** Turns one finished batch's outcomes into state writes; what changes the lane's memory runs after the commit. */
    private void settle(Completed c, Settlement s, List<Runnable> afterCommit) {
        Map<Long, FlowOutcome> byOffset = new HashMap<>();
        c.outcomes.forEach(o -> byOffset.put(o.offset(), o));
        Map<String, Instant> dueByKey = new HashMap<>();
        List<PendingRetry> retries = new ArrayList<>();
        Map<Long, String> keyOf = new HashMap<>();
        // Looked up now, not when the batch started: its own failures may just have made the system unavailable.
        Blocker blocker = unavailable(c.flow);
        for (LoggedEvent event : c.batch) {
            FlowOutcome outcome = byOffset.get(event.offset());
            if (outcome == null) {
                outcome = new FlowOutcome.Failed(event.offset(), "FLOW_ERROR",
                        "flow " + c.flow.name() + " returned no outcome for this event", true, Duration.ZERO,
                        event.event().payload());
            }
            String key = orderKey(c.lane, event);
            keyOf.put(event.offset(), key);
            TreeMap<Long, Instant> rows = c.lane.retrying.get(key);
            boolean hasRow = c.retry || (rows != null && rows.containsKey(event.offset()));
            PendingRetry retry = apply(c.lane, c.flow, event, outcome, c.attempts.getOrDefault(event.offset(), 0), hasRow,
                    blocker, s);
            if (retry != null) {
                retries.add(retry);
                dueByKey.merge(key, retry.dueAt(), (a, b) -> a.isAfter(b) ? a : b);
            }
        }
        // The events of one key that wait again wait for the same moment, so they run together again, in order.
        Set<Long> retried = new HashSet<>();
        for (PendingRetry r : retries) {
            Instant due = dueByKey.get(keyOf.get(r.eventOffset()));
            s.retry(new PendingRetry(r.eventOffset(), r.flow(), r.attempts(), due, r.lastError()));
            retried.add(r.eventOffset());
        }
        Lane lane = c.lane;
        afterCommit.add(() -> {
            for (LoggedEvent e : c.batch) {
                String key = keyOf.get(e.offset());
                if (retried.contains(e.offset())) {
                    lane.retryRow(key, e.offset(), dueByKey.get(key));
                } else {
                    lane.settledRow(key, e.offset());
                }
            }
            if (!retries.isEmpty()) {
                Instant earliest = retries.stream().map(r -> dueByKey.get(keyOf.get(r.eventOffset())))
                        .min(Instant::compareTo).orElseThrow();
                if (earliest.isBefore(nextRetryCheck)) {
                    nextRetryCheck = earliest;
                }
            }
        });
    }

    /** Settles one event; returns the retry to schedule, or null when the event is settled for good. */
    private PendingRetry apply(Lane lane, Flow flow, LoggedEvent event, FlowOutcome outcome, int previousAttempts,
                               boolean hasRow, Blocker blocker, Settlement s) {
        String flowName = flow.name();
        Instant now = clock.instant();
        Duration sinceReceipt = Duration.between(event.receivedAt(), now);
        int attempts = previousAttempts + 1;
        switch (outcome) {
            case FlowOutcome.Synced synced -> {
                s.removeRetry(event.offset(), flowName, hasRow);
                s.audit(auditEntry(event, flowName, flow.version(), "OK", synced.detail()));
                metrics.synced(sinceReceipt);
                if (hasRow || lane.deadKeys.contains(key(event)) || lane.deadKeysAdded.contains(key(event))) {
                    // The trace key: the record synced, so its earlier failures in this flow are resolved. A retried
                    // event always looks: an operator's retry of a dead letter the lane does not know of is one.
                    s.resolveDeadLetters(flowName, key(event), event.offset(), "resolved: event " + event.offset()
                            + " (" + event.event().type() + ") of the same record synced in flow " + flowName, now);
                    lane.deadKeysResolved.add(key(event));
                }
                return null;
            }
            case FlowOutcome.Skipped skipped -> {
                s.removeRetry(event.offset(), flowName, hasRow);
                s.audit(auditEntry(event, flowName, flow.version(), "SKIPPED", skipped.reason()));
                metrics.skipped(sinceReceipt);
                return null;
            }
            case FlowOutcome.Failed failed when blocker != null && waitsForRecovery(failed.errorCode()) -> {
                // The system is unavailable: not the record's fault, so the attempt does not count and no wait is
                // added (a REQUEST_LIMIT_EXCEEDED's fixed wait included): it runs when the flow resumes.
                Instant due = pausedRetryAt(blocker.system(), now);
                String why = PAUSED + blocker.system() + " is unavailable (" + blocker.state().summary() + "); "
                        + failed.errorCode() + ": " + failed.message();
                s.audit(auditEntry(event, flowName, flow.version(), "RETRY", why + " (attempt not counted, "
                        + previousAttempts + " so far)"));
                metrics.parked();
                return new PendingRetry(event.offset(), flowName, previousAttempts, due, why);
            }
            case FlowOutcome.Failed failed when failed.retryable()
                    && policy(flow, failed.errorCode()).allowsAnotherAttempt(attempts) -> {
                Instant due = policy(flow, failed.errorCode()).nextAttemptAt(now, attempts, failed.minimumWait(), random);
                s.audit(auditEntry(event, flowName, flow.version(), "RETRY", failed.errorCode() + ": " + failed.message()
                        + " (attempt " + attempts + ", next at " + due + ")"));
                metrics.retried();
                // WARN with the cause, at most a line a minute per error code: an outage retries every event.
                retryLog.log(failed.errorCode(), "Retrying {} {} (offset {}, flow {}) at {} after attempt {}: {}: {}",
                        event.event().entity(), entityKey(event), event.offset(), flowName, due, attempts,
                        failed.errorCode(), failed.message());
                return new PendingRetry(event.offset(), flowName, attempts, due, failed.errorCode() + ": " + failed.message());
            }
            case FlowOutcome.Failed failed -> {
                String message = failed.retryable()
                        ? failed.message() + " (gave up after " + attempts + " attempts)"
                        : failed.message();
                FlowOutcome.FailureDetails d = failed.details();
                s.deadLetter(new DeadLetter(0, event.offset(), flowName, flow.version(), event.event().entity(),
                        entityKey(event), key(event), d.step(), failed.errorCode(), null, message, d.httpStatus(),
                        d.fields(), failed.payload(), d.request(), d.refs(), attempts, 1, DeadLetter.State.OPEN, null,
                        null, now, now));
                lane.deadKeysAdded.add(key(event));
                s.removeRetry(event.offset(), flowName, hasRow);
                s.audit(auditEntry(event, flowName, flow.version(), "DEAD_LETTER", failed.errorCode() + ": " + message));
                metrics.deadLettered(sinceReceipt);
                log.warn("Dead-lettered {} {} (offset {}, flow {}): {}: {}", event.event().entity(), entityKey(event),
                        event.offset(), flowName, failed.errorCode(), message);
                return null;
            }
        }
    }

    private RetryPolicy policy(Flow flow, String errorCode) {
        return flow.redelivery(errorCode).orElseGet(() -> policies.forCode(errorCode));
    }

    /** The failures an unavailable system explains: it being back fixes them, not a change of the record. */
    private static boolean waitsForRecovery(String errorCode) {
        ErrorClass c = ErrorClass.of(errorCode);
        return c == ErrorClass.CONNECTION || c == ErrorClass.RATE_LIMIT || c == ErrorClass.AUTH;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Availability: pausing, probing, resuming

    /** The lastError prefix of a retry that waits, uncounted, for its system. */
    private static final String PAUSED = "PAUSED: ";

    /** An unavailable system that pauses a flow. */
    private record Blocker(String system, AvailabilityState.Unavailable state) {
    }

    /** The first of the flow's systems that is unavailable, or null. */
    private Blocker unavailable(Flow flow) {
        if (watched.isEmpty()) {
            return null;
        }
        for (String system : new TreeSet<>(flow.systems())) {
            Availability a = watched.get(system);
            if (a != null && a.state() instanceof AvailabilityState.Unavailable u) {
                return new Blocker(system, u);
            }
        }
        return null;
    }

    /** When a retry of a flow paused by {@code system} is due: the next probe, which may resume the flow. */
    private Instant pausedRetryAt(String system, Instant now) {
        Probing p = probing.get(system);
        Instant floor = now.plus(settings.pollInterval());
        return p != null && p.nextAt != null && p.nextAt.isAfter(floor) ? p.nextAt : now.plus(settings.probeInterval());
    }

    /**
     * Pauses and resumes lanes by their systems' availability (logged, counted in a gauge, listed by
     * {@link #pausedFlows()}), and starts a probe of each unavailable system whose interval is over.
     */
    private boolean checkAvailability() {
        if (watched.isEmpty()) {
            return false;
        }
        Instant now = clock.instant();
        boolean changed = false;
        List<PausedFlow> pausedNow = new ArrayList<>();
        for (Lane lane : lanes.values()) {
            if (lane.retired) {
                continue;
            }
            Blocker blocker = unavailable(lane.flow);
            if (blocker == null) {
                if (lane.pausedBy != null) {
                    log.info("Flow {} resumed: {} is available again (paused for {})", lane.name, lane.pausedBy,
                            Duration.between(lane.pausedSince, now));
                    lane.pausedBy = null;
                    resume(lane, now);
                    changed = true;
                }
                continue;
            }
            if (!blocker.system().equals(lane.pausedBy)) {
                log.warn("Flow {} paused: {} is unavailable ({}); its events wait, nothing is dead-lettered for it",
                        lane.name, blocker.system(), blocker.state().summary());
                if (lane.pausedBy == null) {
                    lane.pausedSince = now;
                }
                lane.pausedBy = blocker.system();
                changed = true;
            }
            pausedNow.add(new PausedFlow(lane.name, blocker.system(), blocker.state().cause(),
                    blocker.state().detail(), blocker.state().since()));
        }
        paused = List.copyOf(pausedNow);
        metrics.flowsPaused(pausedNow.size());
        probe(now);
        return changed;
    }

    /**
     * A resumed lane's retries that waited for the system run now, in their keys' order (the dispatcher still holds
     * a key's later events behind its head); the pending events go out with the next dispatch.
     */
    private void resume(Lane lane, Instant now) {
        nextRetryCheck = Instant.EPOCH;
        recheckAfterCommit = true;
        for (PendingRetry r : store.dueRetries(FAR_FUTURE, Integer.MAX_VALUE)) {
            if (r.flow().equals(lane.name) && r.dueAt().isAfter(now) && !lane.retryInFlight.contains(r.eventOffset())
                    && (r.lastError().startsWith(PAUSED) || r.lastError().startsWith("HELD: "))) {
                queued.retry(new PendingRetry(r.eventOffset(), r.flow(), r.attempts(), now, r.lastError()));
                eventLog.get(r.eventOffset()).ifPresent(e -> lane.retryRow(orderKey(lane, e), r.eventOffset(), now));
            }
        }
    }

    /** Starts one probe of an unavailable system whose wait is over, if no probe is running. */
    private void probe(Instant now) {
        for (Availability a : watched.values()) {
            Probing p = probing.computeIfAbsent(a.system(), k -> new Probing());
            if (a.state().available()) {
                p.count = 0;
                p.nextAt = null;
                continue;
            }
            if (p.nextAt == null) {
                p.count = 1;
                p.nextAt = now.plus(probeDelay(1)); // it just failed: the first probe after the interval
                continue;
            }
            if (p.running || now.isBefore(p.nextAt) || prober.isShutdown()) {
                continue;
            }
            p.running = true;
            p.count++;
            p.nextAt = now.plus(probeDelay(p.count));
            prober.execute(() -> {
                try {
                    a.probe();
                } catch (RuntimeException e) {
                    log.warn("Probe of {} failed", a.system(), e);
                } finally {
                    p.running = false;
                    wake();
                }
            });
        }
    }

    private Duration probeDelay(int probes) {
        return new RetryPolicy(settings.probeInterval(), 2.0, settings.maxProbeInterval(), RetryPolicy.MAX_MAX_ATTEMPTS,
                0).delayAfter(probes, random);
    }

    /** The probe schedule of one system (dispatcher thread, except {@code running}, cleared by the probe). */
    private static final class Probing {
        int count;
        Instant nextAt;
        volatile boolean running;
    }

    private AuditEntry auditEntry(LoggedEvent event, String flowName, String version, String outcome, String detail) {
        Instant now = clock.instant();
        return new AuditEntry(event.offset(), flowName, version, "settle", event.event().type() + " "
                + event.event().entity() + " " + event.event().entityId(), 0,
                Duration.between(event.receivedAt(), now).toMillis(), outcome, detail, now);
    }

    /** The record an event is about: its events are processed in log order, one batch at a time. */
    /** The record an event is about: dead letters are kept, and resolved, per record. */
    private static String key(LoggedEvent event) {
        return event.event().entity() + "/" + event.event().entityId();
    }

    /**
     * The key a lane orders an event by ({@link Flow#recordKey}: the record, or the flow's {@code from.key}, e.g.
     * a product for the stock changes of its locations): a key is in at most one batch at a time.
     */
    private static String orderKey(Lane lane, LoggedEvent event) {
        return lane.flow.recordKey(event.event());
    }

    private static String entityKey(LoggedEvent event) {
        return event.event().entityKey().isEmpty() ? event.event().entityId() : event.event().entityKey();
    }

    /** One flow's reading position, the events it has read but not settled, and its keys under way or waiting. */
    private static final class Lane {
        final String name;
        Flow flow;
        boolean retired;
        /** The highest offset read into this lane. */
        long readPosition;
        /** The offset committed for this lane's consumer. */
        long committed;
        int inFlight;
        /** Read and not yet settled: pending, in a batch under way, or held with its retry row not yet committed. */
        final TreeSet<Long> unsettled = new TreeSet<>();
        final ArrayDeque<LoggedEvent> pending = new ArrayDeque<>();
        Instant pendingSince = Instant.EPOCH;
        /** When a partial batch of this lane may go, if one waits for the linger; null otherwise. */
        Instant lingerUntil;
        final Set<String> busy = new HashSet<>();
        /** Per key, its retry rows (offset → due); the first is the head the others wait for. */
        final Map<String, TreeMap<Long, Instant>> retrying = new HashMap<>();
        final Set<Long> retryInFlight = new HashSet<>();
        /** Held events whose retry rows are queued for the next commit. */
        final Set<Long> queuedHeld = new HashSet<>();
        /**
         * Record keys with active dead letters in this flow (loaded when the lane starts): only a sync of one of them
         * costs the UPDATE that resolves them. Operators resolving some leave stale keys, which cost one no-op UPDATE.
         */
        final Set<String> deadKeys = new HashSet<>();
        /** Changes to {@link #deadKeys} of the settlement being written, applied once it is committed. */
        final Set<String> deadKeysAdded = new HashSet<>();
        final Set<String> deadKeysResolved = new HashSet<>();
        /** The unavailable system this lane's flow waits for, or null when it runs. */
        String pausedBy;
        Instant pausedSince = Instant.EPOCH;

        Lane(Flow flow, long committed) {
            this.name = flow.name();
            this.flow = flow;
            this.committed = committed;
            this.readPosition = committed;
        }

        void retryRow(String key, long offset, Instant due) {
            retrying.computeIfAbsent(key, k -> new TreeMap<>()).put(offset, due);
        }

        void settledRow(String key, long offset) {
            TreeMap<Long, Instant> rows = retrying.get(key);
            if (rows != null) {
                rows.remove(offset);
                if (rows.isEmpty()) {
                    retrying.remove(key);
                }
            }
        }

        /** Stops reading and dispatching; events read but not dispatched are read again when the flow resumes. */
        void retire() {
            if (retired) {
                return;
            }
            retired = true;
            if (!pending.isEmpty()) {
                readPosition = Math.min(readPosition, pending.getFirst().offset() - 1);
                pending.forEach(e -> unsettled.remove(e.offset()));
                pending.clear();
            }
        }

        /** The offset below which everything is settled once the batches in {@code done} are. */
        long watermark(Set<Long> settling) {
            long first = readPosition + 1;
            for (Long offset : unsettled) {
                if (settling.contains(offset)) {
                    continue;
                }
                if (queuedHeld.contains(offset)) {
                    continue; // its retry row is in this transaction
                }
                first = offset;
                break;
            }
            return first - 1;
        }
    }

    /** A batch a worker finished: what the dispatcher needs to settle it. */
    private record Completed(Lane lane, Flow flow, List<LoggedEvent> batch, Map<Long, Integer> attempts,
                             Set<String> keys, List<FlowOutcome> outcomes, Settlement state, boolean retry) {
    }

    /** The state writes of a batch, kept in order and written in one transaction. */
    private static final class Settlement implements FlowState {
        private final List<java.util.function.Consumer<StateStore>> writes = new ArrayList<>();
        // Links and audit entries are independent of the retry and dead-letter rows and of each other, so they
        // go in two JDBC batches (in their own order) instead of a statement each.
        private final List<String[]> links = new ArrayList<>();
        private final List<AuditEntry> audits = new ArrayList<>();

        @Override
        public synchronized void audit(AuditEntry entry) {
            audits.add(entry);
        }

        @Override
        public synchronized void link(String entity, String sourceKey, String targetId) {
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

        /**
         * Removes the retry row of a settled event, if it has one. The lane knows which events have rows (it loads
         * them when it starts, and an event read again after a restart whose row exists is not run as new), so a
         * first attempt costs no DELETE.
         */
        void removeRetry(long offset, String flow, boolean hasRow) {
            if (hasRow) {
                removeRetry(offset, flow);
            }
        }

        void deadLetter(DeadLetter d) {
            writes.add(s -> s.addDeadLetter(d));
        }

        void resolveDeadLetters(String flow, String recordKey, long offset, String reason, Instant at) {
            writes.add(s -> s.resolveDeadLettersOf(flow, recordKey, offset, reason, at));
        }

        void addAll(Settlement other) {
            writes.addAll(other.writes);
            links.addAll(other.links);
            audits.addAll(other.audits);
        }

        boolean isEmpty() {
            return writes.isEmpty() && links.isEmpty() && audits.isEmpty();
        }

        void clear() {
            writes.clear();
            links.clear();
            audits.clear();
        }

        void writeTo(StateStore store) {
            writes.forEach(w -> w.accept(store));
            if (!links.isEmpty()) {
                store.putIds(links);
            }
            if (!audits.isEmpty()) {
                store.auditAll(audits);
            }
        }
    }
}
