package dev.tandem.core.sync;

import java.time.Instant;
import java.util.Objects;

/**
 * One field changed on both sides of a two-way flow since the last sync, held for a person to decide (policy
 * {@code manual}, or {@code newest-wins} with the two changes inside the window). While it is open the field is
 * written to neither side; resolving it writes the chosen value to the side that lacks it.
 *
 * @param id             the review queue's id
 * @param flowId         the flow that found it
 * @param state          {@code OPEN} or {@code RESOLVED}
 * @param source         the flow's source side of the field
 * @param target         the flow's target side of the field
 * @param sourceValue    the source's value (JSON text; sensitive fields masked)
 * @param targetValue    the target's value (JSON text)
 * @param sourceModified the source record's modified time, when known
 * @param targetModified the target record's modified time, when known
 * @param policy         the policy that sent it to review
 * @param reason         why it is here, in words
 * @param eventOffset    the event being processed when it was found (its timeline)
 * @param openedAt       when it was found
 * @param updatedAt      when either value last changed while it was open
 * @param resolution     how it was resolved, e.g. {@code take clarity}; empty while open
 * @param resolvedBy     who resolved it (a token's name)
 * @param resolvedAt     when
 */
public record Conflict(long id, String flowId, String state, Side source, Side target, String sourceValue,
                       String targetValue, Instant sourceModified, Instant targetModified, String policy, String reason,
                       long eventOffset, Instant openedAt, Instant updatedAt, String resolution, String resolvedBy,
                       Instant resolvedAt) {

    public static final String OPEN = "OPEN";
    public static final String RESOLVED = "RESOLVED";

    public Conflict {
        Objects.requireNonNull(flowId, "flowId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        resolution = resolution == null ? "" : resolution;
        resolvedBy = resolvedBy == null ? "" : resolvedBy;
    }

    /** The identity of the field pair: one open conflict per pair, whichever direction found it. */
    public String pairKey() {
        return pairKey(source, target);
    }

    /** The pair key of two sides, the same whichever is the source. */
    public static String pairKey(Side one, Side other) {
        String a = one.address();
        String b = other.address();
        return a.compareTo(b) <= 0 ? a + "|" + b : b + "|" + a;
    }

    public boolean open() {
        return OPEN.equals(state);
    }

    /**
     * One side of the conflicting field: enough to read and to write it.
     *
     * @param system   e.g. {@code clarity}
     * @param entity   e.g. {@code Contact}
     * @param recordId the record's id in that system
     * @param keyField the key field its writer writes it by (e.g. {@code ID}, {@code Clarity_Contact_Key__c})
     * @param key      the key value
     * @param field    the field, e.g. {@code Phone1}
     */
    public record Side(String system, String entity, String recordId, String keyField, String key, String field) {

        public Side {
            Objects.requireNonNull(system, "system");
            Objects.requireNonNull(entity, "entity");
            recordId = recordId == null ? "" : recordId;
            Objects.requireNonNull(keyField, "keyField");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(field, "field");
        }

        public String address() {
            return system + "/" + entity + "/" + (recordId.isEmpty() ? keyField + "=" + key : recordId) + "/" + field;
        }
    }
}
