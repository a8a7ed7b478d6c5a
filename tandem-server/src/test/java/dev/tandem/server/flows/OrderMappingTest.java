package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.model.TransformStep;
import dev.tandem.core.mapping.JsonataMapping;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped order flow's mapping: the Clarity order of clarity-api.md §8 → the write plan. */
class OrderMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final FlowSpec flow = new FlowRepository(FlowRepository.shippedCatalog(), null, Map.of()).load().flows()
            .get("clarity-order-to-salesforce");
    private final JsonataMapping mapping = flow.mapping(flow.definition().steps().stream()
            .filter(s -> s instanceof TransformStep).map(s -> ((TransformStep) s).mapping()).findFirst().orElseThrow());

    private static ObjectNode order() throws IOException {
        try (InputStream in = OrderMappingTest.class.getResourceAsStream("/orders/order-5001.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    private static JsonNode record(JsonNode plan, String ref) {
        for (JsonNode r : plan.path("records")) {
            if (r.path("ref").asText().equals(ref)) {
                return r;
            }
        }
        return JSON.missingNode();
    }

    @Test
    void mapsTheDocumentedClarityOrderToAccountContactOrderItemsAndCharges() throws IOException {
        JsonNode plan = mapping.apply(order());

        assertThat(plan.path("root").asText()).isEqualTo("order");
        assertThat(record(plan, "account").path("key").asText()).isEqualTo("CUST-0001");
        assertThat(record(plan, "account").at("/fields/Name").asText()).isEqualTo("Acme Corp");
        assertThat(record(plan, "contact").path("key").asText()).isEqualTo("CON-9001");
        assertThat(record(plan, "contact").at("/fields/AccountId").asText()).isEqualTo("@{account.id}");
        assertThat(record(plan, "contact").at("/fields/LastName").asText()).isEqualTo("Doe");
        JsonNode order = record(plan, "order");
        assertThat(order.path("entity").asText()).isEqualTo("Order");
        assertThat(order.path("keyField").asText()).isEqualTo("Clarity_Order_Key__c");
        assertThat(order.path("key").asText()).isEqualTo("SO-5001");
        assertThat(order.at("/fields/EffectiveDate").asText()).isEqualTo("2024-05-03");
        assertThat(order.at("/fields/Pricebook2Id/enrich").asText()).isEqualTo("standardPricebook");
        JsonNode item = record(plan, "item7001");
        assertThat(item.path("key").asText()).isEqualTo("SO-5001-7001");
        assertThat(item.at("/fields/PricebookEntryId/productKey").asText()).isEqualTo("WID-1");
        assertThat(item.at("/fields/OrderId").asText()).isEqualTo("@{order.id}");
        assertThat(item.at("/fields/Quantity").asDouble()).isEqualTo(2.0);
    }

    @Test
    void taxShippingAndDiscountsBecomeLinesSoTheOrderTotalEqualsClaritysTotal() throws IOException {
        ObjectNode source = order();
        ((ObjectNode) source.get("Totals")).put("Discounts", 5.25);
        ((ObjectNode) source.get("Totals")).put("Total", 221.25);
        JsonNode plan = mapping.apply(source);

        BigDecimal sum = BigDecimal.ZERO;
        for (JsonNode r : plan.path("records")) {
            if (r.path("entity").asText().equals("OrderItem")) {
                sum = sum.add(r.at("/fields/UnitPrice").decimalValue().multiply(r.at("/fields/Quantity").decimalValue()));
            }
        }
        assertThat(sum).isEqualByComparingTo("221.25");
        assertThat(record(plan, "charge1").path("key").asText()).isEqualTo("SO-5001-TAX");
        assertThat(record(plan, "charge5").at("/fields/UnitPrice").decimalValue()).isEqualByComparingTo("-5.25");
        assertThat(record(plan, "charge3").isMissingNode()).as("no line for a zero handling charge").isTrue();
    }

    @Test
    void leavesOutFieldsWhoseSourceValueIsAbsent() throws IOException {
        ObjectNode order = order();
        ((ObjectNode) order.get("BillingContact")).remove("LastName");
        order.remove("PurchaseOrderNumber");

        JsonNode plan = mapping.apply(order);

        assertThat(record(plan, "contact").path("fields").has("LastName")).isFalse();
        assertThat(record(plan, "order").path("fields").has("PoNumber")).isFalse();
    }

    @Test
    void fallsBackToGeneratedKeysWhenClaritySendsNone() throws IOException {
        ObjectNode order = order();
        order.remove("AccountKey");
        order.remove("CustomKey");
        ((ObjectNode) order.get("BillingContact")).remove("CustomKey");

        JsonNode plan = mapping.apply(order);

        assertThat(record(plan, "account").path("key").asText()).isEqualTo("CEF-ACCOUNT-1001");
        assertThat(record(plan, "contact").path("key").asText()).isEqualTo("CEF-CONTACT-9001");
        assertThat(record(plan, "order").path("key").asText()).isEqualTo("SO-5001");
    }
}
