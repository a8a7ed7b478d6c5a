package dev.tandem.clarity.model;

import java.util.Arrays;

/**
 * The CEF entities Tandem reads, with the service module their routes live under: every entity {@code E} of module
 * {@code M} is served at {@code /M/E/ID/{ID}}, {@code /M/E/Key/{Key*}}, {@code /M/Es} and so on (clarity-api.md §5,
 * §5.1). Users live in the {@code Contacts} module ({@code /Contacts/User/ID/{ID}}).
 */
public enum ClarityEntity {
    SALES_ORDER("SalesOrder", "Ordering"),
    ACCOUNT("Account", "Accounts"),
    CONTACT("Contact", "Contacts"),
    /**
     * An account's address book: the relationship Account ({@code MasterID}) → Contact ({@code SlaveID}) (§6,
     * AccountContactModel). A B2B contact without a user login is found through it; polled, a row is a
     * {@code Customer.Updated} of its contact.
     */
    ACCOUNT_CONTACT("AccountContact", "Accounts"),
    USER("User", "Contacts"),
    PRODUCT("Product", "Products"),
    /** The audit trail of order status/state transitions: the polling twin of {@code SalesOrder.StatusChanged} (§6, §7). */
    SALES_ORDER_EVENT("SalesOrderEvent", "Ordering"),
    /** Stock of a product in one inventory location section: the polling source of {@code Inventory.Changed} (§6, §11). */
    PRODUCT_INVENTORY_LOCATION_SECTION("ProductInventoryLocationSection", "Products");

    private final String entityName;
    private final String module;

    ClarityEntity(String entityName, String module) {
        this.entityName = entityName;
        this.module = module;
    }

    /** The entity name as CEF spells it in routes and in webhook {@code Entity} fields, e.g. {@code SalesOrder}. */
    public String entityName() {
        return entityName;
    }

    /** The service module, e.g. {@code Ordering}. */
    public String module() {
        return module;
    }

    /** The route prefix, e.g. {@code /Ordering/SalesOrder}. */
    public String routePrefix() {
        return "/" + module + "/" + entityName;
    }

    /** The paged list route, e.g. {@code /Ordering/SalesOrders} (§5: {@code GET /<M>/<E>s}). */
    public String listPath() {
        return routePrefix() + "s";
    }

    /**
     * The entity with this CEF name (exact, as in routes).
     *
     * @throws IllegalArgumentException for an entity Tandem does not read
     */
    public static ClarityEntity fromName(String name) {
        return Arrays.stream(values()).filter(e -> e.entityName.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown Clarity entity: " + name + " (known: "
                        + Arrays.stream(values()).map(ClarityEntity::entityName).toList() + ")"));
    }
}
