package dev.tandem.core.spi;

import dev.tandem.core.echo.WriteFingerprint;

import java.time.Instant;
import java.util.Optional;

/**
 * What Tandem last wrote to each record of a target system, kept for a while: the memory behind echo suppression
 * (architecture invariant 3, {@link dev.tandem.core.echo.EchoPolicy}). One fingerprint per (system, entity, record id);
 * a later write replaces the earlier one.
 */
public interface WriteFingerprints {

    /** Inserts or replaces the fingerprint of its (system, entity, record id); durable once this returns. */
    void remember(WriteFingerprint fingerprint);

    /** The fingerprint of the record unless none was stored or it expired at or before {@code now}. */
    Optional<WriteFingerprint> lastWrite(String system, String entity, String recordId, Instant now);

    /** Deletes the fingerprints that expired at or before {@code now}; returns how many. */
    int purgeExpired(Instant now);
}
