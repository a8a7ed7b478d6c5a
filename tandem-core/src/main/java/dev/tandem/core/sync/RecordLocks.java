package dev.tandem.core.sync;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Per-record locks shared by both directions of a two-way sync (ADR 0018, "the race"): a {@code to} step with a
 * master-data policy holds the locks of every record its batch touches — each source record and each linked target
 * record, as {@code system/entity/id} — from reading the baselines, through the decision and the write, to storing
 * the new baselines. The other direction's batch touching one of those records waits, and then decides on the
 * baselines this one stored, instead of taking a value that just crossed for a change on both sides.
 *
 * <p>Locks are taken in one global order (the addresses sorted), and a holder takes no other lock while it holds
 * them, so two batches that share records in any combination cannot deadlock. A lock not acquired within the wait
 * fails the batch (retried), rather than blocking a lane forever behind a hung write.
 *
 * <p>What a holder changed is stamped on release ({@link Held#changed}); a batch that began (and so fetched its
 * source records) before such a stamp may hold a stale copy of its source, and re-reads it under the lock. Stamps
 * older than the horizon are forgotten; a batch older than the horizon counts every record as changed.
 *
 * <p>In one process: the embedded deployment runs both directions in one JVM. (A cluster of several nodes would need
 * the state database's lock, e.g. a PostgreSQL advisory lock per record; see ADR 0018.)
 */
public final class RecordLocks {

    private static final RecordLocks SHARED = new RecordLocks();

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, Long> stamps = new ConcurrentHashMap<>();
    private final long waitNanos;
    private final long horizonNanos;
    private final LongSupplier nanos;
    private volatile long lastPrune;

    public RecordLocks() {
        this(TimeUnit.MINUTES.toNanos(2), TimeUnit.MINUTES.toNanos(10), System::nanoTime);
    }

    RecordLocks(long waitNanos, long horizonNanos, LongSupplier nanos) {
        this.waitNanos = waitNanos;
        this.horizonNanos = horizonNanos;
        this.nanos = nanos;
        this.lastPrune = nanos.getAsLong();
    }

    /** The locks of stores that keep none of their own (one per process). */
    public static RecordLocks shared() {
        return SHARED;
    }

    /** A record's address in the lock table: {@code system/entity/id}. */
    public static String address(String system, String entity, String id) {
        return system + "/" + entity + "/" + id;
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        int users;
    }

    /**
     * Takes the locks of {@code addresses} (in their sorted order), waiting for holders of any of them.
     *
     * @param since when the caller's batch began ({@link System#nanoTime}): {@link Held#changedSince} tells which of
     *              the records another holder changed after that
     * @throws IllegalStateException when a record stays locked longer than the wait (the batch should be retried)
     */
    public Held lock(Collection<String> addresses, long since) {
        Set<String> sorted = new TreeSet<>(addresses);
        List<Entry> taken = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (String a : sorted) {
                Entry e = entries.compute(a, (k, v) -> {
                    Entry n = v == null ? new Entry() : v;
                    n.users++;
                    return n;
                });
                boolean got;
                try {
                    got = e.lock.tryLock(waitNanos, TimeUnit.NANOSECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    got = false;
                }
                if (!got) {
                    leave(a);
                    throw new IllegalStateException("record " + a + " is being synced by another batch for longer than "
                            + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s (the batch is retried)");
                }
                taken.add(e);
                names.add(a);
            }
        } catch (RuntimeException e) {
            release(names, taken);
            throw e;
        }
        return new Held(names, taken, since);
    }

    /** How many callers hold or wait for the lock of {@code address} (tests, diagnostics). */
    public int users(String address) {
        Entry e = entries.get(address);
        return e == null ? 0 : e.users;
    }

    private void leave(String address) {
        entries.computeIfPresent(address, (k, v) -> --v.users == 0 ? null : v);
    }

    private void release(List<String> names, List<Entry> taken) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            taken.get(i).lock.unlock();
            leave(names.get(i));
        }
    }

    private void prune(long now) {
        if (now - lastPrune < horizonNanos) {
            return;
        }
        lastPrune = now;
        stamps.values().removeIf(t -> now - t > horizonNanos);
    }

    /** The locks of one batch; closing releases them, stamping the records marked {@link #changed}. */
    public final class Held implements AutoCloseable {
        private final List<String> names;
        private final List<Entry> taken;
        private final long since;
        private final Set<String> changed = ConcurrentHashMap.newKeySet();
        private boolean closed;

        private Held(List<String> names, List<Entry> taken, long since) {
            this.names = List.copyOf(names);
            this.taken = taken;
            this.since = since;
        }

        /** The addresses held. */
        public List<String> addresses() {
            return names;
        }

        /**
         * Whether another holder changed the record at {@code address} (wrote it or its baselines) after this batch
         * began: the batch's copy of it may be older than what is there now.
         */
        public boolean changedSince(String address) {
            long now = nanos.getAsLong();
            if (now - since > horizonNanos) {
                return true;
            }
            Long stamp = stamps.get(address);
            return stamp != null && stamp - since > 0;
        }

        /** Marks a record this holder writes (or whose baselines it stores): stamped on release. */
        public void changed(String address) {
            changed.add(address);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            long now = nanos.getAsLong();
            prune(now);
            // Stamp before unlocking: a waiter that gets the lock must see the stamp.
            for (String a : changed) {
                stamps.merge(a, now, Math::max);
            }
            release(names, taken);
        }
    }
}
