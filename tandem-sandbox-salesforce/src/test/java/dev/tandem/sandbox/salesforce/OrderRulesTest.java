package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderRulesTest extends SandboxTestSupport {

    private static String errorCode(SandboxClient.Response response) {
        return response.json().get(0).get("errorCode").asText();
    }

    private String item(String orderId, String entryId, double quantity, double unitPrice) {
        return client.create("OrderItem", Map.of("OrderId", orderId, "PricebookEntryId", entryId,
                "Quantity", quantity, "UnitPrice", unitPrice));
    }

    @Test
    void orderGetsAnOrderNumberAndDraftStatusCode() {
        String order = client.draftOrder(account("A-1"));

        Map<String, Object> record = sandbox.record("Order", order).orElseThrow();

        assertThat(record.get("OrderNumber").toString()).matches("\\d{8}");
        assertThat(record).containsEntry("StatusCode", "Draft").containsEntry("TotalAmount", 0.0)
                .containsEntry("EffectiveDate", "2024-05-01");
    }

    @Test
    void orderCannotBeCreatedActivated() {
        SandboxClient.Response response = client.post(sobject("Order"), Map.of("AccountId", account("A-1"),
                "EffectiveDate", "2024-05-01", "Status", "Activated"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
    }

    @Test
    void unknownStatusIsABadRestrictedPicklistValue() {
        SandboxClient.Response response = client.post(sobject("Order"), Map.of("AccountId", account("A-1"),
                "EffectiveDate", "2024-05-01", "Status", "Shipped"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).isEqualTo("[{\"message\":\"Status: bad value for restricted picklist field:"
                + " Shipped\",\"errorCode\":\"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST\",\"fields\":[\"Status\"]}]");
    }

    @Test
    void totalAmountRollsUpItemTotalPrices() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String order = client.draftOrder(account("A-1"));

        String first = item(order, product[1], 2, 10.0);
        item(order, product[1], 1, 5.25);

        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("TotalAmount", 25.25);
        Map<String, Object> line = sandbox.record("OrderItem", first).orElseThrow();
        assertThat(line).containsEntry("TotalPrice", 20.0).containsEntry("ListPrice", 12.0)
                .containsEntry("Product2Id", product[0]);
        client.patch(sobject("OrderItem") + "/" + first, Map.of("Quantity", 3));
        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("TotalAmount", 35.25);
        client.delete(sobject("OrderItem") + "/" + first);
        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("TotalAmount", 5.25);
    }

    @Test
    void itemMustUseAnEntryOfTheOrdersPriceBook() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String custom = client.create("Pricebook2", Map.of("Name", "B2B", "IsActive", true));
        String customEntry = client.create("PricebookEntry", Map.of("Pricebook2Id", custom, "Product2Id", product[0],
                "UnitPrice", 11.0, "IsActive", true));
        String order = client.draftOrder(account("A-1"));

        SandboxClient.Response response = client.post(sobject("OrderItem"), Map.of("OrderId", order,
                "PricebookEntryId", customEntry, "Quantity", 1, "UnitPrice", 11.0));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).isEqualTo("[{\"message\":\"Order Products must have a Price Book Entry that"
                + " belongs to the Price Book related to the parent Order.: Price Book Entry ID\",\"errorCode\":"
                + "\"FIELD_INTEGRITY_EXCEPTION\",\"fields\":[\"PricebookEntryId\"]}]");
    }

    @Test
    void itemOnAnOrderWithoutPriceBookIsRejected() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String order = client.create("Order", Map.of("AccountId", account("A-1"), "EffectiveDate", "2024-05-01",
                "Status", "Draft"));

        SandboxClient.Response response = client.post(sobject("OrderItem"), Map.of("OrderId", order,
                "PricebookEntryId", product[1], "Quantity", 1, "UnitPrice", 1.0));

        assertThat(response.status()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
    }

    @Test
    void quantityMustBePositive() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String order = client.draftOrder(account("A-1"));

        SandboxClient.Response response = client.post(sobject("OrderItem"), Map.of("OrderId", order,
                "PricebookEntryId", product[1], "Quantity", 0, "UnitPrice", 1.0));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("fields").get(0).asText()).isEqualTo("Quantity");
    }

    @Test
    void activatedOrderOnlyAcceptsStatusChangesAndCannotBeDeleted() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String order = client.draftOrder(account("A-1"));
        String line = item(order, product[1], 1, 12.0);

        SandboxClient.Response activate = client.patch(sobject("Order") + "/" + order, Map.of("Status", "Activated"));
        SandboxClient.Response edit = client.patch(sobject("Order") + "/" + order, Map.of("PoNumber", "PO-9"));
        SandboxClient.Response resend = client.patch(sobject("Order") + "/" + order,
                Map.of("EffectiveDate", "2024-05-01", "Status", "Activated"));
        SandboxClient.Response addItem = client.post(sobject("OrderItem"), Map.of("OrderId", order,
                "PricebookEntryId", product[1], "Quantity", 1, "UnitPrice", 12.0));
        SandboxClient.Response editItem = client.patch(sobject("OrderItem") + "/" + line, Map.of("Quantity", 2));
        SandboxClient.Response delete = client.delete(sobject("Order") + "/" + order);

        assertThat(activate.status()).isEqualTo(204);
        assertThat(sandbox.record("Order", order).orElseThrow()).containsEntry("StatusCode", "Activated");
        assertThat(edit.status()).isEqualTo(400);
        assertThat(errorCode(edit)).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(edit.json().get(0).get("fields").get(0).asText()).isEqualTo("PoNumber");
        assertThat(resend.status()).isEqualTo(204);
        assertThat(addItem.status()).isEqualTo(400);
        assertThat(editItem.status()).isEqualTo(400);
        assertThat(delete.status()).isEqualTo(400);
        assertThat(sandbox.records("Order")).hasSize(1);
    }

    @Test
    void orderWithoutItemsCannotBeActivated() {
        String order = client.draftOrder(account("A-1"));

        SandboxClient.Response response = client.patch(sobject("Order") + "/" + order, Map.of("Status", "Activated"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
    }

    @Test
    void deletingADraftOrderDeletesItsItems() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String order = client.draftOrder(account("A-1"));
        item(order, product[1], 1, 12.0);

        assertThat(client.delete(sobject("Order") + "/" + order).status()).isEqualTo(204);

        assertThat(sandbox.records("OrderItem")).isEmpty();
    }

    @Test
    void createOnlyFieldsMayBeResentUnchangedOnUpsertButNotChanged() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);
        String[] other = client.productWithStandardPrice("P-2", 3.0);
        String order = client.draftOrder(account("A-1"));
        String path = sobject("OrderItem") + "/Clarity_Order_Item_Key__c/I-1";
        Map<String, Object> body = Map.of("OrderId", order, "PricebookEntryId", product[1], "Quantity", 1,
                "UnitPrice", 12.0);

        assertThat(client.patch(path, body).status()).isEqualTo(201);
        SandboxClient.Response unchanged = client.patch(path, Map.of("OrderId", order, "PricebookEntryId", product[1],
                "Quantity", 4, "UnitPrice", 12.0));
        SandboxClient.Response changed = client.patch(path, Map.of("OrderId", order, "PricebookEntryId", other[1],
                "Quantity", 4, "UnitPrice", 12.0));

        assertThat(unchanged.status()).isEqualTo(200);
        assertThat(changed.status()).isEqualTo(400);
        JsonNode error = changed.json().get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(error.get("message").asText()).isEqualTo("Unable to create/update fields: PricebookEntryId. Please"
                + " check the security settings of this field and verify that it is read/write for your profile or"
                + " permission set.");
    }

    @Test
    void sameProductTwiceInAPriceBookIsADuplicate() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);

        SandboxClient.Response response = client.post(sobject("PricebookEntry"), Map.of("Pricebook2Id",
                sandbox.standardPricebookId(), "Product2Id", product[0], "UnitPrice", 13.0));

        assertThat(response.status()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("DUPLICATE_VALUE");
    }

    @Test
    void customPriceNeedsAStandardPriceFirst() {
        String product = client.create("Product2", Map.of("Name", "Widget"));
        String custom = client.create("Pricebook2", Map.of("Name", "B2B", "IsActive", true));

        SandboxClient.Response response = client.post(sobject("PricebookEntry"), Map.of("Pricebook2Id", custom,
                "Product2Id", product, "UnitPrice", 13.0));

        assertThat(response.status()).isEqualTo(400);
        assertThat(errorCode(response)).isEqualTo("STANDARD_PRICE_NOT_DEFINED");
    }

    @Test
    void priceBookEntryDerivesNameAndCannotBeDeleted() {
        String[] product = client.productWithStandardPrice("P-1", 12.0);

        SandboxClient.Response delete = client.delete(sobject("PricebookEntry") + "/" + product[1]);

        assertThat(sandbox.record("PricebookEntry", product[1]).orElseThrow()).containsEntry("Name", "Product P-1");
        assertThat(delete.status()).isEqualTo(400);
        assertThat(errorCode(delete)).isEqualTo("INSUFFICIENT_ACCESS_OR_READONLY");
        assertThat(client.patch(sobject("PricebookEntry") + "/" + product[1], Map.of("Product2Id", product[0]))
                .status()).isEqualTo(204);
    }

    @Test
    void resetClearsDataAndSeedsANewStandardPriceBook() {
        account("A-1");
        String before = sandbox.standardPricebookId();

        sandbox.reset();

        assertThat(sandbox.records("Account")).isEmpty();
        assertThat(sandbox.records("Pricebook2")).singleElement().satisfies(book -> {
            assertThat(book).containsEntry("IsStandard", true).containsEntry("IsActive", true)
                    .containsEntry("Name", "Standard Price Book");
        });
        assertThat(sandbox.standardPricebookId()).isNotEqualTo(before);
    }
}
