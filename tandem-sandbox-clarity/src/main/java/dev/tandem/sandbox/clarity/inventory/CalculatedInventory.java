package dev.tandem.sandbox.clarity.inventory;

import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import java.math.BigDecimal;
import java.util.List;

/**
 * {@code CalculatedInventory} (clarity-api.md §5 notes): a product's stock summed over its active sections.
 * {@code QuantityOnHand = QuantityPresent - QuantityAllocated}; out of stock when nothing is on hand and the product
 * is not unlimited.
 */
public record CalculatedInventory(
        int productId,
        String productUOM,
        boolean isDiscontinued,
        boolean isUnlimitedStock,
        boolean isOutOfStock,
        BigDecimal quantityPresent,
        BigDecimal quantityAllocated,
        BigDecimal quantityOnHand,
        boolean allowBackOrder,
        boolean allowPreSale,
        BigDecimal quantityPreSold,
        List<ProductInventoryLocationSectionModel> relevantLocations) {
}
