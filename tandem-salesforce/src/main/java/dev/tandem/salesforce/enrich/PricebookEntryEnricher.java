package dev.tandem.salesforce.enrich;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code salesforce.pricebookEntries}: fills the price-book placeholders of write plans. A field written
 * {@code {"enrich": "pricebookEntry", "productKey": ..., "name": ..., "sku": ..., "listPrice": ...}} becomes the
 * id of that product's standard PricebookEntry (the product and its entry are created when missing; salesforce-api.md
 * §3.3, https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_pricebookentry.htm
 * "PricebookEntry": the standard entry must exist before any custom one); {@code {"enrich": "standardPricebook"}}
 * becomes the standard price book's id; {@code "Id": {"enrich": "existingStandardEntry", "productKey": ...}} on a
 * PricebookEntry record of the plan becomes the id of the product's standard entry when one exists already (the
 * record is then written to it by Id, which also sets the plan's key on it), and is removed when none does (the
 * record is upserted by its key): a product flow that keys entries itself thus adopts the entry an order flow made,
 * instead of failing with {@code DUPLICATE_VALUE}. One resolution for the whole batch, cached across batches.
 */
public final class PricebookEntryEnricher implements Enricher {

    public static final String NAME = "salesforce.pricebookEntries";
    private static final String EXISTING_STANDARD_ENTRY = "existingStandardEntry";

    private final PricebookEntryResolver resolver;

    public PricebookEntryEnricher(PricebookEntryResolver resolver) {
        this.resolver = resolver;
    }

    public PricebookEntryResolver resolver() {
        return resolver;
    }

    @Override
    public List<Result> enrich(List<WriteGroup> groups) {
        Map<String, ProductRef> products = new LinkedHashMap<>();
        boolean needsPricebook = false;
        java.util.Set<String> existing = new java.util.LinkedHashSet<>();
        for (WriteGroup g : groups) {
            for (RecordWrite r : g.records()) {
                for (var f : r.fields().properties()) {
                    JsonNode v = f.getValue();
                    if (placeholder(v, "pricebookEntry")) {
                        ProductRef p = product(v);
                        products.putIfAbsent(p.key(), p);
                    } else if (placeholder(v, "standardPricebook")) {
                        needsPricebook = true;
                    } else if (placeholder(v, EXISTING_STANDARD_ENTRY)) {
                        String key = v.path("productKey").asText();
                        if (key.isBlank()) {
                            throw IntegrationException.permanentFailure("salesforce", "MAPPING_ERROR",
                                    "an existingStandardEntry placeholder has no productKey", 0);
                        }
                        existing.add(key);
                    }
                }
            }
        }
        Map<String, String> existingEntries = existing.isEmpty() ? Map.of() : resolver.existingStandardEntries(existing);
        String pricebookId = needsPricebook || !products.isEmpty() ? resolver.standardPricebookId() : "";
        Map<String, PricebookEntryResolver.Resolution> entries = products.isEmpty() ? Map.of() : resolver.resolve(products.values());
        List<Result> results = new ArrayList<>(groups.size());
        for (WriteGroup g : groups) {
            results.add(fill(g, pricebookId, entries, existingEntries));
        }
        return results;
    }

    private static Result fill(WriteGroup g, String pricebookId, Map<String, PricebookEntryResolver.Resolution> entries,
                               Map<String, String> existingEntries) {
        List<RecordWrite> records = new ArrayList<>(g.records().size());
        for (RecordWrite r : g.records()) {
            ObjectNode fields = null;
            for (var f : r.fields().properties()) {
                JsonNode v = f.getValue();
                String value = null;
                if (placeholder(v, "pricebookEntry")) {
                    String key = v.path("productKey").asText();
                    PricebookEntryResolver.Resolution res = entries.get(key);
                    if (res instanceof PricebookEntryResolver.Resolution.Found found) {
                        value = found.pricebookEntryId();
                    } else {
                        ApiError e = res instanceof PricebookEntryResolver.Resolution.Failed failed ? failed.error()
                                : new ApiError("PRODUCT_NOT_RESOLVED", "product " + key + " has no price-book entry", List.of(), true);
                        return new Result.Failed(new ApiError(e.errorCode(), "the product " + key + " of " + r.ref()
                                + " could not be set up in Salesforce: " + e.message(), e.fields(), e.retryable()));
                    }
                } else if (placeholder(v, "standardPricebook")) {
                    value = pricebookId;
                } else if (placeholder(v, EXISTING_STANDARD_ENTRY)) {
                    value = existingEntries.get(v.path("productKey").asText());
                    if (value == null) {
                        if (fields == null) {
                            fields = r.fields().deepCopy();
                        }
                        fields.remove(f.getKey());
                        continue;
                    }
                }
                if (value != null) {
                    if (fields == null) {
                        fields = r.fields().deepCopy();
                    }
                    fields.put(f.getKey(), value);
                }
            }
            records.add(fields == null ? r : r.withFields(fields));
        }
        return new Result.Enriched(g.withRecords(records));
    }

    private static boolean placeholder(JsonNode v, String kind) {
        return v.isObject() && kind.equals(v.path("enrich").asText());
    }

    private static ProductRef product(JsonNode v) {
        String key = v.path("productKey").asText();
        if (key.isBlank()) {
            throw IntegrationException.permanentFailure("salesforce", "MAPPING_ERROR",
                    "a pricebookEntry placeholder has no productKey", 0);
        }
        JsonNode price = v.path("listPrice");
        return new ProductRef(key, v.path("name").asText(key), v.path("sku").asText(""),
                price.isNumber() ? price.decimalValue() : BigDecimal.ZERO);
    }
}
