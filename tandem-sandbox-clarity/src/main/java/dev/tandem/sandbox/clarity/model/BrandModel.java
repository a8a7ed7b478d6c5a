package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** {@code BrandModel} (Nameable, module Brands, spec §6, clarity-models.txt), the members the sandbox fills. */
public record BrandModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String name,
        String description,
        String primaryImageFileName,
        BigDecimal minimumOrderDollarAmount,
        BigDecimal minimumForFreeShippingDollarAmount) implements Nameable {
}
