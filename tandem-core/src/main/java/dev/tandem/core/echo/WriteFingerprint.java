package dev.tandem.core.echo;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The values Tandem wrote to one record, as one hash per field ({@link FieldValues#hash}), so the store keeps no
 * customer data in clear.
 *
 * @param system     the target system, e.g. {@code salesforce} or {@code clarity}
 * @param entity     the entity (object) name in that system
 * @param recordId   the record's id in that system
 * @param fieldHashes field name → hash of the value written
 * @param writtenAt  when Tandem wrote it
 * @param expiresAt  when the fingerprint stops counting (a change after that is never treated as an echo)
 */
public record WriteFingerprint(String system, String entity, String recordId, Map<String, String> fieldHashes,
                               Instant writtenAt, Instant expiresAt) {

    public WriteFingerprint {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(recordId, "recordId");
        fieldHashes = Map.copyOf(Objects.requireNonNull(fieldHashes, "fieldHashes"));
        Objects.requireNonNull(writtenAt, "writtenAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** Field hashes sorted by field name, for stable storage. */
    public Map<String, String> sortedFieldHashes() {
        return new TreeMap<>(fieldHashes);
    }
}
