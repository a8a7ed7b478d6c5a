package dev.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.mapping.JsonataMapping;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;

/**
 * The order flow's mapping step: {@code flows/clarity-order-to-salesforce.jsonata} applied to a Clarity sales
 * order as CEF returns it from {@code GET /Ordering/SalesOrder/ID/{id}} (PascalCase, nulls omitted, clarity-api.md
 * §6/§8), with 1, 5 or 25 line items. The measured call is exactly what the flow calls, including the conversion
 * of the Jackson tree into JSONata's input and of the result back.
 *
 * <pre>java -jar tandem-bench/target/benchmarks.jar JsonataMappingBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class JsonataMappingBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.time.Duration BOUND = java.time.Duration.ofSeconds(30);

    @Param({"1", "5", "25"})
    public int items;

    private JsonataMapping mapping;
    private JsonNode order;

    @Setup
    public void setUp() {
        mapping = shippedOrderMapping();
        order = order(5001, items);
        JsonNode mapped = mapping.apply(order);
        // the benchmark must measure a mapping that produces the full shape, not an early "undefined"
        java.util.Map<String, JsonNode> byRef = new java.util.HashMap<>();
        mapped.path("records").forEach(r -> byRef.put(r.path("ref").asText(), r));
        long lines = byRef.keySet().stream().filter(ref -> ref.startsWith("item")).count();
        if (lines != items || byRef.get("account") == null || byRef.get("account").path("fields").path("Name").isMissingNode()
                || byRef.get("order") == null
                || byRef.get("order").path("fields").path("EffectiveDate").asText().length() != 10) {
            throw new IllegalStateException("unexpected mapping result: " + mapped);
        }
    }

    /** The order flow's mapping with the flow file's picklist maps, as the flow loader compiles it. */
    static JsonataMapping shippedOrderMapping() {
        try (var yaml = JsonataMappingBenchmark.class.getClassLoader().getResourceAsStream("flows/clarity-order-to-salesforce.yaml");
             var text = JsonataMappingBenchmark.class.getClassLoader().getResourceAsStream("flows/clarity-order-to-salesforce.jsonata")) {
            com.fasterxml.jackson.dataformat.yaml.YAMLMapper reader = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
            java.util.Map<String, java.util.Map<String, String>> picklists = reader.convertValue(
                    reader.readTree(yaml).get("picklists"), new com.fasterxml.jackson.core.type.TypeReference<>() { });
            return JsonataMapping.compile("clarity-order-to-salesforce.jsonata",
                    new String(text.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8),
                    dev.tandem.core.mapping.functions.FunctionLibrary.of(picklists, java.util.Map.of()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Benchmark
    public JsonNode mapOrder() {
        return mapping.apply(order);
    }

    /** The same call as a flow run makes it: each evaluation under its own time bound (runtime.mappingTimeout). */
    @Benchmark
    public JsonNode mapOrderTimeBounded() {
        return JsonataMapping.eachEvaluationWithin(BOUND, () -> mapping.apply(order));
    }

    /** A sales order shaped like the Clarity sandbox's generated ones, totals consistent with its items. */
    static JsonNode order(int id, int itemCount) {
        ObjectNode order = JSON.createObjectNode();
        order.put("ID", id).put("CustomKey", "SO-" + id).put("Active", true)
                .put("CreatedDate", "2026-11-26T09:41:17.2130000").put("UpdatedDate", "2026-11-26T09:41:17.2130000")
                .put("TypeID", 1).put("TypeKey", "Web").put("StatusID", 3).put("StatusKey", "Confirmed")
                .put("StatusName", "Confirmed").put("StateID", 1).put("StateKey", "WORK")
                .put("AccountID", 1017).put("AccountKey", "CUST-0017").put("AccountName", "Müller & Söhne GmbH")
                .put("UserID", 2017).put("UserKey", "USR-0017").put("UserContactEmail", "j.mueller@example.de")
                .put("PurchaseOrderNumber", "PO-2026-11-0481").put("BillingContactID", 3017)
                .put("ShippingContactID", 3018).put("ShippingSameAsBilling", false).put("Hash", -4523312311L);
        ObjectNode billing = order.putObject("BillingContact");
        billing.put("ID", 3017).put("CustomKey", "CON-3017").put("FirstName", "Jürgen").put("LastName", "Müller")
                .put("Email1", "j.mueller@example.de").put("Phone1", "+49 30 1234567");
        billing.putObject("Address").put("ID", 4017).put("Street1", "Friedrichstraße 123").put("Street2", "3. OG")
                .put("City", "Berlin").put("RegionCode", "BE").put("PostalCode", "10117").put("CountryCode", "DEU");
        ObjectNode shipping = order.putObject("ShippingContact");
        shipping.put("ID", 3018).put("CustomKey", "CON-3018").put("FirstName", "Lager").put("LastName", "Ost")
                .put("Phone1", "+49 341 998877");
        shipping.putObject("Address").put("ID", 4018).put("Street1", "Industriestraße 7").put("City", "Leipzig")
                .put("RegionCode", "SN").put("PostalCode", "04109").put("CountryCode", "DEU");
        ArrayNode salesItems = order.putArray("SalesItems");
        BigDecimal subTotal = BigDecimal.ZERO;
        int quantityTotal = 0;
        for (int i = 1; i <= itemCount; i++) {
            BigDecimal price = new BigDecimal(12 + i * 7).add(new BigDecimal("0.95"));
            int quantity = 1 + i % 4;
            subTotal = subTotal.add(price.multiply(BigDecimal.valueOf(quantity)));
            quantityTotal += quantity;
            salesItems.addObject().put("ID", 70_000 + i).put("CustomKey", "SOI-" + id + "-" + i)
                    .put("MasterID", id).put("Active", true).put("Name", "Industrial widget, size " + i)
                    .put("Sku", "WID-" + (100 + i)).put("ProductID", 300 + i).put("ProductKey", "PROD-" + (300 + i))
                    .put("ProductName", "Industrial widget " + i).put("Quantity", quantity)
                    .put("UnitCorePrice", price).put("UnitSoldPrice", price).put("UnitOfMeasure", "EA")
                    .put("TotalPrice", price.multiply(BigDecimal.valueOf(quantity)));
        }
        BigDecimal shippingCost = new BigDecimal("9.90");
        BigDecimal tax = subTotal.add(shippingCost).multiply(new BigDecimal("0.19")).setScale(2,
                java.math.RoundingMode.HALF_UP);
        order.putObject("Totals").put("SubTotal", subTotal).put("Shipping", shippingCost).put("Handling", 0)
                .put("Fees", 0).put("Discounts", 0).put("Tax", tax).put("Total", subTotal.add(shippingCost).add(tax));
        order.put("ItemQuantity", quantityTotal).put("BalanceDue", 0);
        return order;
    }
}
