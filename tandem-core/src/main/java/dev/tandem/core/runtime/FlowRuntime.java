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
    private final RetryPolicy defaultPolicy;
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

    public FlowRuntime(EventLog eventLog, StateStore store, List<Flow> flows, RetryPolicy retryPolicy,
                       RuntimeSettings settings, ProcessingMetrics metrics, Clock clock) {
        this.eventLog = eventLog;
        this.store = store;
        this.flows = List.copyOf(flows);
        this.defaultPolicy = retryPolicy;
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

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
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
    }

    // ---------------------------------------------------------------------------------------------------------
    // The dispatcher

    private void loop() {
        try {
            while (running) {
                try {
                    boolean worked = settleCompleted();
                    syncLanes();
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
            if (lane.lingerUntil != null && !lane.retired && inFlight < settings.parallelism()) {
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
    }

    /** Creates lanes for flows that became enabled, points lanes at new versions, retires disabled ones. */
    private void syncLanes() {
        Map<String, Flow> active = new LinkedHashMap<>();
        for (Flow f : flows) {
            if (f.enabled()) {
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
        for (PendingRetry r : store.dueRetries(FAR_FUTURE, Integer.MAX_VALUE)) {
            if (r.flow().equals(f.name())) {
                eventLog.get(r.eventOffset()).ifPresent(e -> lane.retryRow(key(e), r.eventOffset(), r.dueAt()));
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
        List<Lane> readers = lanes.values().stream().filter(l -> !l.retired && l.pending.size() < pendingCap()
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
                String key = key(e);
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
                if (inFlight >= settings.parallelism() || lane.retired || lane.pending.isEmpty()) {
                    continue;
                }
                List<LoggedEvent> batch = new ArrayList<>();
                Set<String> keys = new HashSet<>();
                for (LoggedEvent e : lane.pending) {
                    String key = key(e);
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
                        + (flow == null ? " is not loaded" : " is paused") + "; the retry waits for it"));
                any = true;
                continue;
            }
            String key = key(event.get());
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
            List<FlowOutcome> outcomes = runFlow(flow, batch, state);
            completions.add(new Completed(lane, flow, batch, attempts, keys, outcomes, state, retry));
            wake();
        });
    }

    private static List<FlowOutcome> runFlow(Flow flow, List<LoggedEvent> events, Settlement state) {
        try {
            return flow.process(events, state);
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
        for (LoggedEvent event : c.batch) {
            FlowOutcome outcome = byOffset.get(event.offset());
            if (outcome == null) {
                outcome = new FlowOutcome.Failed(event.offset(), "FLOW_ERROR",
                        "flow " + c.flow.name() + " returned no outcome for this event", true, Duration.ZERO,
                        event.event().payload());
            }
            String key = key(event);
            keyOf.put(event.offset(), key);
            TreeMap<Long, Instant> rows = c.lane.retrying.get(key);
            boolean hasRow = c.retry || (rows != null && rows.containsKey(event.offset()));
            PendingRetry retry = apply(c.flow, event, outcome, c.attempts.getOrDefault(event.offset(), 0), hasRow, s);
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
    private PendingRetry apply(Flow flow, LoggedEvent event, FlowOutcome outcome, int previousAttempts, boolean hasRow,
                               Settlement s) {
        String flowName = flow.name();
        Instant now = clock.instant();
        Duration sinceReceipt = Duration.between(event.receivedAt(), now);
        int attempts = previousAttempts + 1;
        switch (outcome) {
            case FlowOutcome.Synced synced -> {
                s.removeRetry(event.offset(), flowName, hasRow);
                s.audit(auditEntry(event, flowName, flow.version(), "OK", synced.detail()));
                metrics.synced(sinceReceipt);
                return null;
            }
            case FlowOutcome.Skipped skipped -> {
                s.removeRetry(event.offset(), flowName, hasRow);
                s.audit(auditEntry(event, flowName, flow.version(), "SKIPPED", skipped.reason()));
                metrics.skipped(sinceReceipt);
                return null;
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
                s.deadLetter(new DeadLetter(0, event.offset(), flowName, flow.version(), entityKey(event),
                        failed.payload(), failed.errorCode(), message, attempts, now));
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
        return flow.redelivery(errorCode).orElse(defaultPolicy);
    }

    private AuditEntry auditEntry(LoggedEvent event, String flowName, String version, String outcome, String detail) {
        Instant now = clock.instant();
        return new AuditEntry(event.offset(), flowName, version, "settle", event.event().type() + " "
                + event.event().entity() + " " + event.event().entityId(), 0,
                Duration.between(event.receivedAt(), now).toMillis(), outcome, detail, now);
    }

    /** The record an event is about: its events are processed in log order, one batch at a time. */
    private static String key(LoggedEvent event) {
        return event.event().entity() + "/" + event.event().entityId();
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
