package dev.tandem.sandbox.clarity.store;

import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.model.SalesOrderEventModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.wire.ClarityJson;
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
    private final Map<Integer, ProductPrice> prices = new ConcurrentHashMap<>();
    private final AtomicInteger nextSalesItemId = new AtomicInteger(7001);
    private final AtomicInteger nextAddressId = new AtomicInteger(12001);

    public ClarityStore(ClarityJson json) {
        this.accounts = new EntityTable<>("Account", AccountModel.class, 1001, json);
        this.contacts = new EntityTable<>("Contact", ContactModel.class, 9001, json);
        this.users = new EntityTable<>("User", UserModel.class, 2001, json);
        this.products = new EntityTable<>("Product", ProductModel.class, 301, json);
        this.salesOrders = new EntityTable<>("SalesOrder", SalesOrderModel.class, 5001, json);
        this.salesOrderEvents = new EntityTable<>("SalesOrderEvent", SalesOrderEventModel.class, 1, json);
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
        return nextSalesItemId.getAndIncrement();
    }

    public int nextAddressId() {
        return nextAddressId.getAndIncrement();
    }
}
