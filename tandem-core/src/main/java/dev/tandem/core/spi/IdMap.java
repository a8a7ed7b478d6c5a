package dev.tandem.core.spi;

import java.util.Optional;

/**
 * The links between the two sides of a flow, per object type: a record's key in the source system ↔ its id in the
 * target system (e.g. {@code Order}: the source key {@code SO-5001} ↔ the target id {@code 801...}). A source key
 * links to one target id and a target id to one source key.
 */
public interface IdMap {

    /** Inserts or replaces the link for ({@code objectType}, {@code sourceKey}). */
    void putId(String objectType, String sourceKey, String targetId);

    /** The target id linked to a source key. */
    Optional<String> targetId(String objectType, String sourceKey);

    /** The source key linked to a target id (the reverse look-up). */
    Optional<String> sourceKey(String objectType, String targetId);

    /** Number of mappings of that object type. */
    long countIds(String objectType);

    /** A link of any object type: (object type, source key, target id). */
    record Link(String objectType, String sourceKey, String targetId) {
    }

    /** The links whose source key or target id is {@code keyOrId}, any object type (for the record timeline). */
    default java.util.List<Link> linksOf(String keyOrId) {
        return java.util.List.of();
    }

    /** A map with no links that keeps none (a preview writes nothing; tests of steps that need no links). */
    static IdMap none() {
        return new IdMap() {
            @Override
            public void putId(String objectType, String sourceKey, String targetId) {
            }

            @Override
            public Optional<String> targetId(String objectType, String sourceKey) {
                return Optional.empty();
            }

            @Override
            public Optional<String> sourceKey(String objectType, String targetId) {
                return Optional.empty();
            }

            @Override
            public long countIds(String objectType) {
                return 0;
            }
        };
    }
}
