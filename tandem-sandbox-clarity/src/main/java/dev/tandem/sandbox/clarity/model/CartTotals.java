package dev.tandem.sandbox.clarity.model;

import java.math.BigDecimal;

/**
 * {@code CartTotals} of a sales collection (spec §6): {@code Total = SubTotal + Shipping + Handling + Fees + Tax
 * - Discounts}, every amount with two decimals.
 */
public record CartTotals(
        BigDecimal subTotal,
        BigDecimal shipping,
        BigDecimal handling,
        BigDecimal fees,
        BigDecimal discounts,
        BigDecimal tax,
        BigDecimal total) {
}
