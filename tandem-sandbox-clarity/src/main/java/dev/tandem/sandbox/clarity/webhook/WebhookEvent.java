package dev.tandem.sandbox.clarity.webhook;

import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

/**
 * The body of a webhook delivery (spec §11): keys, not the record; the receiver fetches the current record.
 * {@code OldStatusKey}/{@code NewStatusKey} only on {@code SalesOrder.StatusChanged}; {@code ProductID},
 * {@code ProductKey}, {@code Quantity} only on {@code Inventory.Changed}.
 */
public record WebhookEvent(
        UUID eventId,
        String eventType,
        String entity,
        int id,
        String customKey,
        Instant occurredAt,
        Long hash,
        String oldStatusKey,
        String newStatusKey,
        Integer productId,
        String productKey,
        BigDecimal quantity) {

    public static final String SALES_ORDER_CREATED = "SalesOrder.Created";
    public static final String SALES_ORDER_STATUS_CHANGED = "SalesOrder.StatusChanged";
    public static final String CUSTOMER_CREATED = "Customer.Created";
    public static final String CUSTOMER_UPDATED = "Customer.Updated";
    public static final String PRODUCT_CREATED = "Product.Created";
    public static final String PRODUCT_UPDATED = "Product.Updated";
    public static final String INVENTORY_CHANGED = "Inventory.Changed";

    /** {@code Inventory.Changed} about one stock row (spec §11): the row's keys plus the product and the quantity. */
    public static WebhookEvent inventoryChanged(ProductInventoryLocationSectionModel row, Instant occurredAt) {
        return new WebhookEvent(UUID.randomUUID(), INVENTORY_CHANGED, "ProductInventoryLocationSection", row.id(),
                row.customKey(), occurredAt, row.hash(), null, null, row.masterId(), row.masterKey(), row.quantity());
    }

    /** An event about a whole record, stamped now with a fresh EventID. */
    public static WebhookEvent about(String eventType, String entity, CefModel record, Instant occurredAt) {
        return new WebhookEvent(UUID.randomUUID(), eventType, entity, record.id(), record.customKey(), occurredAt,
                record.hash(), null, null, null, null, null);
    }

    public static WebhookEvent statusChanged(CefModel order, String oldStatusKey, String newStatusKey,
            Instant occurredAt) {
        return new WebhookEvent(UUID.randomUUID(), SALES_ORDER_STATUS_CHANGED, "SalesOrder", order.id(),
                order.customKey(), occurredAt, order.hash(), oldStatusKey, newStatusKey, null, null, null);
    }
}
