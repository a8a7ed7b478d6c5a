package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * {@code ProductInventoryLocationSectionModel} (module Products, spec §6 and the example of §8): the stock of one
 * product ({@code MasterID}) in one section ({@code SlaveID}), with the names of both sides and of the section's
 * location copied beside the IDs.
 */
public record ProductInventoryLocationSectionModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        int masterId,
        String masterKey,
        String masterName,
        String masterSeoUrl,
        int slaveId,
        String slaveKey,
        String slaveName,
        BigDecimal quantity,
        BigDecimal quantityAllocated,
        BigDecimal quantityPreSold,
        BigDecimal quantityBroken,
        Integer inventoryLocationSectionInventoryLocationId,
        String inventoryLocationSectionInventoryLocationKey,
        String inventoryLocationSectionInventoryLocationName) implements CefModel {
}
