package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** {@code AccountModel} (Nameable, module Accounts, spec §6 and the example of §8). */
public record AccountModel(
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
        int statusId,
        String statusKey,
        String statusName,
        boolean isOnHold,
        boolean isTaxable,
        String taxExemptionNo,
        BigDecimal credit,
        String creditCurrencyKey) implements Nameable {
}
