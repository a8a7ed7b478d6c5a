package dev.tandem.sandbox.clarity.model;

import java.util.List;
import java.util.Optional;

/**
 * A CEF type, status or state row ({@code TypeModel}/{@code StatusModel}), flattened on the wire into
 * {@code <X>ID}, {@code <X>Key} and {@code <X>Name}. The IDs follow the order of CEF's default data (spec §6), so
 * {@code SalesOrderStatus} "Confirmed" is 3 and {@code AccountType} "CUSTOMER" is 2 as in the example of spec §8.
 */
public record Lookup(int id, String key, String name) {

    public static final Lookup ORDER_TYPE_WEB = new Lookup(1, "Web", "Web");

    public static final Lookup ORDER_STATE_WORK = new Lookup(1, "WORK", "Work");

    /** SalesOrderType keys of spec §6: Web, Phone, On Site, Sales Order Child. */
    public static final List<Lookup> ORDER_TYPES = List.of(ORDER_TYPE_WEB,
            new Lookup(2, "Phone", "Phone"),
            new Lookup(3, "On Site", "On Site"),
            new Lookup(4, "Sales Order Child", "Sales Order Child"));

    public static final Lookup STORE_TYPE_GENERAL = new Lookup(1, "GENERAL", "General");

    public static final List<Lookup> ORDER_STATUSES = List.of(
            new Lookup(1, "Pending", "Pending"),
            new Lookup(2, "On Hold", "On Hold"),
            new Lookup(3, "Confirmed", "Confirmed"),
            new Lookup(4, "Backordered", "Backordered"),
            new Lookup(5, "Split", "Split"),
            new Lookup(6, "Partial Payment Received", "Partial Payment Received"),
            new Lookup(7, "Full Payment Received", "Full Payment Received"),
            new Lookup(8, "Processing", "Processing"),
            new Lookup(9, "Shipped", "Shipped"),
            new Lookup(10, "Shipped from Vendor", "Shipped from Vendor"),
            new Lookup(11, "Ready for Pickup", "Ready for Pickup"),
            new Lookup(12, "Completed", "Completed"),
            new Lookup(13, "Void", "Void"));

    public static final Lookup ORDER_PENDING = ORDER_STATUSES.getFirst();

    public static final Lookup ORDER_STATE_HISTORY = new Lookup(2, "HISTORY", "History");

    public static final List<Lookup> ACCOUNT_TYPES = List.of(
            new Lookup(1, "VENDOR", "Vendor"),
            new Lookup(2, "CUSTOMER", "Customer"),
            new Lookup(3, "AFFILIATE", "Affiliate"),
            new Lookup(4, "ORGANIZATION", "Organization"));

    public static final Lookup ACCOUNT_TYPE_CUSTOMER = ACCOUNT_TYPES.get(1);

    public static final Lookup ACCOUNT_STATUS_NORMAL = new Lookup(1, "NORMAL", "Normal");

    public static final List<Lookup> CONTACT_TYPES = List.of(
            new Lookup(1, "User", "User"),
            new Lookup(2, "Billing", "Billing"),
            new Lookup(3, "Shipping", "Shipping"),
            new Lookup(4, "Account Address", "Account Address"),
            new Lookup(5, "Store", "Store"),
            new Lookup(6, "Returning", "Returning"),
            new Lookup(7, "Warehouse", "Warehouse"),
            new Lookup(8, "Manufacturer", "Manufacturer"),
            new Lookup(9, "Vendor", "Vendor"));

    public static final Lookup CONTACT_TYPE_USER = CONTACT_TYPES.get(0);

    public static final Lookup CONTACT_TYPE_BILLING = CONTACT_TYPES.get(1);

    public static final Lookup CONTACT_TYPE_SHIPPING = CONTACT_TYPES.get(2);

    public static final List<Lookup> USER_TYPES = List.of(
            new Lookup(1, "Customer", "Customer"),
            new Lookup(2, "Partner / Affiliate", "Partner / Affiliate"),
            new Lookup(3, "Administrator", "Administrator"),
            new Lookup(4, "No Access", "No Access"));

    public static final Lookup USER_TYPE_CUSTOMER = USER_TYPES.get(0);

    public static final Lookup USER_TYPE_ADMINISTRATOR = USER_TYPES.get(2);

    public static final List<Lookup> USER_STATUSES = List.of(
            new Lookup(1, "Registered", "Registered"),
            new Lookup(2, "Email Sent", "Email Sent"),
            new Lookup(3, "Email Verified", "Email Verified"));

    public static final Lookup USER_STATUS_REGISTERED = USER_STATUSES.get(0);

    public static final List<Lookup> PRODUCT_TYPES = List.of(
            new Lookup(1, "GENERAL", "General"),
            new Lookup(2, "KIT", "Kit"),
            new Lookup(3, "VARIANT-MASTER", "Variant Master"),
            new Lookup(4, "VARIANT", "Variant"),
            new Lookup(5, "VARIANT-KIT", "Variant Kit"),
            new Lookup(6, "MEMBERSHIP", "Membership"),
            new Lookup(7, "SUBSCRIPTION", "Subscription"));

    public static final Lookup PRODUCT_TYPE_GENERAL = PRODUCT_TYPES.getFirst();

    public static final Lookup PRODUCT_STATUS_NORMAL = new Lookup(1, "NORMAL", "Normal");

    /** Finds the row named by key, case-insensitively. */
    public static Optional<Lookup> byKey(List<Lookup> rows, String key) {
        return rows.stream().filter(r -> r.key().equalsIgnoreCase(key)).findFirst();
    }

    public static Optional<Lookup> byId(List<Lookup> rows, int id) {
        return rows.stream().filter(r -> r.id() == id).findFirst();
    }
}
