package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Order's Clarity amount fields (issue 7 item 5), the read-only TotalAmount roll-up of Quantity × UnitPrice (spec
 * §3.1) and discount lines with a negative UnitPrice.
 */
class OrderClarityTotalsTest extends SandboxTestSupport {

    static final List<String> AMOUNT_FIELDS = List.of("Clarity_Subtotal__c", "Clarity_Tax__c",
            "Clarity_Shipping__c", "Clarity_Handling__c", "Clarity_Discount__c", "Clarity_Total__c");

    private static JsonNode field(JsonNode describe, String name) {
        return StreamSupport.stream(describe.get("fields").spliterator(), false)
                .filter(f -> f.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no field " + name));
    }

    private String item(String order, String entry, double quantity, double unitPrice) {
        return client.create("OrderItem", Map.of("OrderId", order, "PricebookEntryId", entry, "Quantity", quantity,
                "UnitPrice", unitPrice));
    }

    @Test
    void describeListsTheClarityAmountFieldsAsWritableCustomCurrencies() {
        JsonNode order = client.get(sobject("Order") + "/describe").json();

        for (String name : AMOUNT_FIELDS) {
            JsonNode f = field(order, name);
            assertThat(f.get("type").asText()).as(name).isEqualTo("currency");
            assertThat(f.get("soapType").asText()).as(name).isEqualTo("xsd:double");
            assertThat(f.get("scale").asInt()).as(name).isEqualTo(2);
            assertThat(f.get("custom").asBoolean()).as(name).isTrue();
            assertThat(f.get("createable").asBoolean()).as(name).isTrue();
            assertThat(f.get("updateable").asBoolean()).as(name).isTrue();
            assertThat(f.get("nillable").asBoolean()).as(name).isTrue();
        }
        JsonNode total = field(order, "TotalAmount");
        assertThat(total.get("type").asText()).isEqualTo("currency");
        assertThat(total.get("createable").asBoolean()).isFalse();
        assertThat(total.get("updateable").asBoolean()).isFalse();
    }

    @Test
    void clarityAmountsAreStoredAndReadBackWhileTotalAmountStaysTheRollUp() {
        String[] product = client.productWithStandardPrice("P-1", 100.0);
        Map<String, Object> body = new LinkedHashMap<>(Map.of("AccountId", account("A-1"), "EffectiveDate",
                "2024-05-01", "Status", "Draft", "Pricebook2Id", sandbox.standardPricebookId()));
        body.put("Clarity_Subtotal__c", 2178.16);
        body.put("Clarity_Tax__c", 217.82);
        body.put("Clarity_Shipping__c", 0);
        body.put("Clarity_Handling__c", 0);
        body.put("Clarity_Discount__c", 0);
        body.put("Clarity_Total__c", 2395.98);
        String order = client.create("Order", body);
        item(order, product[1], 2, 1089.08);

        JsonNode read = client.get(sobject("Order") + "/" + order).json();

        assertThat(read.get("Clarity_Subtotal__c").asDouble()).isEqualTo(2178.16);
        assertThat(read.get("Clarity_Tax__c").asDouble()).isEqualTo(217.82);
        assertThat(read.get("Clarity_Total__c").asDouble()).isEqualTo(2395.98);
        // TotalAmount is the order products only: the tax lives in Clarity_Tax__c.
        assertThat(read.get("TotalAmount").asDouble()).isEqualTo(2178.16);
        assertThat(client.patch(sobject("Order") + "/" + order, Map.of("Clarity_Tax__c", 0.5)).status())
                .isEqualTo(204);
        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("Clarity_Tax__c", 0.5);
    }

    @Test
    void totalAmountCannotBeWritten() {
        String order = client.draftOrder(account("A-1"));

        SandboxClient.Response response = client.patch(sobject("Order") + "/" + order, Map.of("TotalAmount", 5));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(response.json().get(0).get("fields").get(0).asText()).isEqualTo("TotalAmount");
    }

    @Test
    void negativeUnitPriceDiscountLineIsAcceptedAndLowersTotalAmount() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String[] discount = client.productWithStandardPrice("DISCOUNT", 0.0);
        String order = client.draftOrder(account("A-1"));

        item(order, product[1], 3, 12.0);
        String discountLine = item(order, discount[1], 1, -6.5);

        assertThat(sandbox.record("OrderItem", discountLine).orElseThrow()).containsEntry("UnitPrice", -6.5)
                .containsEntry("TotalPrice", -6.5);
        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("TotalAmount", 29.5);
        client.patch(sobject("OrderItem") + "/" + discountLine, Map.of("Quantity", 2));
        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("TotalAmount", 23.0);
    }
}
