package dev.tandem.sandbox.clarity.generate;

import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.model.ProductModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Seeds the product catalogue: SKUs {@code SKU-10001}..., prices between 5 and 500. */
final class CatalogGenerator {

    private static final List<String> ADJECTIVES = List.of("Ergonomic", "Rustic", "Compact", "Deluxe", "Classic",
            "Heavy-Duty", "Lightweight", "Premium", "Portable", "Smart", "Vintage", "Modular");
    private static final List<String> MATERIALS = List.of("Steel", "Oak", "Bamboo", "Aluminium", "Leather", "Cotton",
            "Ceramic", "Glass", "Carbon", "Walnut", "Wool");
    private static final List<String> NOUNS = List.of("Desk Lamp", "Water Bottle", "Backpack", "Chair", "Notebook",
            "Headphones", "Coffee Grinder", "Cutting Board", "Wall Clock", "Plant Pot", "Toolbox", "Yoga Mat",
            "Bookshelf", "Kettle", "Umbrella", "Phone Stand");
    private static final List<String> BRANDS = List.of("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
            "Stark", "Wonka");
    private static final List<String> PRICE_ENDINGS = List.of("0.99", "0.49", "0.00", "0.95");

    private final ClarityStore store;

    CatalogGenerator(ClarityStore store) {
        this.store = store;
    }

    void create(Random random, int count, Instant now) {
        create(random, count, now, 0, random);
    }

    /** @param edgeCaseRate the share of products additionally made discontinued, drawn from {@code edgeRandom} */
    void create(Random random, int count, Instant now, double edgeCaseRate, Random edgeRandom) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            int skuNumber = 10001 + i;
            String adjective = Text.pick(random, ADJECTIVES);
            String material = Text.pick(random, MATERIALS);
            String noun = Text.pick(random, NOUNS);
            String name = adjective + " " + material + " " + noun;
            if (!names.add(name)) {
                name = name + " " + skuNumber;
                names.add(name);
            }
            String sku = "SKU-" + skuNumber;
            Instant created = now.minus(Duration.ofMinutes(60L * 24 * 30 + random.nextInt(60 * 24 * 700)));
            Instant updated = created.plus(Duration.ofMinutes(random.nextInt(60 * 24 * 30)));
            boolean discontinued = random.nextInt(20) == 0;
            if (edgeCaseRate > 0 && edgeRandom.nextDouble() < edgeCaseRate / 2) {
                discontinued = true;
            }
            int id = store.products().nextId();
            ProductModel product = new ProductModel(id, sku, true, created, updated, null, Map.of(), name,
                    "The " + name.toLowerCase(Locale.ROOT) + " by " + Text.pick(random, BRANDS)
                            + ", built for everyday use.",
                    Lookup.PRODUCT_TYPE_GENERAL.id(), Lookup.PRODUCT_TYPE_GENERAL.key(),
                    Lookup.PRODUCT_TYPE_GENERAL.name(), Lookup.PRODUCT_STATUS_NORMAL.id(),
                    Lookup.PRODUCT_STATUS_NORMAL.key(), Lookup.PRODUCT_STATUS_NORMAL.name(),
                    Text.slug(name) + "-" + skuNumber, name, article(adjective) + " " + adjective.toLowerCase(Locale.ROOT) + " "
                            + noun.toLowerCase(Locale.ROOT) + " in " + material.toLowerCase(Locale.ROOT) + ".",
                    "MPN-" + (100000 + random.nextInt(900000)), Text.pick(random, BRANDS), "EA", "P0000000",
                    true, discontinued, true, true, false, false, false, false, false, false,
                    new BigDecimal(random.nextInt(1500) + 10).movePointLeft(1), "lb", i + 1, null);
            store.products().put(product);
            store.putPrice(price(random, id));
        }
    }

    private static String article(String word) {
        return "AEIOU".indexOf(word.charAt(0)) >= 0 ? "An" : "A";
    }

    /** A shelf price such as 129.99, never above 500.00; one product in seven is on sale at 15 % off. */
    private static ProductPrice price(Random random, int productId) {
        BigDecimal base = new BigDecimal(5 + random.nextInt(495)).add(new BigDecimal(Text.pick(random, PRICE_ENDINGS)))
                .min(new BigDecimal("500.00")).setScale(2, RoundingMode.HALF_UP);
        BigDecimal sale = random.nextInt(7) == 0
                ? base.multiply(new BigDecimal("0.85")).setScale(2, RoundingMode.HALF_UP) : null;
        BigDecimal msrp = base.multiply(new BigDecimal("1.20")).setScale(2, RoundingMode.HALF_UP);
        return new ProductPrice(productId, base, sale, msrp);
    }
}
