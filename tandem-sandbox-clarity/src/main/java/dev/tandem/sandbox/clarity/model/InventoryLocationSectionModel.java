package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/** {@code InventoryLocationSectionModel} (Nameable, module Inventory, spec §6): an aisle or bin of a location. */
public record InventoryLocationSectionModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String name,
        String description,
        int inventoryLocationId,
        String inventoryLocationKey,
        String inventoryLocationName) implements Nameable {
}
