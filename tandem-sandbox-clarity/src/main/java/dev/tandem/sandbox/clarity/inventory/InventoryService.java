package dev.tandem.sandbox.clarity.inventory;

import dev.tandem.sandbox.clarity.entity.ChangeListener;
import dev.tandem.sandbox.clarity.model.InventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.wire.CefDates;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The stock provider behind {@code /Providers/Inventory/*} (clarity-api.md §5 notes, {@code PILSInventoryProvider}):
 * stock lives in {@code ProductInventoryLocationSection} rows. Every change stamps {@code UpdatedDate}, recomputes
 * {@code Hash} (so a poller of {@code /Products/ProductInventoryLocationSections?ModifiedSince=} sees it) and fires
 * {@code Inventory.Changed} (spec §11).
 */
public final class InventoryService {

    /** One requested change of one stock row; null quantities keep their value. */
    public record StockChange(BigDecimal quantity, BigDecimal quantityAllocated, BigDecimal quantityPreSold) {

        public StockChange {
            for (BigDecimal value : new BigDecimal[] {quantity, quantityAllocated, quantityPreSold}) {
                if (value != null && value.signum() < 0) {
                    throw ClarityHttpException.actionFailed("Inventory quantities must not be negative");
                }
            }
        }
    }

    private final ClarityStore store;
    private final Clock clock;
    private final ChangeListener<ProductInventoryLocationSectionModel> listener;

    public InventoryService(ClarityStore store, Clock clock,
            ChangeListener<ProductInventoryLocationSectionModel> listener) {
        this.store = store;
        this.clock = clock;
        this.listener = listener;
    }

    public ProductModel product(int productId) {
        return store.products().byId(productId).orElseThrow(() -> ClarityHttpException.actionFailed(
                "Product with ID " + productId + " was not found"));
    }

    /** The product's stock rows, in ID order. */
    public List<ProductInventoryLocationSectionModel> rows(int productId) {
        return store.productInventoryLocationSections().all().stream()
                .filter(row -> row.masterId() == productId)
                .sorted(Comparator.comparingInt(ProductInventoryLocationSectionModel::id))
                .toList();
    }

    /**
     * The row a product-level update goes to: the product's first row in the given location (or overall when no
     * location is given). A product without stock there gets a new row in the location's first section.
     */
    public ProductInventoryLocationSectionModel target(int productId, Integer locationId) {
        ProductModel product = product(productId);
        Optional<ProductInventoryLocationSectionModel> existing = rows(productId).stream()
                .filter(row -> locationId == null
                        || locationId.equals(row.inventoryLocationSectionInventoryLocationId()))
                .findFirst();
        if (existing.isPresent()) {
            return existing.get();
        }
        InventoryLocationSectionModel section = store.inventoryLocationSections().all().stream()
                .filter(s -> locationId == null || s.inventoryLocationId() == locationId)
                .findFirst()
                .orElseThrow(() -> ClarityHttpException.actionFailed(locationId == null
                        ? "The store has no inventory location sections"
                        : "InventoryLocation with ID " + locationId + " has no sections"));
        return create(product, section);
    }

    /** Applies a change to one stock row, stamps it and announces it. */
    public ProductInventoryLocationSectionModel apply(int rowId, StockChange change) {
        ProductInventoryLocationSectionModel stored = store.productInventoryLocationSections().modify(rowId, tree -> {
            if (change.quantity() != null) {
                tree.put("Quantity", change.quantity());
            }
            if (change.quantityAllocated() != null) {
                tree.put("QuantityAllocated", change.quantityAllocated());
            }
            if (change.quantityPreSold() != null) {
                tree.put("QuantityPreSold", change.quantityPreSold());
            }
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow(() -> ClarityHttpException.actionFailed(
                "ProductInventoryLocationSection with ID " + rowId + " was not found"));
        listener.updated(stored);
        return stored;
    }

    /** {@code CalculateInventory}: the product's stock summed over its active rows. */
    public CalculatedInventory calculate(int productId) {
        ProductModel product = product(productId);
        List<ProductInventoryLocationSectionModel> rows = rows(productId).stream()
                .filter(ProductInventoryLocationSectionModel::active).toList();
        BigDecimal present = sum(rows, ProductInventoryLocationSectionModel::quantity);
        BigDecimal allocated = sum(rows, ProductInventoryLocationSectionModel::quantityAllocated);
        BigDecimal preSold = sum(rows, ProductInventoryLocationSectionModel::quantityPreSold);
        BigDecimal onHand = present.subtract(allocated);
        return new CalculatedInventory(product.id(), product.unitOfMeasure(), product.isDiscontinued(),
                product.isUnlimitedStock(), !product.isUnlimitedStock() && onHand.signum() <= 0, present, allocated,
                onHand, product.allowBackOrder(), product.allowPreSale(), preSold, rows);
    }

    private ProductInventoryLocationSectionModel create(ProductModel product, InventoryLocationSectionModel section) {
        Instant now = clock.instant();
        ProductInventoryLocationSectionModel row = store.productInventoryLocationSections().put(
                new ProductInventoryLocationSectionModel(store.productInventoryLocationSections().nextId(),
                        product.customKey() + "@" + section.customKey(), true, now, now, null, Map.of(), product.id(),
                        product.customKey(), product.name(), product.seoUrl(), section.id(), section.customKey(),
                        section.name(), BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO,
                        section.inventoryLocationId(), section.inventoryLocationKey(),
                        section.inventoryLocationName()));
        listener.created(row);
        return row;
    }

    private static BigDecimal sum(List<ProductInventoryLocationSectionModel> rows,
            Function<ProductInventoryLocationSectionModel, BigDecimal> field) {
        return rows.stream().map(field).filter(Objects::nonNull).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
