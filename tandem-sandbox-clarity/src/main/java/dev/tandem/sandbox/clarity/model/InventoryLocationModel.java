package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/**
 * {@code InventoryLocationModel} (Nameable, module Inventory, spec §6): a warehouse. Its sections are listed at
 * {@code GET /Inventory/InventoryLocationSections?InventoryLocationID=}; the embedded {@code Sections} list is left
 * out (null, so omitted) to keep the row's {@code Hash} about the location itself.
 */
public record InventoryLocationModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String name,
        String description,
        Integer contactId,
        String contactKey,
        String contactEmail,
        String contactPhone,
        ContactModel contact) implements Nameable {
}
