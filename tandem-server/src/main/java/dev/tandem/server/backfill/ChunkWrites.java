package dev.tandem.server.backfill;

import dev.tandem.core.spi.IdMap;
import dev.tandem.core.spi.SyncStore;
import dev.tandem.core.spi.WriteFingerprints;
import dev.tandem.core.sync.Conflict;
import dev.tandem.core.echo.WriteFingerprint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store as one chunk of a backfill sees it while it goes through the flow: reads go to the store, the writes the
 * flow makes (links, the master-data policy's baselines, echo fingerprints) are kept in order and {@link #apply applied}
 * later in the chunk's one transaction, beside its dead letters and checkpoint. So a chunk holds no store lock while
 * it waits for its Bulk jobs, and the next chunk can go through the flow meanwhile; a chunk that does not commit (the
 * run stopped, the process died) leaves nothing behind, as before.
 *
 * <p>What a chunk reads is what earlier chunks committed, as it was when the whole chunk was one transaction (the
 * store's reads run on connections of their own, outside the writer's transaction). Conflicts, which a backfill opens
 * rarely (a field both sides changed), go to the store at once: the review queue must not lose one.
 */
final class ChunkWrites implements IdMap, SyncStore, WriteFingerprints {

    private final IdMap links;
    private final SyncStore sync;
    private final WriteFingerprints fingerprints;
    private final List<Runnable> pending = new ArrayList<>();

    ChunkWrites(IdMap links, SyncStore sync, WriteFingerprints fingerprints) {
        this.links = links;
        this.sync = sync;
        this.fingerprints = fingerprints;
    }

    /** Writes what the chunk wrote, in its order; call inside the chunk's transaction. */
    synchronized void apply() {
        pending.forEach(Runnable::run);
        pending.clear();
    }

    /** Forgets what the chunk wrote (a chunk that is not committed). */
    synchronized void discard() {
        pending.clear();
    }

    synchronized int size() {
        return pending.size();
    }

    private synchronized void later(Runnable write) {
        pending.add(write);
    }

    // ---------------------------------------------------------------------------------------------- IdMap

    @Override
    public void putId(String objectType, String sourceKey, String targetId) {
        later(() -> links.putId(objectType, sourceKey, targetId));
    }

    @Override
    public Optional<String> targetId(String objectType, String sourceKey) {
        return links.targetId(objectType, sourceKey);
    }

    @Override
    public Optional<String> sourceKey(String objectType, String targetId) {
        return links.sourceKey(objectType, targetId);
    }

    @Override
    public long countIds(String objectType) {
        return links.countIds(objectType);
    }

    @Override
    public List<Link> linksOf(String keyOrId) {
        return links.linksOf(keyOrId);
    }

    // ------------------------------------------------------------------------------------------ SyncStore

    @Override
    public Map<String, String> baseline(String system, String entity, String recordId) {
        return sync.baseline(system, entity, recordId);
    }

    @Override
    public void saveBaseline(String system, String entity, String recordId, Map<String, String> fieldHashes,
                             Instant at) {
        Map<String, String> hashes = Map.copyOf(fieldHashes);
        later(() -> sync.saveBaseline(system, entity, recordId, hashes, at));
    }

    @Override
    public Optional<Conflict> openConflict(String pairKey) {
        return sync.openConflict(pairKey);
    }

    @Override
    public Conflict openConflict(Conflict conflict) {
        return sync.openConflict(conflict);
    }

    @Override
    public Optional<Conflict> conflict(long id) {
        return sync.conflict(id);
    }

    @Override
    public List<Conflict> conflicts(String state, String flowId, int limit) {
        return sync.conflicts(state, flowId, limit);
    }

    @Override
    public boolean resolveConflict(long id, String resolution, String by, Instant at) {
        return sync.resolveConflict(id, resolution, by, at);
    }

    @Override
    public long countOpenConflicts() {
        return sync.countOpenConflicts();
    }

    @Override
    public dev.tandem.core.sync.RecordLocks recordLocks() {
        return sync.recordLocks();
    }

    // ---------------------------------------------------------------------------------- WriteFingerprints

    @Override
    public void remember(WriteFingerprint fingerprint) {
        later(() -> fingerprints.remember(fingerprint));
    }

    @Override
    public void rememberAll(Collection<WriteFingerprint> all) {
        List<WriteFingerprint> copy = List.copyOf(all);
        later(() -> fingerprints.rememberAll(copy));
    }

    @Override
    public Optional<WriteFingerprint> lastWrite(String system, String entity, String recordId, Instant now) {
        return fingerprints.lastWrite(system, entity, recordId, now);
    }

    @Override
    public Map<String, WriteFingerprint> lastWrites(String system, String entity, Collection<String> recordIds,
                                                    Instant now) {
        return fingerprints.lastWrites(system, entity, recordIds, now);
    }

    @Override
    public int purgeExpired(Instant now) {
        return fingerprints.purgeExpired(now);
    }
}
