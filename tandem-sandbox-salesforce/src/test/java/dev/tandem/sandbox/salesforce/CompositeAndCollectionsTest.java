package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeAndCollectionsTest extends SandboxTestSupport {

    private static ObjectNode composite(boolean allOrNone, ObjectNode... subrequests) {
        ObjectNode body = SandboxClient.object();
        body.put("allOrNone", allOrNone);
        ArrayNode array = body.putArray("compositeRequest");
        for (ObjectNode sub : subrequests) {
            array.add(sub);
        }
        return body;
    }

    private static ObjectNode records(boolean allOrNone, Map<String, ?>... records) {
        ObjectNode body = SandboxClient.object();
        body.put("allOrNone", allOrNone);
        ArrayNode array = body.putArray("records");
        for (Map<String, ?> record : records) {
            array.add(SandboxClient.JSON.valueToTree(record));
        }
        return body;
    }

    @Test
    void compositeRunsSubrequestsWithReferencesIncludingQueries() {
        JsonNode body = client.post(V + "/composite", composite(false,
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "acc", Map.of("Name", "Acme")),
                CompositeGraphTest.node("POST", V + "/sobjects/Contact", "con",
                        Map.of("LastName", "Doe", "AccountId", "@{acc.id}")),
                CompositeGraphTest.node("GET", V + "/query?q=SELECT+Id,Account.Name+FROM+Contact", "q", null)))
                .json();

        JsonNode results = body.get("compositeResponse");
        assertThat(results).extracting(r -> r.get("httpStatusCode").asInt()).containsExactly(201, 201, 200);
        assertThat(results.get(2).get("body").get("records").get(0).get("Account").get("Name").asText())
                .isEqualTo("Acme");
    }

    @Test
    void allOrNoneCompositeRollsBackEverything() {
        JsonNode results = client.post(V + "/composite", composite(true,
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "acc", Map.of("Name", "Acme")),
                CompositeGraphTest.node("POST", V + "/sobjects/Contact", "con", Map.of("FirstName", "x"))))
                .json().get("compositeResponse");

        assertThat(results.get(0).get("body").get(0).get("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
        assertThat(results.get(1).get("body").get(0).get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void withoutAllOrNoneOnlyTheFailedSubrequestAndItsDependentsFail() {
        JsonNode results = client.post(V + "/composite", composite(false,
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "acc", Map.of("Phone", "1")),
                CompositeGraphTest.node("POST", V + "/sobjects/Contact", "con",
                        Map.of("LastName", "Doe", "AccountId", "@{acc.id}")),
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "other", Map.of("Name", "Fine"))))
                .json().get("compositeResponse");

        assertThat(results).extracting(r -> r.get("httpStatusCode").asInt()).containsExactly(400, 400, 201);
        assertThat(sandbox.records("Account")).hasSize(1);
    }

    @Test
    void moreThan25SubrequestsAreRejected() {
        ObjectNode[] subs = new ObjectNode[26];
        for (int i = 0; i < subs.length; i++) {
            subs[i] = CompositeGraphTest.node("POST", V + "/sobjects/Account", "a" + i, Map.of("Name", "A"));
        }

        assertThat(client.post(V + "/composite", composite(false, subs)).status()).isEqualTo(400);
    }

    @Test
    void collectionsCreateReportsPerRecordResultsWithStatusCode() {
        JsonNode results = client.post(V + "/composite/sobjects", records(false,
                Map.of("attributes", Map.of("type", "Account"), "Name", "Acme"),
                Map.of("attributes", Map.of("type", "Contact"), "FirstName", "No last name"))).json();

        assertThat(results.get(0).get("success").asBoolean()).isTrue();
        assertThat(results.get(0).get("id").asText()).startsWith("001");
        assertThat(results.get(1).get("success").asBoolean()).isFalse();
        assertThat(results.get(1).get("errors").get(0).get("statusCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(results.get(1).get("errors").get(0).has("errorCode")).isFalse();
        assertThat(sandbox.records("Account")).hasSize(1);
    }

    @Test
    void collectionsAllOrNoneRollsBackTheValidRecords() {
        JsonNode results = client.post(V + "/composite/sobjects", records(true,
                Map.of("attributes", Map.of("type", "Account"), "Name", "Acme"),
                Map.of("attributes", Map.of("type", "Account"), "Phone", "1"))).json();

        assertThat(results.get(0).get("success").asBoolean()).isFalse();
        assertThat(results.get(0).get("errors").get(0).get("statusCode").asText())
                .isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void collectionsUpsertTakesTheKeyFromTheBody() {
        String existing = account("A-1");

        JsonNode results = client.patch(V + "/composite/sobjects/Account/Clarity_Account_Key__c", records(false,
                Map.of("attributes", Map.of("type", "Account"), "Name", "Renamed", "Clarity_Account_Key__c", "A-1"),
                Map.of("attributes", Map.of("type", "Account"), "Name", "New", "Clarity_Account_Key__c", "A-2")))
                .json();

        assertThat(results.get(0).get("id").asText()).isEqualTo(existing);
        assertThat(results.get(0).get("created").asBoolean()).isFalse();
        assertThat(results.get(1).get("created").asBoolean()).isTrue();
        assertThat(sandbox.records("Account")).extracting(r -> r.get("Name")).containsExactly("Renamed", "New");
    }

    @Test
    void collectionsUpdateRetrieveAndDelete() {
        String a = account("A-1");
        String b = account("A-2");

        JsonNode updated = client.patch(V + "/composite/sobjects", records(false,
                Map.of("attributes", Map.of("type", "Account"), "id", a, "Phone", "111"))).json();
        JsonNode retrieved = client.get(V + "/composite/sobjects/Account?ids=" + a + "," + b
                + ",001xx000003DIpcAAG&fields=Phone").json();
        JsonNode deleted = client.delete(V + "/composite/sobjects?ids=" + a + "," + b).json();

        assertThat(updated.get(0).get("success").asBoolean()).isTrue();
        assertThat(retrieved.get(0).get("Phone").asText()).isEqualTo("111");
        assertThat(retrieved.get(1).get("Phone").isNull()).isTrue();
        assertThat(retrieved.get(2).isNull()).isTrue();
        assertThat(deleted).allSatisfy(r -> assertThat(r.get("success").asBoolean()).isTrue());
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void moreThan200RecordsAreRejectedAsAWhole() {
        ObjectNode body = SandboxClient.object();
        ArrayNode array = body.putArray("records");
        for (int i = 0; i < 201; i++) {
            array.addObject().put("Name", "A" + i).putObject("attributes").put("type", "Account");
        }

        SandboxClient.Response response = client.post(V + "/composite/sobjects", body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("EXCEEDED_ID_LIMIT");
    }
}
