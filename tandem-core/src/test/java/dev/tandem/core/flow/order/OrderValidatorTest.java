package dev.tandem.core.flow.order;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.order.OrderToSalesforceFlow;
import dev.tandem.core.mapping.JsonataMapping;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

class OrderValidatorTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OrderValidator validator = new OrderValidator();
    private ObjectNode order;

    @BeforeEach
    void loadOrder() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/orders/order-5001.json")) {
            order = (ObjectNode) JSON.readTree(in);
        }
    }

    private ObjectNode totals() {
        return (ObjectNode) order.get("Totals");
    }

    @Test
    void aWellFormedOrderPasses() {
        assertThat(validator.checkSource("SO-5001", order)).isEmpty();
        assertThat(validator.checkMapped("SO-5001",
                JsonataMapping.fromClasspath(OrderToSalesforceFlow.MAPPING).apply(order))).isEmpty();
    }

    @Test
    void aNegativeTotalIsABusinessRuleViolation() {
        totals().put("Total", -12.5);
        assertThat(validator.checkSource("SO-5001", order)).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo("BUSINESS_RULE_VIOLATION");
            assertThat(v.message()).contains("SO-5001", "negative total", "-12.5");
        });
    }

    @Test
    void aNonNumericTotalIsABusinessRuleViolation() {
        totals().put("Total", "12,50");
        assertThat(validator.checkSource("SO-5001", order)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("non-numeric total"));
    }

    @Test
    void aMissingTotalIsABusinessRuleViolation() {
        totals().remove("Total");
        assertThat(validator.checkSource("SO-5001", order)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("has no total"));
    }

    @Test
    void anOrderWithoutItemsIsABusinessRuleViolation() {
        order.set("SalesItems", JSON.createArrayNode());
        assertThat(validator.checkSource("SO-5001", order)).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("has no items"));
        order.remove("SalesItems");
        assertThat(validator.checkSource("SO-5001", order)).hasSize(1);
    }

    @Test
    void aLineWithZeroQuantityOrNoProductIsReported() {
        ObjectNode item = (ObjectNode) ((ArrayNode) order.get("SalesItems")).get(0);
        item.put("Quantity", 0);
        item.remove("ProductKey");
        item.remove("Sku");
        assertThat(validator.checkSource("SO-5001", order)).extracting(Violation::message)
                .anySatisfy(m -> assertThat(m).contains("names no product"))
                .anySatisfy(m -> assertThat(m).contains("quantity 0"));
    }

    @Test
    void aCustomerWithoutLastNameCannotBecomeAContact() {
        ((ObjectNode) order.get("BillingContact")).remove("LastName");
        var mapped = JsonataMapping.fromClasspath(OrderToSalesforceFlow.MAPPING).apply(order);
        assertThat(validator.checkMapped("SO-5001", mapped)).singleElement().satisfies(v -> {
            assertThat(v.code()).isEqualTo("REQUIRED_FIELD_MISSING");
            assertThat(v.message()).startsWith("Required fields are missing: [LastName]").contains("SO-5001", "CON-9001");
        });
    }
}
