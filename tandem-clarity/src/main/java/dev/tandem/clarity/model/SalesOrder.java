package dev.tandem.clarity.model;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** {@code SalesOrderModel} (clarity-api.md §6, example §8): what Tandem reads of an order. */
public record SalesOrder(@JsonProperty("ID") Integer id, String customKey, Boolean active, Instant createdDate,
                         Instant updatedDate, Long hash, String typeKey, @JsonProperty("StatusID") Integer statusId,
                         String statusKey, String statusName, String stateKey,
                         @JsonProperty("AccountID") Integer accountId, String accountKey, String accountName,
                         @JsonProperty("UserID") Integer userId, String userKey, Totals totals, BigDecimal balanceDue,
                         String purchaseOrderNumber, @JsonProperty("BillingContactID") Integer billingContactId,
                         Contact billingContact, @JsonProperty("ShippingContactID") Integer shippingContactId,
                         Contact shippingContact, Boolean shippingSameAsBilling, List<SalesItem> salesItems) {

    /** {@code Totals} of a sales collection. */
    public record Totals(BigDecimal subTotal, BigDecimal shipping, BigDecimal handling, BigDecimal fees,
                         BigDecimal discounts, BigDecimal tax, BigDecimal total) {
    }

    /** One line ({@code SalesItemBaseModel}). */
    public record SalesItem(@JsonProperty("ID") Integer id, @JsonProperty("MasterID") Integer masterId, String name,
                            String sku, @JsonProperty("ProductID") Integer productId, String productKey,
                            BigDecimal quantity, BigDecimal unitCorePrice, BigDecimal unitSoldPrice,
                            String unitOfMeasure) {
    }
}
