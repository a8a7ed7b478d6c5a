package dev.tandem.clarity.model;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The event types of Tandem's Clarity webhook extension (clarity-api.md §11, listed in docs/clarity.md §3) with the
 * entities each may name: a webhook and a poll produce the same types, so flows subscribe by type and do not care
 * which path an event came by. The {@code Entity} of an event is the CEF entity name ({@link ClarityEntity}); the
 * customer types cover three entities, so a flow on {@code Customer.Updated} reads {@code $event.entity} to tell a
 * {@code Contact} from an {@code Account} or a {@code User}.
 *
 * <p>Knowing the pairs lets the parser refuse a body that names the wrong entity: the order flows fetch a
 * {@code SalesOrder} by the event's {@code ID}, so a {@code SalesOrder.Created} carrying a contact's ID would sync an
 * unrelated order.
 */
public enum ClarityEventType {
    SALES_ORDER_CREATED("SalesOrder.Created", ClarityEntity.SALES_ORDER),
    /** Not sent by the webhook extension of §11; the poller's name for an order it first sees after its creation. */
    SALES_ORDER_UPDATED("SalesOrder.Updated", ClarityEntity.SALES_ORDER),
    SALES_ORDER_STATUS_CHANGED("SalesOrder.StatusChanged", ClarityEntity.SALES_ORDER),
    CUSTOMER_CREATED("Customer.Created", ClarityEntity.USER, ClarityEntity.ACCOUNT, ClarityEntity.CONTACT),
    /** Every change of a user, account or contact, including a deactivation ({@code Active} false). */
    CUSTOMER_UPDATED("Customer.Updated", ClarityEntity.USER, ClarityEntity.ACCOUNT, ClarityEntity.CONTACT),
    PRODUCT_CREATED("Product.Created", ClarityEntity.PRODUCT),
    PRODUCT_UPDATED("Product.Updated", ClarityEntity.PRODUCT),
    INVENTORY_CHANGED("Inventory.Changed", ClarityEntity.PRODUCT_INVENTORY_LOCATION_SECTION);

    private final String typeName;
    private final List<ClarityEntity> entities;

    ClarityEventType(String typeName, ClarityEntity... entities) {
        this.typeName = typeName;
        this.entities = List.of(entities);
    }

    /** The wire name, e.g. {@code Customer.Updated} ({@code EventType} of the body, {@code type} of the event). */
    public String typeName() {
        return typeName;
    }

    /** The entities an event of this type may be about. */
    public List<ClarityEntity> entities() {
        return entities;
    }

    /** Whether {@code entityName} (exact, as CEF spells it) is one this type may be about. */
    public boolean accepts(String entityName) {
        return entities.stream().anyMatch(e -> e.entityName().equals(entityName));
    }

    /** The type with this wire name (exact); empty for any other string. */
    public static Optional<ClarityEventType> fromName(String typeName) {
        return Arrays.stream(values()).filter(t -> t.typeName.equals(typeName)).findFirst();
    }

    /** Every wire name, for error messages. */
    public static List<String> typeNames() {
        return Arrays.stream(values()).map(ClarityEventType::typeName).toList();
    }
}
