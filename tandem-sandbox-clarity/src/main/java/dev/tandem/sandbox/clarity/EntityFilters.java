package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.model.AccountContactModel;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.model.SalesOrderEventModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.clarity.search.EntitySearch;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.search.EntitySearch.TypedFilter;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/** The typed filters of each entity's search model that the sandbox supports (spec §3, §9 "Search"). */
final class EntityFilters {

    private EntityFilters() {
    }

    static EntitySearch<SalesOrderModel> salesOrders() {
        return new EntitySearch<>(List.of(
                intIn("AccountID", SalesOrderModel::accountId),
                textIn("AccountKey", SalesOrderModel::accountKey),
                intIn("UserID", SalesOrderModel::userId),
                intIn("StatusID", SalesOrderModel::statusId),
                intIn("StatusIDs", SalesOrderModel::statusId),
                textIn("StatusKey", SalesOrderModel::statusKey),
                textIn("StatusKeys", SalesOrderModel::statusKey),
                textIn("PurchaseOrderNumber", SalesOrderModel::purchaseOrderNumber),
                new TypedFilter<SalesOrderModel>("MinTotal", (o, v) ->
                        o.totals() != null && o.totals().total().compareTo(decimal("MinTotal", v)) >= 0)));
    }

    static EntitySearch<SalesOrderEventModel> salesOrderEvents() {
        return new EntitySearch<>(List.of(intIn("MasterID", SalesOrderEventModel::masterId)));
    }

    static EntitySearch<AccountModel> accounts() {
        return new EntitySearch<>(List.of(
                textIn("TypeKey", AccountModel::typeKey),
                textIn("StatusKey", AccountModel::statusKey)));
    }

    static EntitySearch<UserModel> users() {
        return new EntitySearch<>(List.of(
                intIn("AccountID", UserModel::accountId),
                textIn("AccountKey", UserModel::accountKey),
                textIn("ContactEmail", UserModel::contactEmail),
                textIn("Email", UserModel::email),
                new TypedFilter<UserModel>("UserNameOrEmail", (u, v) ->
                        v.getFirst().equalsIgnoreCase(u.userName()) || v.getFirst().equalsIgnoreCase(u.email()))));
    }

    static EntitySearch<ContactModel> contacts() {
        return new EntitySearch<>(List.of(
                textIn("TypeKey", ContactModel::typeKey),
                textIn("Email1", ContactModel::email1)));
    }

    static EntitySearch<ProductModel> products() {
        return new EntitySearch<>(List.of(
                textIn("TypeKey", ProductModel::typeKey),
                textIn("SeoUrl", ProductModel::seoUrl)));
    }

    /** Only the BaseSearchModel filters (spec §3). */
    static <T extends CefModel> EntitySearch<T> plain() {
        return new EntitySearch<>(List.of());
    }

    static EntitySearch<SalesItemModel> salesOrderItems() {
        return new EntitySearch<>(List.of(
                intIn("MasterID", SalesItemModel::masterId),
                intIn("ProductID", SalesItemModel::productId)));
    }

    static EntitySearch<AccountContactModel> accountContacts() {
        return new EntitySearch<>(List.of(
                intIn("MasterID", AccountContactModel::masterId),
                intIn("AccountID", AccountContactModel::masterId),
                intIn("SlaveID", AccountContactModel::slaveId)));
    }

    static EntitySearch<InventoryLocationSectionModel> inventoryLocationSections() {
        return new EntitySearch<>(List.of(
                intIn("InventoryLocationID", InventoryLocationSectionModel::inventoryLocationId),
                textIn("InventoryLocationKey", InventoryLocationSectionModel::inventoryLocationKey)));
    }

    /** ProductInventoryLocationSectionSearchModel (spec §3): MasterID (= ProductID), ProductIDs, location, MinQuantity. */
    static EntitySearch<ProductInventoryLocationSectionModel> productInventoryLocationSections() {
        return new EntitySearch<>(List.of(
                intIn("MasterID", ProductInventoryLocationSectionModel::masterId),
                intIn("ProductIDs", ProductInventoryLocationSectionModel::masterId),
                intIn("SlaveID", ProductInventoryLocationSectionModel::slaveId),
                intIn("InventoryLocationID",
                        ProductInventoryLocationSectionModel::inventoryLocationSectionInventoryLocationId),
                textIn("InventoryLocationKey",
                        ProductInventoryLocationSectionModel::inventoryLocationSectionInventoryLocationKey),
                new TypedFilter<ProductInventoryLocationSectionModel>("MinQuantity", (row, v) ->
                        row.quantity() != null && row.quantity().compareTo(decimal("MinQuantity", v)) >= 0)));
    }

    private static BigDecimal decimal(String parameter, List<String> values) {
        try {
            return new BigDecimal(values.getFirst().trim());
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "Unable to bind '" + parameter + "': '" + values.getFirst() + "' is not a Decimal");
        }
    }

    private static <T> TypedFilter<T> intIn(String parameter, Function<T, Integer> field) {
        return new TypedFilter<>(parameter, (row, values) ->
                values.stream().anyMatch(v -> Objects.equals(String.valueOf(field.apply(row)), v.trim())));
    }

    private static <T> TypedFilter<T> textIn(String parameter, Function<T, String> field) {
        return new TypedFilter<>(parameter, (row, values) ->
                values.stream().anyMatch(v -> v.trim().equalsIgnoreCase(field.apply(row))));
    }
}
