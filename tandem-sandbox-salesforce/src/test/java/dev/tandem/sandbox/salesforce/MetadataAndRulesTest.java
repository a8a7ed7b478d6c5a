package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** Describe, restricted picklists, duplicate rules, Opportunity products, sObject Tree and Platform Events (spec §2, §3, §4.7). */
class MetadataAndRulesTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.contactDuplicateRuleByEmail(true);
    }

    @Test
    void everyObjectTheIntegrationTouchesIsDescribedWithRealisticFieldProperties() {
        for (String type : List.of("Account", "Contact", "Order", "OrderItem", "Product2", "Pricebook2",
                "PricebookEntry", "Opportunity", "OpportunityLineItem")) {
            SandboxClient.Response response = client.get(sobject(type) + "/describe");
            assertThat(response.status()).as(type).isEqualTo(200);
            assertThat(response.json().get("fields").get(0).get("name").asText()).isEqualTo("Id");
        }
        JsonNode opportunity = client.get(sobject("Opportunity") + "/describe").json();
        assertThat(opportunity.get("keyPrefix").asText()).isEqualTo("006");
        for (String key : List.of("childRelationships", "recordTypeInfos", "labelPlural", "undeletable",
                "triggerable", "searchable", "retrieveable")) {
            assertThat(opportunity.has(key)).as(key).isTrue();
        }
        JsonNode stage = field(opportunity, "StageName");
        assertThat(stage.get("type").asText()).isEqualTo("picklist");
        assertThat(stage.get("restrictedPicklist").asBoolean()).isTrue();
        assertThat(stage.get("nillable").asBoolean()).isFalse();
        assertThat(stage.get("picklistValues")).extracting(v -> v.get("value").asText()).contains("Closed Won");
        JsonNode name = field(client.get(sobject("Account") + "/describe").json(), "Name");
        assertThat(name.get("length").asInt()).isEqualTo(255);
        assertThat(name.get("byteLength").asInt()).isEqualTo(765);
        assertThat(name.get("soapType").asText()).isEqualTo("xsd:string");
        assertThat(name.get("nameField").asBoolean()).isTrue();
        JsonNode key = field(client.get(sobject("Account") + "/describe").json(), "Clarity_Account_Key__c");
        assertThat(key.get("externalId").asBoolean()).isTrue();
        assertThat(key.get("unique").asBoolean()).isTrue();
        assertThat(key.get("custom").asBoolean()).isTrue();
        assertThat(client.get(sobject("Account") + "/describe").json().get("childRelationships"))
                .extracting(r -> r.get("relationshipName").asText()).contains("Contacts", "Orders", "Opportunities");
    }

    @Test
    void badValueForARestrictedPicklistIsRefused() {
        SandboxClient.Response response = client.post(sobject("Account"), Map.of("Name", "Acme",
                "Industry", "Space Mining"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
        assertThat(response.json().get(0).get("message").asText())
                .isEqualTo("Industry: bad value for restricted picklist field: Space Mining");
        assertThat(response.json().get(0).get("fields")).extracting(JsonNode::asText).containsExactly("Industry");
        assertThat(client.post(sobject("Opportunity"), Map.of("Name", "Deal", "StageName", "Dreaming",
                "CloseDate", "2024-06-01")).json().get(0).get("errorCode").asText())
                .isEqualTo("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
        assertThat(client.post(sobject("Account"), Map.of("Name", "Acme", "Industry", "Retail")).status())
                .isEqualTo(201);
    }

    @Test
    void secondContactWithTheSameEmailIsADuplicateWithTheDuplicateResultBody() {
        client.create("Contact", Map.of("LastName", "Lovelace", "Email", "ada@example.com"));

        SandboxClient.Response response = client.post(sobject("Contact"), Map.of("LastName", "Byron",
                "Email", "ADA@example.com"));

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("DUPLICATES_DETECTED");
        assertThat(error.get("message").asText()).isEqualTo("Use one of these records?");
        JsonNode result = error.get("duplicateResult");
        assertThat(result.get("allowSave").asBoolean()).isTrue();
        assertThat(result.get("duplicateRule").asText()).isEqualTo("Standard_Contact_Duplicate_Rule");
        assertThat(result.get("duplicateRuleEntityType").asText()).isEqualTo("Contact");
        JsonNode match = result.get("matchResults").get(0);
        assertThat(match.get("rule").asText()).isEqualTo("Standard_Contact_Match_Rule_v1_1");
        assertThat(match.get("matchRecords").get(0).get("matchConfidence").asDouble()).isEqualTo(100.0);
        assertThat(match.get("matchRecords").get(0).get("record").get("attributes").get("url").asText())
                .startsWith("/services/data/v66.0/sobjects/Contact/003");
        assertThat(sandbox.records("Contact")).hasSize(1);
    }

    @Test
    void duplicateRuleHeaderWithAllowSaveLetsTheDuplicateThrough() {
        client.create("Contact", Map.of("LastName", "Lovelace", "Email", "ada@example.com"));

        SandboxClient.Response response = client.raw("POST", sobject("Contact"),
                "{\"LastName\":\"Byron\",\"Email\":\"ada@example.com\"}", "application/json",
                Map.of("Sforce-Duplicate-Rule-Header", "allowSave=true"));

        assertThat(response.status()).isEqualTo(201);
    }

    @Test
    void duplicateInACollectionIsAStatusCodeEntry() {
        client.create("Contact", Map.of("LastName", "Lovelace", "Email", "ada@example.com"));
        ObjectNode body = SandboxClient.object();
        body.put("allOrNone", false);
        ArrayNode records = body.putArray("records");
        records.addObject().put("LastName", "Byron").put("Email", "ada@example.com")
                .putObject("attributes").put("type", "Contact");

        JsonNode result = client.post(V + "/composite/sobjects", body).json().get(0);

        assertThat(result.get("success").asBoolean()).isFalse();
        assertThat(result.get("errors").get(0).toString()).isEqualTo(
                "{\"statusCode\":\"DUPLICATES_DETECTED\",\"message\":\"Use one of these records?\",\"fields\":[]}");
    }

    @Test
    void duplicateRuleCanBeSwitchedOffThroughTheControlApi() {
        client.create("Contact", Map.of("LastName", "Lovelace", "Email", "ada@example.com"));

        SandboxClient.Response off = client.send("POST", "/_sandbox/duplicate-rules", "{\"contactByEmail\":false}",
                Map.of());

        assertThat(off.json().get("contactByEmail").asBoolean()).isFalse();
        assertThat(client.post(sobject("Contact"), Map.of("LastName", "Byron", "Email", "ada@example.com"))
                .status()).isEqualTo(201);
    }

    @Test
    void opportunityProductsDerivePricesAndRollUpTheAmount() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);
        String opportunity = client.create("Opportunity", Map.of("Name", "Deal", "StageName", "Prospecting",
                "CloseDate", "2024-06-01"));

        client.create("OpportunityLineItem", Map.of("OpportunityId", opportunity, "PricebookEntryId", product[1],
                "Quantity", 3, "UnitPrice", 9.5));
        client.create("OpportunityLineItem", Map.of("OpportunityId", opportunity, "PricebookEntryId", product[1],
                "Quantity", 2, "TotalPrice", 30));

        assertThat(sandbox.records("OpportunityLineItem")).extracting(r -> r.get("TotalPrice"), r -> r.get("UnitPrice"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(28.5, 9.5),
                        org.assertj.core.groups.Tuple.tuple(30.0, 15.0));
        Map<String, Object> deal = sandbox.record("Opportunity", opportunity).orElseThrow();
        assertThat(deal.get("Amount")).isEqualTo(58.5);
        assertThat(deal.get("Pricebook2Id")).isEqualTo(sandbox.standardPricebookId());
        SandboxClient.Response neither = client.post(sobject("OpportunityLineItem"), Map.of("OpportunityId",
                opportunity, "PricebookEntryId", product[1], "Quantity", 1));
        assertThat(neither.json().get(0).get("errorCode").asText()).isEqualTo("FIELD_INTEGRITY_EXCEPTION");
        assertThat(client.patch(sobject("Opportunity") + "/" + opportunity, Map.of("StageName", "Closed Won"))
                .status()).isEqualTo(204);
        assertThat(sandbox.record("Opportunity", opportunity).orElseThrow().get("IsWon")).isEqualTo(true);
    }

    @Test
    void sObjectTreeCreatesParentsAndChildrenLevelByLevel() {
        String body = """
                {"records":[
                  {"attributes":{"type":"Account","referenceId":"ref1"},"Name":"SampleAccount1",
                   "Contacts":{"records":[
                     {"attributes":{"type":"Contact","referenceId":"ref2"},"LastName":"Smith"},
                     {"attributes":{"type":"Contact","referenceId":"ref3"},"LastName":"Evans"}]}},
                  {"attributes":{"type":"Account","referenceId":"ref4"},"Name":"SampleAccount2"}]}""";

        SandboxClient.Response response = client.post(V + "/composite/tree/Account", body);

        assertThat(response.status()).isEqualTo(201);
        assertThat(response.json().get("hasErrors").asBoolean()).isFalse();
        assertThat(response.json().get("results")).extracting(r -> r.get("referenceId").asText())
                .containsExactly("ref1", "ref4", "ref2", "ref3");
        String account = response.json().get("results").get(0).get("id").asText();
        assertThat(sandbox.records("Contact")).allSatisfy(c -> assertThat(c.get("AccountId")).isEqualTo(account));
    }

    @Test
    void sObjectTreeFailsAsAWholeAndNamesTheFailingRecord() {
        String body = """
                {"records":[{"attributes":{"type":"Account","referenceId":"ref1"},"Name":"A",
                  "Contacts":{"records":[{"attributes":{"type":"Contact","referenceId":"ref2"},"LastName":"X",
                    "Email":"not-an-email"}]}}]}""";

        SandboxClient.Response response = client.post(V + "/composite/tree/Account", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("hasErrors").asBoolean()).isTrue();
        JsonNode result = response.json().get("results").get(0);
        assertThat(result.get("referenceId").asText()).isEqualTo("ref2");
        assertThat(result.get("errors").get(0).get("statusCode").asText()).isEqualTo("INVALID_EMAIL_ADDRESS");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void sObjectTreeOverTwoHundredRecordsIsRefused() {
        ObjectNode body = SandboxClient.object();
        ArrayNode records = body.putArray("records");
        for (int i = 0; i < 201; i++) {
            ObjectNode record = records.addObject();
            record.putObject("attributes").put("type", "Account").put("referenceId", "ref" + i);
            record.put("Name", "A" + i);
        }

        SandboxClient.Response response = client.post(V + "/composite/tree/Account", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void platformEventPublishIsEnqueuedWithItsUuid() {
        SandboxClient.Response response = client.post(sobject("Low_Ink__e"), Map.of("Printer_Model__c", "XZO-5"));

        assertThat(response.status()).isEqualTo(201);
        JsonNode body = response.json();
        assertThat(body.get("id").asText()).startsWith("e01");
        assertThat(body.get("success").asBoolean()).isTrue();
        JsonNode enqueued = body.get("errors").get(0);
        assertThat(enqueued.get("statusCode").asText()).isEqualTo("OPERATION_ENQUEUED");
        assertThat(enqueued.get("message").asText()).matches("[0-9a-f-]{36}");
        assertThat(sandbox.publishedEvents()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("Low_Ink__e");
            assertThat(e.eventUuid()).isEqualTo(enqueued.get("message").asText());
            assertThat(e.payload().get("Printer_Model__c").asText()).isEqualTo("XZO-5");
        });
        assertThat(client.post(sobject("Low_Ink__e"), Map.of("Name", "x")).json().get(0).get("errorCode").asText())
                .isEqualTo("INVALID_FIELD");
    }

    @Test
    void dumpReturnsEveryRecordOfTheOrg() {
        String account = account("A-1");

        JsonNode dump = client.send("GET", "/_sandbox/dump", null, Map.of()).json();

        assertThat(dump.get("Account")).extracting(r -> r.get("Id").asText()).containsExactly(account);
        assertThat(dump.get("Pricebook2")).hasSize(1);
        assertThat(sandbox.dump().get("Account").get(0).get("Name").asText()).isEqualTo("Account A-1");
    }

    private static JsonNode field(JsonNode describe, String name) {
        return StreamSupport.stream(describe.get("fields").spliterator(), false)
                .filter(f -> f.get("name").asText().equals(name)).findFirst().orElseThrow();
    }
}
