package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.generate.SandboxDataGenerator;
import dev.tandem.sandbox.clarity.inventory.CalculatedInventory;
import dev.tandem.sandbox.clarity.inventory.InventoryService;
import dev.tandem.sandbox.clarity.inventory.InventoryService.StockChange;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import java.math.BigDecimal;
import java.util.List;

/**
 * Stock changes on demand, as a warehouse system would push them. Each change stamps the stock row's
 * {@code UpdatedDate} and {@code Hash} and fires {@code Inventory.Changed} (spec §11).
 */
public final class SandboxInventory {

    private final SandboxDataGenerator generator;
    private final ClarityStore store;
    private final InventoryService inventory;

    SandboxInventory(SandboxDataGenerator generator, ClarityStore store, InventoryService inventory) {
        this.generator = generator;
        this.store = store;
        this.inventory = inventory;
    }

    /** Sets the quantity of the product's first stock row (one is created when it has none). */
    public ProductInventoryLocationSectionModel setQuantity(int productId, BigDecimal quantity) {
        return inventory.apply(inventory.target(productId, null).id(), new StockChange(quantity, null, null));
    }

    /** Sets the quantity of the product's stock in one {@code InventoryLocation}. */
    public ProductInventoryLocationSectionModel setQuantity(int productId, int inventoryLocationId,
            BigDecimal quantity) {
        return inventory.apply(inventory.target(productId, inventoryLocationId).id(),
                new StockChange(quantity, null, null));
    }

    /** Moves a random stock row's quantity up or down by up to 20 (never below 0). */
    public ProductInventoryLocationSectionModel adjustRandomStock() {
        List<ProductInventoryLocationSectionModel> rows = store.productInventoryLocationSections().all();
        if (rows.isEmpty()) {
            throw new IllegalStateException("The sandbox has no stock rows");
        }
        ProductInventoryLocationSectionModel row = rows.get(generator.nextInt(rows.size()));
        BigDecimal delta = new BigDecimal(generator.nextInt(41) - 20);
        BigDecimal quantity = row.quantity().add(delta.signum() == 0 ? BigDecimal.ONE : delta).max(BigDecimal.ZERO);
        return inventory.apply(row.id(), new StockChange(quantity, null, null));
    }

    /** What {@code GET /Providers/Inventory/CalculateInventory/{ID}} answers. */
    public CalculatedInventory calculate(int productId) {
        return inventory.calculate(productId);
    }

    public List<ProductInventoryLocationSectionModel> stockOf(int productId) {
        return inventory.rows(productId);
    }
}
