package dev.tandem.sandbox.clarity.store;

import dev.tandem.sandbox.clarity.model.AccountContactModel;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.BrandModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.SalesOrderEventModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.model.SalesOrderStatusModel;
import dev.tandem.sandbox.clarity.model.StoreModel;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.wire.ClarityJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * All sandbox data. ID ranges start where the examples of spec §8 put them (accounts 1001, products 301,
 * orders 5001, order lines 7001, contacts 9001) so that logs read like a real install.
 */
public final class ClarityStore {

    private final EntityTable<AccountModel> accounts;
    private final EntityTable<ContactModel> contacts;
    private final EntityTable<UserModel> users;
    private final EntityTable<ProductModel> products;
    private final EntityTable<SalesOrderModel> salesOrders;
    private final EntityTable<SalesOrderEventModel> salesOrderEvents;
    private final EntityTable<SalesItemModel> salesOrderItems;
    private final EntityTable<SalesOrderStatusModel> salesOrderStatuses;
    private final EntityTable<AccountContactModel> accountContacts;
    private final EntityTable<InventoryLocationModel> inventoryLocations;
    private final EntityTable<InventoryLocationSectionModel> inventoryLocationSections;
    private final EntityTable<ProductInventoryLocationSectionModel> productInventoryLocationSections;
    private final EntityTable<StoreModel> stores;
    private final EntityTable<BrandModel> brands;
    private final Map<Integer, ProductPrice> prices = new ConcurrentHashMap<>();
    private final AtomicInteger nextAddressId = new AtomicInteger(12001);

    private final ClarityJson json;

    public ClarityStore(ClarityJson json) {
        this.json = json;
        this.accounts = new EntityTable<>("Account", AccountModel.class, 1001, json);
        this.contacts = new EntityTable<>("Contact", ContactModel.class, 9001, json);
        this.users = new EntityTable<>("User", UserModel.class, 2001, json);
        this.products = new EntityTable<>("Product", ProductModel.class, 301, json);
        this.salesOrders = new EntityTable<>("SalesOrder", SalesOrderModel.class, 5001, json);
        this.salesOrderEvents = new EntityTable<>("SalesOrderEvent", SalesOrderEventModel.class, 1, json);
        this.salesOrderItems = new EntityTable<>("SalesOrderItem", SalesItemModel.class, 7001, json);
        this.salesOrderStatuses = new EntityTable<>("SalesOrderStatus", "SalesOrderStatuses",
                SalesOrderStatusModel.class, 1, json);
        this.accountContacts = new EntityTable<>("AccountContact", AccountContactModel.class, 3001, json);
        this.inventoryLocations = new EntityTable<>("InventoryLocation", InventoryLocationModel.class, 1, json);
        this.inventoryLocationSections = new EntityTable<>("InventoryLocationSection",
                InventoryLocationSectionModel.class, 1, json);
        this.productInventoryLocationSections = new EntityTable<>("ProductInventoryLocationSection",
                ProductInventoryLocationSectionModel.class, 88, json);
        this.stores = new EntityTable<>("Store", StoreModel.class, 1, json);
        this.brands = new EntityTable<>("Brand", BrandModel.class, 1, json);
    }

    /** Every table by its list name ({@code Accounts}, {@code SalesOrderStatuses}, ...), for dumps and resets. */
    public Map<String, EntityTable<?>> tables() {
        Map<String, EntityTable<?>> tables = new LinkedHashMap<>();
        for (EntityTable<?> table : List.<EntityTable<?>>of(accounts, accountContacts, contacts, users, brands,
                stores, inventoryLocations, inventoryLocationSections, products, productInventoryLocationSections,
                salesOrderStatuses, salesOrders, salesOrderItems, salesOrderEvents)) {
            tables.put(table.pluralName(), table);
        }
        return tables;
    }

    /** Empties every table and price and restarts every ID sequence. */
    public void clear() {
        tables().values().forEach(EntityTable::clear);
        prices.clear();
        nextAddressId.set(12001);
    }

    /** The wire format the rows are stored in. */
    public ClarityJson json() {
        return json;
    }

    public EntityTable<SalesItemModel> salesOrderItems() {
        return salesOrderItems;
    }

    public EntityTable<SalesOrderStatusModel> salesOrderStatuses() {
        return salesOrderStatuses;
    }

    public EntityTable<AccountContactModel> accountContacts() {
        return accountContacts;
    }

    public EntityTable<InventoryLocationModel> inventoryLocations() {
        return inventoryLocations;
    }

    public EntityTable<InventoryLocationSectionModel> inventoryLocationSections() {
        return inventoryLocationSections;
    }

    public EntityTable<ProductInventoryLocationSectionModel> productInventoryLocationSections() {
        return productInventoryLocationSections;
    }

    public EntityTable<StoreModel> stores() {
        return stores;
    }

    public EntityTable<BrandModel> brands() {
        return brands;
    }

    public Map<Integer, ProductPrice> prices() {
        return Map.copyOf(prices);
    }

    public EntityTable<AccountModel> accounts() {
        return accounts;
    }

    public EntityTable<ContactModel> contacts() {
        return contacts;
    }

    public EntityTable<UserModel> users() {
        return users;
    }

    public EntityTable<ProductModel> products() {
        return products;
    }

    public EntityTable<SalesOrderModel> salesOrders() {
        return salesOrders;
    }

    public EntityTable<SalesOrderEventModel> salesOrderEvents() {
        return salesOrderEvents;
    }

    public void putPrice(ProductPrice price) {
        prices.put(price.productId(), price);
    }

    public Optional<ProductPrice> price(int productId) {
        return Optional.ofNullable(prices.get(productId));
    }

    public int nextSalesItemId() {
        return salesOrderItems.nextId();
    }

    public int nextAddressId() {
        return nextAddressId.getAndIncrement();
    }
}
