package dev.tandem.sandbox.clarity.store;

import java.math.BigDecimal;

/**
 * A product's raw prices, kept beside the product because CEF's {@code ProductModel} carries none (prices come from
 * the pricing provider, clarity-routes.md notes). {@code salePrice} is null when the product is not on sale.
 */
public record ProductPrice(int productId, BigDecimal basePrice, BigDecimal salePrice, BigDecimal msrpPrice) {

    /** The unit price an order line is sold at. */
    public BigDecimal sellingPrice() {
        return salePrice != null ? salePrice : basePrice;
    }
}
