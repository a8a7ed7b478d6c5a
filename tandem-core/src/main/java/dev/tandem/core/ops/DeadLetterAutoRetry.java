package dev.tandem.core.ops;

import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Retries a dead letter when the data that failed it may have been fixed (issue 9, "auto-retry when the cause is
 * fixed"; the seed's "retries after potential enrichment"): an open dead letter of a data class (missing field,
 * data, business rule, duplicate) whose related records include one that a later event reports changed — an order
 * whose billing contact had no last name, once the contact is updated — is retried from the start. A new event of
 * the record itself needs nothing from here: the flow runs it, and its success resolves the dead letter.
 *
 * <p>It reads the event log as a consumer of its own ({@value #CONSUMER}, started at the end of the log), one
 * batch at a time with one query per batch, so it costs the flows nothing.
 */
public final class DeadLetterAutoRetry implements AutoCloseable {

    public static final String CONSUMER = "ops:dead-letter-auto-retry";
    private static final Logger log = LoggerFactory.getLogger(DeadLetterAutoRetry.class);
    private static final int BATCH = 500;

    private final EventLog eventLog;
    private final StateStore store;
    private final DeadLetterService service;
    private final Duration interval;
    private final java.util.function.Supplier<java.util.Set<String>> pausedFlows;
    private java.util.Set<String> pausedBefore = java.util.Set.of();
    private ScheduledExecutorService scheduler;

    public DeadLetterAutoRetry(EventLog eventLog, StateStore store, DeadLetterService service, Duration interval) {
        this(eventLog, store, service, interval, java.util.Set::of);
    }

    /**
     * @param pausedFlows the flows paused now because a system they use is unavailable: when one resumes, its open
     *                    dead letters of the classes recovery fixes (connection, rate limit, lock) are retried
     */
    public DeadLetterAutoRetry(EventLog eventLog, StateStore store, DeadLetterService service, Duration interval,
                               java.util.function.Supplier<java.util.Set<String>> pausedFlows) {
        this.eventLog = eventLog;
        this.store = store;
        this.service = service;
        this.interval = interval;
        this.pausedFlows = pausedFlows;
    }

    public synchronized void start() {
        if (scheduler != null) {
            return;
        }
        if (eventLog.committedOffset(CONSUMER) == 0 && eventLog.endOffset() > 0) {
            eventLog.commit(CONSUMER, eventLog.endOffset()); // only changes from now on
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("tandem-dlq-auto-retry")
                .daemon(true).factory());
        scheduler.scheduleWithFixedDelay(this::runSafely, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void runSafely() {
        try {
            retryRecovered();
            while (runOnce() == BATCH) {
                // a full batch: read on at once
            }
        } catch (RuntimeException e) {
            log.warn("Dead-letter auto-retry could not read the log; trying again in {}", interval, e);
        }
    }

    /** Reads the next batch of events, retries the dead letters they may fix, commits; returns the events read. */
    public int runOnce() {
        long from = eventLog.committedOffset(CONSUMER);
        List<LoggedEvent> events = eventLog.readAfter(from, BATCH);
        if (events.isEmpty()) {
            return 0;
        }
        Map<String, LoggedEvent> latest = new LinkedHashMap<>();
        for (LoggedEvent e : events) {
            latest.put(e.event().entity() + "/" + e.event().entityId(), e);
        }
        List<DeadLetter> candidates = store.openDeadLettersReferencing(new ArrayList<>(latest.keySet()));
        for (DeadLetter d : candidates) {
            if (!d.errorClass().fixedByData()) {
                continue;
            }
            LoggedEvent cause = d.refs().stream().map(latest::get).filter(e -> e != null && e.offset() > d.eventOffset())
                    .findFirst().orElse(null);
            if (cause == null) {
                continue; // the change is older than the failure
            }
            try {
                service.retry(d.id(), DeadLetterService.RetryMode.FROM_START, "tandem",
                        "auto-retry: " + cause.event().entity() + " " + cause.event().entityId() + " changed ("
                                + cause.event().type() + ", event " + cause.offset() + ")");
                log.info("Dead letter {} ({} {}, {}) retried: related {} {} changed", d.id(), d.entity(), d.entityKey(),
                        d.errorCode(), cause.event().entity(), cause.event().entityId());
            } catch (DeadLetterException e) {
                // resolved or retried meanwhile
            }
        }
        eventLog.commit(CONSUMER, events.getLast().offset());
        return events.size();
    }

    /**
     * Retries the open dead letters of flows that just resumed after their system came back, whose cause was that
     * system's unavailability (failures that ran out of attempts before the circuit opened); returns how many.
     */
    public synchronized int retryRecovered() {
        java.util.Set<String> now = java.util.Set.copyOf(pausedFlows.get());
        java.util.Set<String> resumed = new java.util.HashSet<>(pausedBefore);
        resumed.removeAll(now);
        pausedBefore = now;
        if (resumed.isEmpty()) {
            return 0;
        }
        java.util.Set<dev.tandem.core.error.ErrorClass> classes = java.util.EnumSet.noneOf(dev.tandem.core.error.ErrorClass.class);
        for (dev.tandem.core.error.ErrorClass c : dev.tandem.core.error.ErrorClass.values()) {
            if (c.fixedByRecovery()) {
                classes.add(c);
            }
        }
        DeadLetterService.BulkResult r = service.bulk(new dev.tandem.core.state.DeadLetterQuery(resumed, null, null,
                classes, java.util.EnumSet.of(DeadLetter.State.OPEN), null, null, null, null, 0, 1),
                DeadLetterService.BulkAction.RETRY, false, "tandem", "auto-retry: " + resumed + " resumed, "
                        + "the system they use is available again");
        if (r.changed() > 0) {
            log.info("Retried {} dead letters of {} after the system they use came back", r.changed(), resumed);
        }
        return (int) r.changed();
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }
}
