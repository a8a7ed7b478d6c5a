package dev.tandem.core.spi;

import java.util.Optional;

/** Clarity key ↔ Salesforce id, per object type (e.g. {@code Order}: {@code SO-5001} ↔ {@code 801...}). */
public interface IdMap {

    /** Inserts or replaces the mapping for ({@code objectType}, {@code clarityKey}). */
    void putId(String objectType, String clarityKey, String salesforceId);

    Optional<String> salesforceId(String objectType, String clarityKey);

    Optional<String> clarityKey(String objectType, String salesforceId);

    /** Number of mappings of that object type. */
    long countIds(String objectType);
}
