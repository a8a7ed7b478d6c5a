package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.model.InventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductInventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Stocks every product in one to three sections of different warehouses ({@code ProductInventoryLocationSection},
 * spec §6, §8). Discontinued products and, at the edge-case rate, some others have a section with zero on hand.
 */
final class InventoryGenerator {

    private final ClarityStore store;

    InventoryGenerator(ClarityStore store) {
        this.store = store;
    }

    void create(Random random, double edgeCaseRate, Instant created) {
        List<InventoryLocationSectionModel> sections = store.inventoryLocationSections().all();
        if (sections.isEmpty()) {
            return;
        }
        for (ProductModel product : store.products().all()) {
            stock(random, edgeCaseRate, created, product, sections);
        }
    }

    void stock(Random random, double edgeCaseRate, Instant created, ProductModel product,
            List<InventoryLocationSectionModel> sections) {
        List<InventoryLocationSectionModel> shuffled = new ArrayList<>(sections);
        Collections.shuffle(shuffled, random);
        int count = Math.min(shuffled.size(), 1 + random.nextInt(3));
        List<Integer> usedLocations = new ArrayList<>();
        for (InventoryLocationSectionModel section : shuffled) {
            if (usedLocations.size() == count) {
                break;
            }
            if (usedLocations.contains(section.inventoryLocationId())) {
                continue;
            }
            usedLocations.add(section.inventoryLocationId());
            boolean empty = product.isDiscontinued() || random.nextDouble() < edgeCaseRate;
            BigDecimal quantity = empty ? BigDecimal.ZERO : new BigDecimal(1 + random.nextInt(500));
            BigDecimal allocated = empty ? BigDecimal.ZERO : new BigDecimal(random.nextInt(quantity.intValue() / 4 + 1));
            int id = store.productInventoryLocationSections().nextId();
            store.productInventoryLocationSections().put(new ProductInventoryLocationSectionModel(id,
                    product.customKey() + "@" + section.customKey(), true, created, created, null, Map.of(),
                    product.id(), product.customKey(), product.name(), product.seoUrl(), section.id(),
                    section.customKey(), section.name(), quantity, allocated, BigDecimal.ZERO, BigDecimal.ZERO,
                    section.inventoryLocationId(), section.inventoryLocationKey(), section.inventoryLocationName()));
        }
    }
}
