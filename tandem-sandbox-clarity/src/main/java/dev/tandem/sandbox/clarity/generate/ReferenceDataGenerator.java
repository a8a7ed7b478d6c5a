package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.model.BrandModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationModel;
import dev.tandem.sandbox.clarity.model.InventoryLocationSectionModel;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.model.SalesOrderStatusModel;
import dev.tandem.sandbox.clarity.model.StoreModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The fixed set-up of a store: the default {@code SalesOrderStatus} rows (spec §6 "Default SalesOrderStatus keys"),
 * a store, its brands, and warehouses with aisles. It draws no random numbers, so it never shifts the seeded data.
 */
final class ReferenceDataGenerator {

    /** Warehouses: key, name, and the sections each one has. */
    private record Warehouse(String key, String name, List<String> sections) {
    }

    private static final List<Warehouse> WAREHOUSES = List.of(
            new Warehouse("MAIN", "Main Warehouse (Austin)", List.of("A1", "A2", "B1")),
            new Warehouse("WEST", "West Coast DC (Reno)", List.of("R1", "R2")),
            new Warehouse("EU", "EU Fulfilment (Rotterdam)", List.of("E1", "E2")),
            new Warehouse("STORE", "Flagship Store Backroom", List.of("S1")));

    static final List<String> BRANDS = List.of("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
            "Stark", "Wonka");

    private final ClarityStore store;

    ReferenceDataGenerator(ClarityStore store) {
        this.store = store;
    }

    /** @param locations how many warehouses (1..4) to create */
    void create(Instant created, int locations) {
        for (Lookup status : Lookup.ORDER_STATUSES) {
            store.salesOrderStatuses().put(new SalesOrderStatusModel(status.id(), status.key(), true, created,
                    created, null, Map.of(), status.name(), null, status.name(), status.id()));
        }
        for (String brand : BRANDS) {
            store.brands().put(new BrandModel(store.brands().nextId(), "BRAND-" + brand.toUpperCase(), true, created,
                    created, null, Map.of(), brand, brand + " branded goods", brand.toLowerCase() + ".png", null,
                    new BigDecimal("250.00")));
        }
        store.stores().put(new StoreModel(store.stores().nextId(), "STORE-WEB", true, created, created, null,
                Map.of(), "Tandem Demo Store", "The web storefront", Lookup.STORE_TYPE_GENERAL.id(),
                Lookup.STORE_TYPE_GENERAL.key(), Lookup.STORE_TYPE_GENERAL.name(), "tandem-demo-store",
                "Everything, in sync", null, "https://store.example.com", "America/Chicago", true, 1, null, null,
                "store@example.com", "+1 512-555-0100", null, new BigDecimal("250.00")));
        // A second storefront, for the per-store price books of issue 11 (a product is sold in the stores its
        // StoreProductModel rows name).
        store.stores().put(new StoreModel(store.stores().nextId(), "STORE-EU", true, created, created, null,
                Map.of(), "Tandem Demo Store Europe", "The European storefront", Lookup.STORE_TYPE_GENERAL.id(),
                Lookup.STORE_TYPE_GENERAL.key(), Lookup.STORE_TYPE_GENERAL.name(), "tandem-demo-store-eu",
                "Everything, in sync, in euros", null, "https://eu.store.example.com", "Europe/Berlin", true, 2, null,
                null, "eu.store@example.com", "+49 30 5550100", null, new BigDecimal("250.00")));
        for (Warehouse warehouse : WAREHOUSES.subList(0, Math.max(1, Math.min(locations, WAREHOUSES.size())))) {
            InventoryLocationModel location = store.inventoryLocations().put(new InventoryLocationModel(
                    store.inventoryLocations().nextId(), warehouse.key(), true, created, created, null, Map.of(),
                    warehouse.name(), null, null, null, null, null, null));
            for (String section : warehouse.sections()) {
                store.inventoryLocationSections().put(new InventoryLocationSectionModel(
                        store.inventoryLocationSections().nextId(), warehouse.key() + "-" + section, true, created,
                        created, null, Map.of(), "Aisle " + section, null, location.id(), location.customKey(),
                        location.name()));
            }
        }
    }

    static int maxLocations() {
        return WAREHOUSES.size();
    }
}
