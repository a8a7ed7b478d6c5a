package dev.tandem.server.backfill;

import dev.tandem.clarity.model.ClarityEntity;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code tandem backfill} loads: a Clarity list read by paging, and the flow file whose mapping says what each
 * record becomes in Salesforce (the same mapping the live flow uses, so there is no second one to keep in step).
 * In dependency order: orders come after the customers and products they point at.
 */
public enum BackfillObject {
    CUSTOMERS("customers", "clarity-customer-to-salesforce", ClarityEntity.USER, "Customer.Created"),
    PRODUCTS("products", "clarity-product-to-salesforce", ClarityEntity.PRODUCT, "Product.Created"),
    ORDERS("orders", "clarity-order-to-salesforce", ClarityEntity.SALES_ORDER, "SalesOrder.Created"),
    /**
     * Stock is loaded per product (every product once, as if its stock had changed): the stock flow reads a
     * product's stock rows itself and coalesces by product, so one event per product is the whole of it.
     */
    INVENTORY("inventory", "clarity-inventory-to-salesforce", ClarityEntity.PRODUCT, "Inventory.Changed");

    private final String id;
    private final String flow;
    private final ClarityEntity entity;
    private final String eventType;

    BackfillObject(String id, String flow, ClarityEntity entity, String eventType) {
        this.id = id;
        this.flow = flow;
        this.entity = entity;
        this.eventType = eventType;
    }

    /** The name on the command line and in the checkpoint, e.g. {@code customers}. */
    public String id() {
        return id;
    }

    /** The id of the flow file whose mapping the backfill runs. */
    public String flow() {
        return flow;
    }

    /** The Clarity list read. */
    public ClarityEntity entity() {
        return entity;
    }

    /** The event each record is processed as (the flow's trigger type for a new record). */
    public String eventType() {
        return eventType;
    }

    /**
     * The objects {@code name} stands for: one, or every object in dependency order for {@code all}.
     *
     * @throws IllegalArgumentException an unknown name, with the known ones
     */
    public static List<BackfillObject> parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("all")) {
            return List.of(values());
        }
        return Arrays.stream(values()).filter(o -> o.id.equals(n)).findFirst().map(List::of)
                .orElseThrow(() -> new IllegalArgumentException("unknown object '" + name + "': one of "
                        + Arrays.stream(values()).map(BackfillObject::id).collect(Collectors.joining(", "))
                        + " or all"));
    }
}
