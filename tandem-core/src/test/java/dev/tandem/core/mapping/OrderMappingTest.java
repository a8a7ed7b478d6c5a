package dev.tandem.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.order.OrderToSalesforceFlow;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonataMapping mapping = JsonataMapping.fromClasspath(OrderToSalesforceFlow.MAPPING);

    private static ObjectNode order() throws IOException {
        try (InputStream in = OrderMappingTest.class.getResourceAsStream("/orders/order-5001.json")) {
            return (ObjectNode) JSON.readTree(in);
        }
    }

    @Test
    void mapsTheDocumentedClarityOrderToAccountContactOrderAndItems() throws IOException {
        JsonNode out = mapping.apply(order());

        assertThat(out.at("/account/key").asText()).isEqualTo("CUST-0001");
        assertThat(out.at("/account/fields/Name").asText()).isEqualTo("Acme Corp");
        assertThat(out.at("/account/fields/BillingCity").asText()).isEqualTo("Austin");
        assertThat(out.at("/contact/key").asText()).isEqualTo("CON-9001");
        assertThat(out.at("/contact/fields/LastName").asText()).isEqualTo("Doe");
        assertThat(out.at("/contact/fields/Email").asText()).isEqualTo("jane@acme.test");
        assertThat(out.at("/order/key").asText()).isEqualTo("SO-5001");
        assertThat(out.at("/order/fields/EffectiveDate").asText()).isEqualTo("2024-05-03");
        assertThat(out.at("/order/fields/Status").asText()).isEqualTo("Draft");
        assertThat(out.at("/order/fields/PoNumber").asText()).isEqualTo("PO-77");
        assertThat(out.path("items").isArray()).isTrue();
        assertThat(out.path("items")).hasSize(1);
        assertThat(out.at("/items/0/key").asText()).isEqualTo("SO-5001-7001");
        assertThat(out.at("/items/0/productKey").asText()).isEqualTo("WID-1");
        assertThat(out.at("/items/0/fields/Quantity").asDouble()).isEqualTo(2.0);
        assertThat(out.at("/items/0/fields/UnitPrice").asDouble()).isEqualTo(100.0);
    }

    @Test
    void leavesOutFieldsWhoseSourceValueIsAbsent() throws IOException {
        ObjectNode order = order();
        ((ObjectNode) order.get("BillingContact")).remove("LastName");
        order.remove("PurchaseOrderNumber");

        JsonNode out = mapping.apply(order);

        assertThat(out.at("/contact/fields").has("LastName")).isFalse();
        assertThat(out.at("/order/fields").has("PoNumber")).isFalse();
        assertThat(out.at("/contact/fields/FirstName").asText()).isEqualTo("Jane");
    }

    @Test
    void fallsBackToGeneratedKeysWhenClaritySendsNone() throws IOException {
        ObjectNode order = order();
        order.remove("AccountKey");
        order.remove("CustomKey");
        ((ObjectNode) order.get("BillingContact")).remove("CustomKey");

        JsonNode out = mapping.apply(order);

        assertThat(out.at("/account/key").asText()).isEqualTo("CEF-ACCOUNT-1001");
        assertThat(out.at("/contact/key").asText()).isEqualTo("CEF-CONTACT-9001");
        assertThat(out.at("/order/key").asText()).isEqualTo("SO-5001");
    }

    @Test
    void anOrderWithoutItemsMapsToAnEmptyItemList() throws IOException {
        ObjectNode order = order();
        order.remove("SalesItems");

        assertThat(mapping.apply(order).path("items")).isEmpty();
    }

    @Test
    void aMappingThatDoesNotCompileIsReportedWithItsName() {
        assertThatThrownBy(() -> JsonataMapping.compile("broken.jsonata", "{ \"a\": ( }"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("broken.jsonata");
    }
}
