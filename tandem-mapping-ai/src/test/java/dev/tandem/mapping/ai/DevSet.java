package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The development set (src/test/resources/devset, README.md there): pairs of sample source records and a target
 * describe with hand-written truth per source path (a target field, several acceptable ones, or null: should stay
 * unmapped). Each pair is in the development split (the calibration is fitted on it) or the held-out one (never).
 */
final class DevSet {

    static final ObjectMapper JSON = new ObjectMapper();

    static final List<String> PAIRS = List.of(
            "clarity-user-contact", "clarity-order-order", "clarity-account-account", "shopify-customer-contact",
            "woocommerce-order-order", "bigcommerce-product-product2", "magento-customer-contact",
            "clarity-product-product2", "clarity-salesitem-orderitem", "shopify-order-order",
            "woocommerce-customer-contact", "bigcommerce-customer-account", "magento-product-product2",
            "shopify-lineitem-orderitem");

    record Pair(String name, String split, String source, String target, JsonNode records, TargetObject describe,
                Map<String, Set<String>> truth) {
        boolean development() {
            return split.equals("development");
        }
    }

    static JsonNode resource(String path) {
        try (InputStream in = DevSet.class.getResourceAsStream("/devset/" + path)) {
            if (in == null) {
                throw new IllegalStateException("no test resource devset/" + path);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TargetObject describe(String object) {
        return TargetObject.fromDescribe(resource("describes/" + object + ".json"));
    }

    static List<Pair> pairs() {
        List<Pair> out = new ArrayList<>();
        for (String name : PAIRS) {
            JsonNode p = resource("pairs/" + name + ".json");
            Map<String, Set<String>> truth = new LinkedHashMap<>();
            p.path("truth").properties().forEach(e -> {
                JsonNode t = e.getValue();
                Set<String> targets = new java.util.LinkedHashSet<>();
                if (t.isTextual()) {
                    targets.add(t.asText());
                } else if (t.isArray()) {
                    t.forEach(x -> targets.add(x.asText()));
                }
                truth.put(e.getKey(), targets);
            });
            String split = p.path("split").asText();
            if (!split.equals("development") && !split.equals("held-out")) {
                throw new IllegalStateException(name + ": split must be development or held-out");
            }
            out.add(new Pair(name, split, p.path("source").asText(), p.path("target").asText(), p.path("records"),
                    describe(p.path("target").asText()), truth));
        }
        return out;
    }
}
