package dev.tandem.salesforce.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.api.SalesforceWriter;
import dev.tandem.salesforce.client.PathSegments;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * Finds, or creates, the standard-price-book entry of each product an order line names, and caches it: price book
 * entries never change id and cannot be deleted (salesforce-api.md §3.3), so after the first sight of a product no
 * order pays an API call for it.
 *
 * <p>Cost of a batch of unseen products: one query for the Product2 ids, one for their standard entries, and
 * graphs (sent through the batching writer) that create what is missing: Product2 upserted by external id, then
 * its entry.
 */
public final class PricebookEntryResolver {

    /** Per product: the entry id, or the error that stopped it. */
    public sealed interface Resolution {
        record Found(String pricebookEntryId) implements Resolution {
        }

        record Failed(ApiError error) implements Resolution {
        }
    }

    private static final int IN_CLAUSE_CHUNK = 100;

    private final SalesforceApi salesforce;
    private final SalesforceWriter writer;
    private final Map<String, String> entryIdByProductKey = new ConcurrentHashMap<>();
    private volatile String standardPricebookId;
    /** The org's corporate currency in a multi-currency org, "" in a single-currency one; null until looked up. */
    private volatile String corporateCurrency;
    private final AtomicLong graphSequence = new AtomicLong();

    public PricebookEntryResolver(SalesforceApi salesforce, SalesforceWriter writer) {
        this.salesforce = salesforce;
        this.writer = writer;
    }

    /** The id of the org's standard price book, looked up once. */
    public String standardPricebookId() {
        String id = standardPricebookId;
        if (id == null) {
            synchronized (this) {
                if (standardPricebookId == null) {
                    List<ObjectNode> rows = salesforce.query("SELECT Id FROM Pricebook2 WHERE IsStandard = true");
                    if (rows.isEmpty()) {
                        throw IntegrationException.permanentFailure("salesforce", "STANDARD_PRICEBOOK_MISSING",
                                "the org has no standard price book (SELECT Id FROM Pricebook2 WHERE IsStandard = true returned nothing)", 200);
                    }
                    standardPricebookId = rows.getFirst().path("Id").asText();
                }
                id = standardPricebookId;
            }
        }
        return id;
    }

    /**
     * The org's corporate currency when it has multiple currencies, looked up once: {@code SELECT IsoCode FROM
     * CurrencyType WHERE IsCorporate = true} (CurrencyType object reference,
     * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_currencytype.htm,
     * "Represents the currencies used by an organization for which the multicurrency feature is enabled"); a
     * single-currency org has no CurrencyType and answers INVALID_TYPE, so empty. In a multi-currency org a product
     * has a standard entry per currency, and the one Tandem's orders use (and the product flow adopts) is the
     * corporate one: orders are written without a currency, so in the corporate currency of the integration user.
     */
    public java.util.Optional<String> corporateCurrency() {
        String code = corporateCurrency;
        if (code == null) {
            synchronized (this) {
                if (corporateCurrency == null) {
                    try {
                        List<ObjectNode> rows = salesforce.query("SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true");
                        corporateCurrency = rows.isEmpty() ? "" : rows.getFirst().path("IsoCode").asText("");
                    } catch (IntegrationException e) {
                        if (!"INVALID_TYPE".equals(e.errorCode())) {
                            throw e;
                        }
                        corporateCurrency = "";
                    }
                }
                code = corporateCurrency;
            }
        }
        return code.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(code);
    }

    /** The SOQL condition that keeps a product's standard entries to the corporate currency ("" when single). */
    private String inCorporateCurrency() {
        return corporateCurrency().map(c -> " AND CurrencyIsoCode = " + soqlString(c)).orElse("");
    }

    public int cachedEntries() {
        return entryIdByProductKey.size();
    }

    /** Resolves every product; products that cannot be resolved carry the Salesforce error. */
    public synchronized Map<String, Resolution> resolve(Collection<ProductRef> products) {
        Map<String, ProductRef> wanted = new LinkedHashMap<>();
        products.forEach(p -> wanted.putIfAbsent(p.key(), p));
        Map<String, Resolution> result = new HashMap<>();
        List<ProductRef> missing = new ArrayList<>();
        wanted.values().forEach(p -> {
            String cached = entryIdByProductKey.get(p.key());
            if (cached != null) {
                result.put(p.key(), new Resolution.Found(cached));
            } else {
                missing.add(p);
            }
        });
        if (missing.isEmpty()) {
            return result;
        }
        String pricebookId = standardPricebookId();

        Map<String, String> productIdByKey = new HashMap<>();
        for (List<ProductRef> chunk : chunks(missing)) {
            String keys = chunk.stream().map(p -> soqlString(p.key())).collect(Collectors.joining(", "));
            for (ObjectNode row : salesforce.query("SELECT Id, Clarity_Product_Key__c FROM Product2 WHERE Clarity_Product_Key__c IN (" + keys + ")")) {
                productIdByKey.put(row.path("Clarity_Product_Key__c").asText(), row.path("Id").asText());
            }
        }
        Map<String, String> keyByProductId = new HashMap<>();
        productIdByKey.forEach((k, v) -> keyByProductId.put(v, k));
        List<String> productIds = new ArrayList<>(productIdByKey.values());
        for (int i = 0; i < productIds.size(); i += IN_CLAUSE_CHUNK) {
            String ids = productIds.subList(i, Math.min(productIds.size(), i + IN_CLAUSE_CHUNK)).stream()
                    .map(PricebookEntryResolver::soqlString).collect(Collectors.joining(", "));
            for (ObjectNode row : salesforce.query("SELECT Id, Product2Id FROM PricebookEntry WHERE Pricebook2Id = "
                    + soqlString(pricebookId) + " AND Product2Id IN (" + ids + ")" + inCorporateCurrency())) {
                String key = keyByProductId.get(row.path("Product2Id").asText());
                if (key != null) {
                    entryIdByProductKey.put(key, row.path("Id").asText());
                }
            }
        }

        List<Graph> graphs = new ArrayList<>();
        Map<String, ProductRef> productByGraph = new HashMap<>();
        for (ProductRef p : missing) {
            if (entryIdByProductKey.containsKey(p.key())) {
                continue;
            }
            // Graph ids must be unique within a request, and the batching writer may share one with other callers.
            String graphId = "product" + graphSequence.incrementAndGet();
            List<GraphNode> nodes = new ArrayList<>();
            String productRef;
            if (productIdByKey.containsKey(p.key())) {
                productRef = productIdByKey.get(p.key());
            } else {
                ObjectNode product = JsonNodeFactory.instance.objectNode();
                product.put("Name", p.name());
                if (!p.sku().isBlank()) {
                    product.put("ProductCode", p.sku());
                }
                product.put("IsActive", true);
                nodes.add(new GraphNode("PATCH", "sobjects/Product2/Clarity_Product_Key__c/" + PathSegments.encode(p.key()),
                        "product", product));
                productRef = "@{product.id}";
            }
            ObjectNode entry = JsonNodeFactory.instance.objectNode();
            entry.put("Pricebook2Id", pricebookId);
            entry.put("Product2Id", productRef);
            entry.put("UnitPrice", p.listPrice());
            entry.put("IsActive", true);
            corporateCurrency().ifPresent(c -> entry.put("CurrencyIsoCode", c));
            nodes.add(new GraphNode("POST", "sobjects/PricebookEntry", "entry", entry));
            graphs.add(new Graph(graphId, nodes));
            productByGraph.put(graphId, p);
        }
        List<CompletableFuture<GraphResult>> pending = graphs.stream().map(writer::graph).toList();
        writer.flush();
        for (CompletableFuture<GraphResult> future : pending) {
            GraphResult graph;
            try {
                graph = future.join();
            } catch (CompletionException e) {
                // The request failed as a whole (outage, timeout): the caller retries the batch.
                if (e.getCause() instanceof IntegrationException ie) {
                    throw ie;
                }
                throw e;
            }
            ProductRef p = productByGraph.get(graph.graphId());
            if (graph.successful()) {
                graph.node("entry").ifPresent(n -> entryIdByProductKey.put(p.key(), n.id()));
            } else {
                result.put(p.key(), new Resolution.Failed(graph.cause().orElse(
                        new ApiError("UNKNOWN_ERROR", "the graph failed without an error", List.of(), true))));
            }
        }
        for (ProductRef p : missing) {
            String id = entryIdByProductKey.get(p.key());
            if (id != null) {
                result.put(p.key(), new Resolution.Found(id));
            }
        }
        return result;
    }

    /**
     * The standard-price-book entries that already exist for these products (by Clarity product key), without
     * creating anything: for a writer that upserts entries by its own key and must update an entry made before it
     * (by the order flows' {@link #resolve}, or by hand), since a second standard entry of a product is refused with
     * {@code DUPLICATE_VALUE} (salesforce-api.md §3.3). Found entries are cached like resolved ones (entries never
     * change id and cannot be deleted); at most two queries per 100 unseen products.
     */
    public Map<String, String> existingStandardEntries(Collection<String> productKeys) {
        Map<String, String> found = new HashMap<>();
        List<String> unseen = new ArrayList<>();
        for (String key : new java.util.LinkedHashSet<>(productKeys)) {
            String cached = entryIdByProductKey.get(key);
            if (cached != null) {
                found.put(key, cached);
            } else {
                unseen.add(key);
            }
        }
        if (unseen.isEmpty()) {
            return found;
        }
        String pricebookId = standardPricebookId();
        for (int i = 0; i < unseen.size(); i += IN_CLAUSE_CHUNK) {
            String keys = unseen.subList(i, Math.min(unseen.size(), i + IN_CLAUSE_CHUNK)).stream()
                    .map(PricebookEntryResolver::soqlString).collect(Collectors.joining(", "));
            Map<String, String> keyByProductId = new HashMap<>();
            for (ObjectNode row : salesforce.query("SELECT Id, Clarity_Product_Key__c FROM Product2 WHERE Clarity_Product_Key__c IN (" + keys + ")")) {
                keyByProductId.put(row.path("Id").asText(), row.path("Clarity_Product_Key__c").asText());
            }
            if (keyByProductId.isEmpty()) {
                continue;
            }
            String ids = keyByProductId.keySet().stream().map(PricebookEntryResolver::soqlString)
                    .collect(Collectors.joining(", "));
            for (ObjectNode row : salesforce.query("SELECT Id, Product2Id FROM PricebookEntry WHERE Pricebook2Id = "
                    + soqlString(pricebookId) + " AND Product2Id IN (" + ids + ")" + inCorporateCurrency())) {
                String key = keyByProductId.get(row.path("Product2Id").asText());
                if (key != null) {
                    entryIdByProductKey.put(key, row.path("Id").asText());
                    found.put(key, row.path("Id").asText());
                }
            }
        }
        return found;
    }

    private static List<List<ProductRef>> chunks(List<ProductRef> products) {
        List<List<ProductRef>> chunks = new ArrayList<>();
        for (int i = 0; i < products.size(); i += IN_CLAUSE_CHUNK) {
            chunks.add(products.subList(i, Math.min(products.size(), i + IN_CLAUSE_CHUNK)));
        }
        return chunks;
    }

    /** A SOQL string literal: quotes and backslashes escaped (SOQL reserved-character rules). */
    public static String soqlString(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }
}
