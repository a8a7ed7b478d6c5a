package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** {@code StoreModel} (Nameable, module Stores, spec §6, clarity-models.txt), the members the sandbox fills. */
public record StoreModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String name,
        String description,
        int typeId,
        String typeKey,
        String typeName,
        String seoUrl,
        String slogan,
        String about,
        String externalUrl,
        String operatingHoursTimeZoneId,
        Boolean displayInStorefront,
        Integer sortOrder,
        Integer contactId,
        String contactKey,
        String contactEmail,
        String contactPhone,
        BigDecimal minimumOrderDollarAmount,
        BigDecimal minimumForFreeShippingDollarAmount) implements Nameable {
}
