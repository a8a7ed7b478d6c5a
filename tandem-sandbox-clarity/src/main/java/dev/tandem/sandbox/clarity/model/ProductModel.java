package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * {@code ProductModel} (Nameable, module Products, spec §6). {@code CustomKey} is the SKU.
 *
 * <p>There is deliberately no price member: "ProductModel has no flat price field; prices live in the pricing
 * provider and in PricePoints" (clarity-routes.md, notes). The sandbox serves prices at
 * {@code /Pricing/Prices/ForProduct/{ProductID}/Quantity/{Quantity}} instead.
 */
public record ProductModel(
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
        String seoUrl,
        String seoPageTitle,
        String shortDescription,
        String manufacturerPartNumber,
        String brandName,
        String unitOfMeasure,
        String taxCode,
        boolean isVisible,
        boolean isDiscontinued,
        boolean isEligibleForReturn,
        boolean isTaxable,
        boolean allowBackOrder,
        boolean allowPreSale,
        boolean isUnlimitedStock,
        boolean isFreeShipping,
        boolean nothingToShip,
        boolean dropShipOnly,
        BigDecimal weight,
        String weightUnitOfMeasure,
        Integer sortOrder,
        /** The stores the product is sold in (null: none recorded; null members are omitted on the wire). */
        java.util.List<StoreProductModel> stores) implements Nameable {
}
