package dev.tandem.core.spi;

import dev.tandem.core.echo.WriteFingerprint;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What Tandem last wrote to each record of a target system, kept for a while: the memory behind echo suppression
 * (architecture invariant 3, {@link dev.tandem.core.echo.EchoPolicy}). One fingerprint per (system, entity, record id);
 * a later write replaces the earlier one.
 */
public interface WriteFingerprints {

    /** Inserts or replaces the fingerprint of its (system, entity, record id); durable once this returns. */
    void remember(WriteFingerprint fingerprint);

    /**
     * {@link #remember} for several records, durable once this returns. This default stores them one by one; an
     * implementation should write them in one batch (a backfill fingerprints thousands of records per chunk).
     */
    default void rememberAll(Collection<WriteFingerprint> fingerprints) {
        fingerprints.forEach(this::remember);
    }

    /** The fingerprint of the record unless none was stored or it expired at or before {@code now}. */
    Optional<WriteFingerprint> lastWrite(String system, String entity, String recordId, Instant now);

    /**
     * The unexpired fingerprints of several records of one entity, by record id (ids without one are absent). This
     * default looks them up one by one; an implementation should answer with one query (a change feed judges a
     * whole batch of events at once).
     */
    default Map<String, WriteFingerprint> lastWrites(String system, String entity, Collection<String> recordIds,
                                                     Instant now) {
        Map<String, WriteFingerprint> found = new LinkedHashMap<>();
        for (String id : recordIds) {
            lastWrite(system, entity, id, now).ifPresent(f -> found.put(id, f));
        }
        return found;
    }

    /** Deletes the fingerprints that expired at or before {@code now}; returns how many. */
    int purgeExpired(Instant now);
}
