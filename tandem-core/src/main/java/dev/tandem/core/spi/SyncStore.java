package dev.tandem.core.spi;

import dev.tandem.core.sync.Conflict;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The memory of two-way sync (issue 10, master-data policy): per record and field, the hash of the value it held when
 * the two sides were last in sync (the baseline: "changed since the last sync" means "differs from it"), and the
 * review queue of conflicts. Hashes only ({@link dev.tandem.core.echo.FieldValues#hash}): no customer data in clear.
 */
public interface SyncStore {

    /** The baseline of one record: field → value hash; empty when never synced. */
    Map<String, String> baseline(String system, String entity, String recordId);

    /**
     * Inserts or replaces the baseline of the given fields of one record (other fields keep theirs); a field whose
     * stored baseline is newer than {@code at} keeps it (a later read of the other direction wins).
     */
    void saveBaseline(String system, String entity, String recordId, Map<String, String> fieldHashes, Instant at);

    /** The open conflict of a field pair ({@link Conflict#pairKey}). */
    Optional<Conflict> openConflict(String pairKey);

    /**
     * Opens a conflict, or, when its pair already has an open one, updates that one's values and times (its reason
     * stays the first finder's); returns the stored conflict (with its id).
     */
    Conflict openConflict(Conflict conflict);

    Optional<Conflict> conflict(long id);

    /** Conflicts in {@code state} (or any, when null), of {@code flowId} (or any), newest first, at most {@code limit}. */
    List<Conflict> conflicts(String state, String flowId, int limit);

    /** Marks an open conflict resolved; false when it is not open (resolved meanwhile). */
    boolean resolveConflict(long id, String resolution, String by, Instant at);

    /** Open conflicts, for the status and alerts. */
    long countOpenConflicts();

    /**
     * The per-record locks both directions of a two-way sync take around read baseline → decide → write → store
     * baseline (ADR 0018); one table per store, so every flow syncing through it shares them.
     */
    default dev.tandem.core.sync.RecordLocks recordLocks() {
        return dev.tandem.core.sync.RecordLocks.shared();
    }

    /** A store that keeps nothing: every record looks never synced (previews, tests of other steps). */
    static SyncStore none() {
        return new SyncStore() {
            @Override
            public Map<String, String> baseline(String system, String entity, String recordId) {
                return Map.of();
            }

            @Override
            public void saveBaseline(String system, String entity, String recordId, Map<String, String> h, Instant at) {
            }

            @Override
            public Optional<Conflict> openConflict(String pairKey) {
                return Optional.empty();
            }

            @Override
            public Conflict openConflict(Conflict conflict) {
                return conflict;
            }

            @Override
            public Optional<Conflict> conflict(long id) {
                return Optional.empty();
            }

            @Override
            public List<Conflict> conflicts(String state, String flowId, int limit) {
                return List.of();
            }

            @Override
            public boolean resolveConflict(long id, String resolution, String by, Instant at) {
                return false;
            }

            @Override
            public long countOpenConflicts() {
                return 0;
            }
        };
    }
}
