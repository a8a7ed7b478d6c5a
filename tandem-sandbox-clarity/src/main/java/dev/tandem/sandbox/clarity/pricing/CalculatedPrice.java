package dev.tandem.sandbox.clarity.pricing;

import java.math.BigDecimal;

/**
 * {@code CalculatedPrice} (clarity-routes.md notes): {@code BasePrice, SalePrice?, MsrpPrice?, PricingProvider,
 * PriceKey}. Rule lists are omitted (null).
 */
public record CalculatedPrice(BigDecimal basePrice, BigDecimal salePrice, BigDecimal msrpPrice,
        String pricingProvider, String priceKey) {
}
