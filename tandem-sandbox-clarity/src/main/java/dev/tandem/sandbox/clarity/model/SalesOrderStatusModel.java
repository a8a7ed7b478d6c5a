package dev.tandem.sandbox.clarity.model;

import java.time.Instant;
import java.util.Map;

/**
 * {@code StatusModel} of {@code Ordering/SalesOrderStatus} (spec §6: {@code DisplayableBaseModel} → {@code StatusModel}),
 * read-only in the sandbox: the default keys of CEF's {@code DefaultData.cs}.
 */
public record SalesOrderStatusModel(
        int id,
        String customKey,
        boolean active,
        Instant createdDate,
        Instant updatedDate,
        Long hash,
        Map<String, SerializableAttribute> serializableAttributes,
        String name,
        String description,
        String displayName,
        Integer sortOrder) implements Nameable {
}
