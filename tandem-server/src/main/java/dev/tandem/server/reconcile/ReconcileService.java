package dev.tandem.server.reconcile;

import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.IdMap;
import dev.tandem.server.config.TandemConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Reconciliation inside {@code tandem server}: on demand (the admin API's {@code POST /api/v1/reconcile/{object}},
 * which {@code tandem reconcile --repair} calls while the server holds the store) and, when {@code reconcile.every}
 * is set, on a schedule. Repairs go into the server's own event log and its runtime is woken. One run at a time;
 * the last result per object is kept for the {@code reconcileDrift} alert.
 */
public final class ReconcileService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReconcileService.class);

    /** The last finished run of an object: its drift and when, or why it failed. */
    public record Last(String object, long drift, Instant at, String error) {
    }

    private final TandemConfig config;
    private final EventLog log;
    private final IdMap links;
    private final Runnable wake;
    private final Clock clock;
    private final ReentrantLock running = new ReentrantLock();
    private final Map<String, Last> last = new LinkedHashMap<>();
    private ScheduledExecutorService scheduler;

    public ReconcileService(TandemConfig config, EventLog log, IdMap links, Runnable wake, Clock clock) {
        this.config = config;
        this.log = log;
        this.links = links;
        this.wake = wake;
        this.clock = clock;
    }

    /** Starts the schedule of {@code reconcile.every} (nothing when it is not set); the first run after one interval. */
    public synchronized void start() {
        TandemConfig.Reconcile r = config.reconcile();
        if (r.every() == null || scheduler != null) {
            return;
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("reconcile")
                .factory());
        long millis = r.every().toMillis();
        scheduler.scheduleWithFixedDelay(this::scheduled, millis, millis, TimeUnit.MILLISECONDS);
    }

    private void scheduled() {
        TandemConfig.Reconcile r = config.reconcile();
        for (ReconcileObject o : r.objects()) {
            try {
                ReconcileResult res = run(o, r.repair());
                LOG.info("scheduled reconciliation of {}: drift {}{}", o.id(), res.drift(), res.repair() == null ? ""
                        : ", repair enqueued " + res.repair().enqueued());
            } catch (Busy e) {
                LOG.info("scheduled reconciliation of {} skipped: another run is under way", o.id());
            } catch (RuntimeException e) {
                // Never the records' fault (an outage, refused credentials): reported, the next interval tries again.
                LOG.warn("scheduled reconciliation of {} failed: {}", o.id(), e.getMessage());
            }
        }
    }

    /** Another reconciliation is under way. */
    public static final class Busy extends RuntimeException {
        Busy() {
            super("another reconciliation is under way; try again when it has finished");
        }
    }

    /**
     * Compares one object now and, with {@code repair}, enqueues its repairs.
     *
     * @throws Busy                      another run is under way
     * @throws Reconciliation.Aborted    an outage, refused credentials, a missing flow file
     */
    public ReconcileResult run(ReconcileObject object, boolean repair) {
        if (!running.tryLock()) {
            throw new Busy();
        }
        try (Reconciliation r = new Reconciliation(config, Reconciliation.Options.defaults(), clock)) {
            ReconcileResult result = r.run(object);
            if (repair) {
                result = r.repair(result, object, log, links);
                wake.run();
            }
            record(new Last(object.id(), result.drift(), clock.instant(), null));
            return result;
        } catch (Reconciliation.Aborted e) {
            record(new Last(object.id(), -1, clock.instant(), e.getMessage()));
            throw e;
        } finally {
            running.unlock();
        }
    }

    private synchronized void record(Last l) {
        last.put(l.object(), l);
    }

    /** The last run of every object reconciled since the start. */
    public synchronized List<Last> last() {
        return List.copyOf(last.values());
    }

    /** The last run of one object. */
    public synchronized Optional<Last> last(String object) {
        return Optional.ofNullable(last.get(object));
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
    }
}
