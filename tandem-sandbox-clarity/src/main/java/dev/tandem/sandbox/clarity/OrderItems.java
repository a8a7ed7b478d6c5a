package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.entity.References;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import dev.tandem.sandbox.clarity.wire.CefDates;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps the two faces of an order line consistent: the {@code SalesItems} embedded in a {@code SalesOrderModel} and
 * the rows of {@code /Ordering/SalesOrderItem*} (spec §6 "Sales order item", {@code MasterID} = the order). Writing an
 * order stores its lines; writing a line rebuilds its order's {@code SalesItems} and {@code Totals}, so that
 * {@code Total = SubTotal + Shipping + Handling + Fees + Tax - Discounts} keeps holding and the order's
 * {@code UpdatedDate} and {@code Hash} move with its lines (a poller of orders sees the change).
 */
final class OrderItems {

    private static final BigDecimal ZERO = new BigDecimal("0.00");

    private OrderItems() {
    }

    /** Completes an order being written: account names, line IDs and keys, and totals when the write gave none. */
    static void completeOrder(ObjectNode order, ClarityStore store, Clock clock) {
        References.find(order, "Account", store.accounts()).ifPresent((AccountModel account) -> {
            order.put("AccountID", account.id());
            References.text(order, "AccountKey", account.customKey());
            References.text(order, "AccountName", account.name());
        });
        int orderId = order.get("ID").asInt();
        String orderKey = order.hasNonNull("CustomKey") ? order.get("CustomKey").asText() : null;
        JsonNode items = order.get("SalesItems");
        if (items != null && !items.isNull() && !items.isArray()) {
            throw ClarityHttpException.actionFailed("SalesItems must be a list of sales items");
        }
        String now = CefDates.format(clock.instant());
        if (items != null && items.isArray()) {
            for (JsonNode node : items) {
                if (!(node instanceof ObjectNode item)) {
                    throw ClarityHttpException.actionFailed("Every entry of SalesItems must be a sales item object");
                }
                if (!item.hasNonNull("ID") || item.get("ID").asInt() <= 0) {
                    item.put("ID", store.nextSalesItemId());
                }
                if (!item.hasNonNull("CreatedDate")) {
                    item.put("CreatedDate", now);
                }
                item.put("UpdatedDate", now);
                if (!item.hasNonNull("Active")) {
                    item.put("Active", true);
                }
                item.put("MasterID", orderId);
                References.text(item, "MasterKey", orderKey);
                completeLine(item, store);
            }
        }
        if (!order.hasNonNull("Totals")) {
            ArrayNode lines = items != null && items.isArray() ? (ArrayNode) items : order.arrayNode();
            BigDecimal subTotal = ZERO;
            BigDecimal quantity = BigDecimal.ZERO;
            for (JsonNode line : lines) {
                subTotal = subTotal.add(lineTotal(line));
                quantity = quantity.add(line.get("Quantity").decimalValue());
            }
            ObjectNode totals = order.putObject("Totals");
            totals.put("SubTotal", subTotal);
            for (String zero : List.of("Shipping", "Handling", "Fees", "Discounts", "Tax")) {
                totals.put(zero, ZERO);
            }
            totals.put("Total", subTotal);
            order.put("ItemQuantity", quantity);
        }
        if (!order.hasNonNull("BalanceDue")) {
            order.put("BalanceDue", order.get("Totals").get("Total").decimalValue());
        }
    }

    /** Completes a line written on its own: its order must exist ({@code MasterID} or {@code MasterKey}). */
    static void completeItem(ObjectNode item, ClarityStore store) {
        References.require(item, "Master", store.salesOrders());
        completeLine(item, store);
    }

    private static void completeLine(ObjectNode item, ClarityStore store) {
        References.find(item, "Product", store.products()).ifPresent((ProductModel product) -> {
            item.put("ProductID", product.id());
            References.text(item, "ProductKey", product.customKey());
            References.text(item, "ProductName", product.name());
            References.text(item, "ProductSeoUrl", product.seoUrl());
            if (!item.hasNonNull("Sku")) {
                References.text(item, "Sku", product.customKey());
            }
            if (!item.hasNonNull("Name")) {
                References.text(item, "Name", product.name());
            }
            if (!item.hasNonNull("UnitOfMeasure")) {
                References.text(item, "UnitOfMeasure", product.unitOfMeasure());
            }
            item.put("ProductIsTaxable", product.isTaxable());
            if (!item.hasNonNull("UnitCorePrice")) {
                store.price(product.id()).map(ProductPrice::basePrice)
                        .ifPresent(price -> item.put("UnitCorePrice", price));
            }
            if (!item.hasNonNull("UnitSoldPrice")) {
                store.price(product.id()).map(ProductPrice::sellingPrice)
                        .ifPresent(price -> item.put("UnitSoldPrice", price));
            }
        });
        JsonNode quantity = item.get("Quantity");
        if (quantity == null || !quantity.isNumber() || quantity.decimalValue().signum() < 0) {
            throw ClarityHttpException.actionFailed("Quantity of a sales item must be a number of at least 0");
        }
        for (String price : List.of("UnitCorePrice", "UnitSoldPrice")) {
            JsonNode value = item.get(price);
            if (value != null && !value.isNull() && (!value.isNumber() || value.decimalValue().signum() < 0)) {
                throw ClarityHttpException.actionFailed(price + " of a sales item must be a number of at least 0");
            }
        }
        if (!item.hasNonNull("UnitCorePrice")) {
            item.put("UnitCorePrice", ZERO);
        }
    }

    /** Stores the order's embedded lines as SalesOrderItem rows and drops rows the order no longer has. */
    static void storeLines(ClarityStore store, SalesOrderModel order) {
        List<SalesItemModel> lines = order.salesItems() == null ? List.of() : order.salesItems();
        Set<Integer> kept = new HashSet<>();
        for (SalesItemModel line : lines) {
            store.salesOrderItems().put(line);
            kept.add(line.id());
        }
        for (SalesItemModel row : store.salesOrderItems().all()) {
            if (row.masterId() == order.id() && !kept.contains(row.id())) {
                store.salesOrderItems().remove(row.id());
            }
        }
    }

    /** Rebuilds an order's {@code SalesItems}, {@code ItemQuantity} and {@code Totals} from its SalesOrderItem rows. */
    static void rebuildOrder(ClarityStore store, Clock clock, int orderId) {
        List<SalesItemModel> lines = store.salesOrderItems().all().stream()
                .filter(line -> line.masterId() == orderId)
                .sorted(Comparator.comparingInt(SalesItemModel::id))
                .toList();
        store.salesOrders().modify(orderId, order -> {
            ArrayNode items = order.putArray("SalesItems");
            BigDecimal subTotal = ZERO;
            BigDecimal quantity = BigDecimal.ZERO;
            for (SalesItemModel line : lines) {
                JsonNode node = store.json().tree(line);
                items.add(node);
                if (line.active()) {
                    subTotal = subTotal.add(lineTotal(node));
                    quantity = quantity.add(line.quantity());
                }
            }
            ObjectNode totals = order.hasNonNull("Totals") ? (ObjectNode) order.get("Totals") : order.putObject("Totals");
            BigDecimal shipping = amount(totals, "Shipping");
            BigDecimal handling = amount(totals, "Handling");
            BigDecimal fees = amount(totals, "Fees");
            BigDecimal tax = amount(totals, "Tax");
            BigDecimal discounts = amount(totals, "Discounts");
            BigDecimal total = subTotal.add(shipping).add(handling).add(fees).add(tax).subtract(discounts);
            totals.put("SubTotal", subTotal);
            totals.put("Total", total);
            order.put("ItemQuantity", quantity);
            order.put("BalanceDue", total);
            order.put("UpdatedDate", CefDates.format(clock.instant()));
        });
    }

    private static BigDecimal lineTotal(JsonNode line) {
        JsonNode price = line.hasNonNull("UnitSoldPrice") ? line.get("UnitSoldPrice") : line.get("UnitCorePrice");
        BigDecimal unit = price == null || price.isNull() ? BigDecimal.ZERO : price.decimalValue();
        return unit.multiply(line.get("Quantity").decimalValue()).setScale(2, RoundingMode.HALF_UP);
    }

    private static BigDecimal amount(JsonNode totals, String name) {
        JsonNode value = totals.get(name);
        return value == null || value.isNull() ? ZERO : value.decimalValue().setScale(2, RoundingMode.HALF_UP);
    }
}
