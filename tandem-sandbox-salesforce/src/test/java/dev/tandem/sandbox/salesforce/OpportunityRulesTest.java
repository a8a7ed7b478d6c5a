package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * Opportunity and OpportunityLineItem over HTTP (spec §3.4): required fields, the StageName picklist, the price-book
 * rules of opportunity products, UnitPrice or TotalPrice, the Amount roll-up and upsert by the Clarity keys.
 */
class OpportunityRulesTest extends SandboxTestSupport {

    private static JsonNode error(SandboxClient.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        return response.json().get(0);
    }

    private static List<String> fields(JsonNode error) {
        return StreamSupport.stream(error.get("fields").spliterator(), false).map(JsonNode::asText).toList();
    }

    private static JsonNode field(JsonNode describe, String name) {
        return StreamSupport.stream(describe.get("fields").spliterator(), false)
                .filter(f -> f.get("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no field " + name));
    }

    private String opportunity(String name) {
        return client.create("Opportunity", Map.of("Name", name, "StageName", "Prospecting",
                "CloseDate", "2024-06-01"));
    }

    private Map<String, Object> line(String opportunity, String entry, Object quantity, String priceField,
            Object price) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("OpportunityId", opportunity);
        body.put("PricebookEntryId", entry);
        body.put("Quantity", quantity);
        body.put(priceField, price);
        return body;
    }

    @Test
    void describeShowsTheRequiredFieldsThePicklistAndTheClarityKeys() {
        JsonNode opportunity = client.get(sobject("Opportunity") + "/describe").json();
        for (String required : List.of("Name", "StageName", "CloseDate")) {
            JsonNode f = field(opportunity, required);
            assertThat(f.get("nillable").asBoolean()).as(required).isFalse();
            assertThat(f.get("createable").asBoolean()).as(required).isTrue();
            assertThat(f.get("defaultedOnCreate").asBoolean()).as(required).isFalse();
        }
        assertThat(field(opportunity, "CloseDate").get("type").asText()).isEqualTo("date");
        assertThat(field(opportunity, "StageName").get("restrictedPicklist").asBoolean()).isTrue();
        assertThat(field(opportunity, "Pricebook2Id").get("referenceTo").get(0).asText()).isEqualTo("Pricebook2");
        assertThat(field(opportunity, "Amount").get("type").asText()).isEqualTo("currency");
        JsonNode orderKey = field(opportunity, "Clarity_Order_Key__c");
        assertThat(orderKey.get("externalId").asBoolean()).isTrue();
        assertThat(orderKey.get("unique").asBoolean()).isTrue();
        assertThat(orderKey.get("custom").asBoolean()).isTrue();
        assertThat(orderKey.get("length").asInt()).isEqualTo(128);
        assertThat(opportunity.get("childRelationships")).extracting(r -> r.get("relationshipName").asText())
                .contains("OpportunityLineItems");

        JsonNode line = client.get(sobject("OpportunityLineItem") + "/describe").json();
        assertThat(line.get("keyPrefix").asText()).isEqualTo("00k");
        for (String required : List.of("OpportunityId", "PricebookEntryId", "Quantity")) {
            assertThat(field(line, required).get("nillable").asBoolean()).as(required).isFalse();
        }
        // One of the two is given, so neither is required on its own.
        assertThat(field(line, "UnitPrice").get("nillable").asBoolean()).isTrue();
        assertThat(field(line, "TotalPrice").get("nillable").asBoolean()).isTrue();
        assertThat(field(line, "OpportunityId").get("updateable").asBoolean()).isFalse();
        assertThat(field(line, "Clarity_Line_Key__c").get("externalId").asBoolean()).isTrue();
        assertThat(field(line, "Clarity_Line_Key__c").get("unique").asBoolean()).isTrue();
    }

    @Test
    void opportunityWithoutNameStageAndCloseDateIsRefusedInOneError() {
        JsonNode error = error(client.post(sobject("Opportunity"), Map.of("Description", "no required fields")));

        assertThat(error.get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(error.get("message").asText()).isEqualTo("Required fields are missing: [Name, StageName, CloseDate]");
        assertThat(fields(error)).containsExactly("Name", "StageName", "CloseDate");
        assertThat(sandbox.records("Opportunity")).isEmpty();
    }

    @Test
    void unknownStageIsABadRestrictedPicklistValue() {
        JsonNode error = error(client.post(sobject("Opportunity"), Map.of("Name", "Deal", "StageName", "Won-ish",
                "CloseDate", "2024-06-01")));

        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
        assertThat(error.get("message").asText()).isEqualTo("Stage: bad value for restricted picklist field: Won-ish");
        assertThat(fields(error)).containsExactly("StageName");
    }

    @Test
    void closedStagesSetIsClosedAndIsWon() {
        String deal = opportunity("Deal");

        assertThat(client.patch(sobject("Opportunity") + "/" + deal, Map.of("StageName", "Closed Lost")).status())
                .isEqualTo(204);

        assertThat(sandbox.record("Opportunity", deal).orElseThrow()).containsEntry("IsClosed", true)
                .containsEntry("IsWon", false);
    }

    @Test
    void lineWithoutOpportunityEntryAndQuantityIsRefusedInOneError() {
        JsonNode error = error(client.post(sobject("OpportunityLineItem"), Map.of("UnitPrice", 10)));

        assertThat(error.get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(fields(error)).containsExactly("OpportunityId", "PricebookEntryId", "Quantity");
    }

    @Test
    void lineNeedsUnitPriceOrTotalPriceButNotBoth() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);
        String deal = opportunity("Deal");
        Map<String, Object> both = line(deal, product[1], 2, "UnitPrice", 10);
        both.put("TotalPrice", 20);

        JsonNode twice = error(client.post(sobject("OpportunityLineItem"), both));
        JsonNode neither = error(client.post(sobject("OpportunityLineItem"), Map.of("OpportunityId", deal,
                "PricebookEntryId", product[1], "Quantity", 2)));

        assertThat(twice.get("errorCode").asText()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(fields(twice)).containsExactly("TotalPrice");
        assertThat(neither.get("errorCode").asText()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(sandbox.records("OpportunityLineItem")).isEmpty();
    }

    @Test
    void zeroQuantityIsAFieldIntegrityError() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);

        JsonNode error = error(client.post(sobject("OpportunityLineItem"),
                line(opportunity("Deal"), product[1], 0, "UnitPrice", 10)));

        assertThat(error.get("errorCode").asText()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(fields(error)).containsExactly("Quantity");
    }

    @Test
    void lineEntryMustBelongToTheOpportunitysPriceBookAndBeActive() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);
        String custom = client.create("Pricebook2", Map.of("Name", "Wholesale", "IsActive", true));
        String customEntry = client.create("PricebookEntry", Map.of("Pricebook2Id", custom, "Product2Id",
                product[0], "UnitPrice", 8.0, "IsActive", true));
        String deal = client.create("Opportunity", Map.of("Name", "Deal", "StageName", "Prospecting",
                "CloseDate", "2024-06-01", "Pricebook2Id", sandbox.standardPricebookId()));

        JsonNode wrongBook = error(client.post(sobject("OpportunityLineItem"),
                line(deal, customEntry, 1, "UnitPrice", 8)));
        String[] inactive = client.productWithStandardPrice("P-2", 5.0);
        client.patch(sobject("PricebookEntry") + "/" + inactive[1], Map.of("IsActive", false));
        JsonNode inactiveEntry = error(client.post(sobject("OpportunityLineItem"),
                line(deal, inactive[1], 1, "UnitPrice", 5)));

        assertThat(wrongBook.get("errorCode").asText()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(fields(wrongBook)).containsExactly("PricebookEntryId");
        assertThat(inactiveEntry.get("errorCode").asText()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(fields(inactiveEntry)).containsExactly("PricebookEntryId");
    }

    @Test
    void amountIsTheRollUpOfTheLinesIncludingADiscountLine() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);
        String[] discount = client.productWithStandardPrice("DISCOUNT", 0.0);
        String deal = opportunity("Deal");

        String first = client.create("OpportunityLineItem", line(deal, product[1], 3, "UnitPrice", 10));
        client.create("OpportunityLineItem", line(deal, discount[1], 1, "UnitPrice", -4.5));
        assertThat(sandbox.record("Opportunity", deal).orElseThrow()).containsEntry("Amount", 25.5);

        client.patch(sobject("OpportunityLineItem") + "/" + first, Map.of("Quantity", 1));
        assertThat(sandbox.record("Opportunity", deal).orElseThrow()).containsEntry("Amount", 5.5);

        // A written Amount does not stick while the opportunity has products.
        client.patch(sobject("Opportunity") + "/" + deal, Map.of("Amount", 999));
        assertThat(sandbox.record("Opportunity", deal).orElseThrow()).containsEntry("Amount", 5.5);

        assertThat(client.delete(sobject("OpportunityLineItem") + "/" + first).status()).isEqualTo(204);
        assertThat(sandbox.record("Opportunity", deal).orElseThrow()).containsEntry("Amount", -4.5);
    }

    @Test
    void opportunityAndLinesUpsertByTheirClarityKeys() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);
        Map<String, Object> deal = Map.of("Name", "SO-1", "StageName", "Closed Won", "CloseDate", "2024-06-01",
                "Pricebook2Id", sandbox.standardPricebookId());

        SandboxClient.Response created = client.patch(sobject("Opportunity") + "/Clarity_Order_Key__c/SO-1", deal);
        SandboxClient.Response updated = client.patch(sobject("Opportunity") + "/Clarity_Order_Key__c/SO-1",
                Map.of("Name", "SO-1 (again)", "StageName", "Closed Won", "CloseDate", "2024-06-02"));
        Map<String, Object> lineBody = new LinkedHashMap<>();
        lineBody.put("Opportunity", Map.of("Clarity_Order_Key__c", "SO-1"));
        lineBody.put("PricebookEntryId", product[1]);
        lineBody.put("Quantity", 2);
        lineBody.put("UnitPrice", 10);
        SandboxClient.Response line = client.patch(sobject("OpportunityLineItem") + "/Clarity_Line_Key__c/SO-1-1",
                lineBody);
        lineBody.remove("Opportunity");
        lineBody.put("Quantity", 3);
        SandboxClient.Response lineAgain = client.patch(
                sobject("OpportunityLineItem") + "/Clarity_Line_Key__c/SO-1-1", lineBody);

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("created").asBoolean()).isTrue();
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("created").asBoolean()).isFalse();
        assertThat(updated.json().get("id").asText()).isEqualTo(created.json().get("id").asText());
        assertThat(line.status()).isEqualTo(201);
        assertThat(lineAgain.status()).isEqualTo(200);
        assertThat(sandbox.records("Opportunity")).singleElement().satisfies(o -> assertThat(o)
                .containsEntry("Name", "SO-1 (again)").containsEntry("Amount", 30.0)
                .containsEntry("Clarity_Order_Key__c", "SO-1").containsEntry("IsWon", true));
        assertThat(sandbox.records("OpportunityLineItem")).singleElement().satisfies(l -> assertThat(l)
                .containsEntry("OpportunityId", created.json().get("id").asText())
                .containsEntry("Clarity_Line_Key__c", "SO-1-1").containsEntry("TotalPrice", 30.0));
    }

    @Test
    void secondOpportunityWithTheSameClarityKeyIsADuplicateValue() {
        client.create("Opportunity", Map.of("Name", "A", "StageName", "Prospecting", "CloseDate", "2024-06-01",
                "Clarity_Order_Key__c", "SO-7"));

        JsonNode error = error(client.post(sobject("Opportunity"), Map.of("Name", "B", "StageName", "Prospecting",
                "CloseDate", "2024-06-01", "Clarity_Order_Key__c", "so-7")));

        assertThat(error.get("errorCode").asText()).isEqualTo("DUPLICATE_VALUE");
        assertThat(error.get("message").asText()).startsWith("duplicate value found: Clarity_Order_Key__c duplicates"
                + " value on record with id: 006");
    }
}
