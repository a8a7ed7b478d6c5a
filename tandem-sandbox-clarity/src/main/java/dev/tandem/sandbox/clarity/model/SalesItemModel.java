package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A sales order line, wire type {@code SalesItemBaseModel} (spec §6 "Sales order item"): Nameable, {@code MasterID}
 * is the order ID, prices are unit prices.
 */
public record SalesItemModel(
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
        Integer productId,
        String productKey,
        String productName,
        String productSeoUrl,
        String sku,
        String unitOfMeasure,
        BigDecimal quantity,
        BigDecimal unitCorePrice,
        BigDecimal unitSoldPrice,
        boolean productIsTaxable) implements Nameable {
}
