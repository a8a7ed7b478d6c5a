package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/**
 * {@code SalesOrderEventModel} (spec §6): the audit trail of an order's status and state transitions, read at
 * {@code GET /Ordering/SalesOrderEvents?MasterID=..&ModifiedSince=..}, the polling twin of the
 * {@code SalesOrder.StatusChanged} webhook (spec §7, §11).
 */
public record SalesOrderEventModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String name,
        String description,
        int masterId,
        String masterKey,
        Integer oldStatusId,
        Integer newStatusId,
        Integer oldStateId,
        Integer newStateId,
        Long oldHash,
        Long newHash) implements Nameable {
}
