package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.generate.SandboxDataGenerator;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.webhook.WebhookEvent;
import dev.tandem.sandbox.clarity.wire.CefDates;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Catalogue changes on demand, as a merchandiser would make them. Each stamps the product's {@code UpdatedDate} and
 * fires {@code Product.Updated} (spec §11).
 */
public final class SandboxProducts {

    private final SandboxDataGenerator generator;
    private final ClarityStore store;
    private final WebhookDispatcher webhooks;
    private final Clock clock;

    SandboxProducts(SandboxDataGenerator generator, ClarityStore store, WebhookDispatcher webhooks, Clock clock) {
        this.generator = generator;
        this.store = store;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    /**
     * Sets a product's base price (and ends any sale), as served by {@code /Pricing/Prices/ForProduct/..}. The
     * product's {@code UpdatedDate} moves so a {@code ModifiedSince} poll returns it, but its {@code Hash} does not:
     * {@code ProductModel} has no price member (clarity-routes.md notes), so a poller that skips rows by
     * (ID, Hash) must re-read prices another way.
     */
    public RecordRef changePrice(int productId, BigDecimal basePrice) {
        if (Objects.requireNonNull(basePrice, "basePrice").signum() < 0) {
            throw new IllegalArgumentException("A price must not be negative");
        }
        BigDecimal base = basePrice.setScale(2, RoundingMode.HALF_UP);
        ProductModel product = touch(productId, tree -> { });
        store.putPrice(new ProductPrice(productId, base, null,
                base.multiply(new BigDecimal("1.20")).setScale(2, RoundingMode.HALF_UP)));
        return announce(product);
    }

    /**
     * Creates a product with its base price (MSRP 20 % above, not on sale), as a merchandiser adding it to the
     * catalogue would, and fires {@code Product.Created} once both are stored.
     */
    public RecordRef createProduct(String sku, String name, BigDecimal basePrice) {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(name, "name");
        if (Objects.requireNonNull(basePrice, "basePrice").signum() < 0) {
            throw new IllegalArgumentException("A price must not be negative");
        }
        java.time.Instant now = clock.instant();
        int id = store.products().nextId();
        ProductModel product = store.products().put(new ProductModel(id, sku, true, now, now, null, java.util.Map.of(),
                name, "The " + name + ".", dev.tandem.sandbox.clarity.model.Lookup.PRODUCT_TYPE_GENERAL.id(),
                dev.tandem.sandbox.clarity.model.Lookup.PRODUCT_TYPE_GENERAL.key(),
                dev.tandem.sandbox.clarity.model.Lookup.PRODUCT_TYPE_GENERAL.name(),
                dev.tandem.sandbox.clarity.model.Lookup.PRODUCT_STATUS_NORMAL.id(),
                dev.tandem.sandbox.clarity.model.Lookup.PRODUCT_STATUS_NORMAL.key(),
                dev.tandem.sandbox.clarity.model.Lookup.PRODUCT_STATUS_NORMAL.name(), sku.toLowerCase(java.util.Locale.ROOT),
                name, name + ".", null, null, "EA", null, true, false, true, true, false, false, false, false, false,
                false, null, null, null, null));
        BigDecimal base = basePrice.setScale(2, RoundingMode.HALF_UP);
        store.putPrice(new ProductPrice(id, base, null,
                base.multiply(new BigDecimal("1.20")).setScale(2, RoundingMode.HALF_UP)));
        webhooks.publish(WebhookEvent.about(WebhookEvent.PRODUCT_CREATED, "Product", product, now));
        return new RecordRef("Product", product.id(), product.customKey());
    }

    /** Rewrites a random product's short description (a data change: new {@code Hash}). */
    public RecordRef updateRandomProduct() {
        List<ProductModel> products = store.products().all();
        if (products.isEmpty()) {
            throw new IllegalStateException("The sandbox has no products");
        }
        ProductModel picked = products.get(generator.nextInt(products.size()));
        int revision = 1 + generator.nextInt(1_000_000);
        return announce(touch(picked.id(), tree -> tree.put("ShortDescription",
                picked.name() + ", revision " + revision + ".")));
    }

    /** Rewrites a product's {@code Description} (a data change: new {@code Hash}). */
    public RecordRef changeDescription(int productId, String description) {
        Objects.requireNonNull(description, "description");
        return announce(touch(productId, tree -> tree.put("Description", description)));
    }

    /**
     * Sells a product in exactly these stores (by the stores' keys; empty: in none), as a merchandiser assigning it
     * would: its {@code Stores} (StoreProductModel rows) are replaced, which is a data change (new {@code Hash}).
     */
    public RecordRef assignStores(int productId, List<String> storeKeys) {
        Objects.requireNonNull(storeKeys, "storeKeys");
        com.fasterxml.jackson.databind.node.ArrayNode rows = com.fasterxml.jackson.databind.node.JsonNodeFactory
                .instance.arrayNode();
        ProductModel product = find(productId).orElseThrow(() -> new IllegalArgumentException("No Product with ID "
                + productId));
        int n = 0;
        for (String key : storeKeys) {
            dev.tandem.sandbox.clarity.model.StoreModel s = store.stores().all().stream()
                    .filter(candidate -> key.equals(candidate.customKey())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("No Store with key " + key));
            rows.addObject().put("ID", productId * 100 + (++n)).put("MasterID", s.id()).put("MasterKey", s.customKey())
                    .put("MasterName", s.name()).put("SlaveID", productId).put("SlaveKey", product.customKey());
        }
        return announce(touch(productId, tree -> tree.set("Stores", rows)));
    }

    /** Marks a product discontinued ({@code IsDiscontinued}). */
    public RecordRef discontinue(int productId) {
        return announce(touch(productId, tree -> tree.put("IsDiscontinued", true)));
    }

    public Optional<ProductModel> find(int productId) {
        return store.products().byId(productId);
    }

    public Optional<ProductPrice> price(int productId) {
        return store.price(productId);
    }

    public int count() {
        return store.products().size();
    }

    private ProductModel touch(int productId, Consumer<ObjectNode> change) {
        return store.products().modify(productId, tree -> {
            change.accept(tree);
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow(() -> new IllegalArgumentException("No Product with ID " + productId));
    }

    private RecordRef announce(ProductModel product) {
        webhooks.publish(WebhookEvent.about(WebhookEvent.PRODUCT_UPDATED, "Product", product, clock.instant()));
        return new RecordRef("Product", product.id(), product.customKey());
    }
}
