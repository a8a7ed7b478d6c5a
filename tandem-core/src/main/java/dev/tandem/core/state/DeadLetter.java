package dev.tandem.core.state;

import java.time.Instant;

/**
 * An event a flow gave up on, with everything an operator needs to understand and fix it.
 *
 * @param id           store-assigned id (0 before it is stored)
 * @param eventOffset  the log offset of the event
 * @param flow         the flow id
 * @param flowVersion  the flow version that handled it (empty when unknown)
 * @param entityKey    the source record's key, e.g. {@code SO-5001}
 * @param payload      the data the flow had when it failed (the fetched record when there is one, else the event)
 * @param errorCode    a stable code: Salesforce's errorCode (e.g. {@code REQUIRED_FIELD_MISSING}) or Tandem's own
 *                     (e.g. {@code BUSINESS_RULE_VIOLATION}, {@code MAPPING_ERROR})
 * @param errorMessage the human-readable reason
 * @param attempts     attempts made
 * @param createdAt    when it was dead-lettered
 */
public record DeadLetter(long id, long eventOffset, String flow, String flowVersion, String entityKey, String payload,
                         String errorCode, String errorMessage, int attempts, Instant createdAt) {

    public DeadLetter {
        flowVersion = flowVersion == null ? "" : flowVersion;
    }
}
