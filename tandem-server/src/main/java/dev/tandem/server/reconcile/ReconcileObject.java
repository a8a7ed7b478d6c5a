package dev.tandem.server.reconcile;

import dev.tandem.server.backfill.BackfillObject;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code tandem reconcile} compares: the Clarity list and flow file of a backfill object (the same mapping the
 * live sync writes with), and which Salesforce objects of the flow's write plans, and which of their fields, belong to
 * it. Only the objects an object owns are compared: a customer's Account and Contact, a product's Product2 and price
 * book entries, the stock fields, an order and its lines (the customer records an order plan carries are the
 * customers' to compare).
 */
public enum ReconcileObject {
    CUSTOMERS(BackfillObject.CUSTOMERS, "Customer.Updated", entities("Account", Set.of(), "Contact", Set.of())),
    PRODUCTS(BackfillObject.PRODUCTS, "Product.Updated", entities("Product2", Set.of(), "PricebookEntry", Set.of())),
    /** Stock: only the quantity fields (a product's name and prices are the products' to compare). */
    INVENTORY(BackfillObject.INVENTORY, "Inventory.Changed", entities("Product2", Set.of("Clarity_Quantity_On_Hand__c"),
            "Clarity_Inventory__c", Set.of())),
    ORDERS(BackfillObject.ORDERS, "SalesOrder.Updated", entities("Order", Set.of(), "OrderItem", Set.of()));

    private final BackfillObject source;
    private final String repairEvent;
    private final Map<String, Set<String>> entities;

    ReconcileObject(BackfillObject source, String repairEvent, Map<String, Set<String>> entities) {
        this.source = source;
        this.repairEvent = repairEvent;
        this.entities = entities;
    }

    private static Map<String, Set<String>> entities(String a, Set<String> aFields, String b, Set<String> bFields) {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        m.put(a, aFields);
        m.put(b, bFields);
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The name on the command line and in tandem.yaml, e.g. {@code products}. */
    public String id() {
        return source.id();
    }

    /** The Clarity list, the flow file and the event a record is processed as (shared with the backfill). */
    public BackfillObject source() {
        return source;
    }

    /**
     * The event a repair appends for a record: the flow's trigger for a changed record (customers: the user's
     * event of the backfill, as the customer flow takes a user only as {@code Customer.Created}).
     */
    public String repairEvent() {
        return this == CUSTOMERS ? source.eventType() : repairEvent;
    }

    /** The Salesforce objects compared, each with the fields compared (empty: every mapped field). */
    public Map<String, Set<String>> entities() {
        return entities;
    }

    /**
     * The objects {@code name} stands for.
     *
     * @throws IllegalArgumentException an unknown name, with the known ones
     */
    public static ReconcileObject parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(o -> o.id().equals(n)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown object '" + name + "': one of " + names()));
    }

    /** {@code customers, products, inventory, orders}. */
    public static String names() {
        return Arrays.stream(values()).map(ReconcileObject::id).collect(Collectors.joining(", "));
    }

    public static List<ReconcileObject> parseAll(List<String> names) {
        return names.stream().map(ReconcileObject::parse).distinct().toList();
    }
}
