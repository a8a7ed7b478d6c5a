package dev.tandem.sandbox.clarity.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.wire.ClarityJson;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Set;

/**
 * Computes {@code Hash}, "the Hash of the object data points" (spec §2), as the first 64 bits of a SHA-256 over the
 * record's wire JSON. {@code Hash} itself and the record-keeping dates (created, updated, original) are left out, at every depth, so the hash changes exactly when
 * the data changes: a client can skip unchanged rows by (ID, Hash) (spec §7, §11 "Polling").
 */
final class ModelHasher {

    private static final Set<String> EXCLUDED = Set.of("Hash", "CreatedDate", "UpdatedDate", "OriginalDate");

    private final ClarityJson json;

    ModelHasher(ClarityJson json) {
        this.json = json;
    }

    long hash(JsonNode modelTree) {
        JsonNode data = modelTree.deepCopy();
        strip(data);
        byte[] bytes = json.write(data);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return ByteBuffer.wrap(digest, 0, Long.BYTES).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(EXCLUDED);
        }
        for (JsonNode child : node) {
            strip(child);
        }
    }
}
