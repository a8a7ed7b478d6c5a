package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/**
 * {@code AccountContactModel} (module Accounts, spec §6, clarity-models.txt): the account's address book, a
 * relationship Account ({@code MasterID}) → Contact ({@code SlaveID}) with the slave's main fields copied beside it.
 */
public record AccountContactModel(
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
        String masterName,
        int slaveId,
        String slaveKey,
        String slaveEmail,
        String slaveFirstName,
        String slaveLastName,
        String slavePhone,
        boolean isPrimary,
        boolean isBilling,
        boolean transmittedToERP,
        Instant endDate) implements Nameable {
}
