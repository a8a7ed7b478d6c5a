package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** RecordType rows, Account.RecordTypeId and describe's recordTypeInfos (the Customer 360 record type choice). */
class RecordTypeTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.recordType("Account", "Business", "Business Account")
                .recordType("Account", "Consumer", "Consumer Account")
                .recordType("Opportunity", "Renewal", "Renewal");
    }

    private JsonNode query(String soql) {
        SandboxClient.Response response = client.get(V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    @Test
    void accountRecordTypesAreQueryableByDeveloperName() {
        JsonNode result = query("SELECT Id, DeveloperName FROM RecordType WHERE SobjectType = 'Account'"
                + " ORDER BY DeveloperName");

        assertThat(result.get("totalSize").asInt()).isEqualTo(2);
        assertThat(result.get("records")).extracting(r -> r.get("DeveloperName").asText())
                .containsExactly("Business", "Consumer");
        assertThat(result.get("records").get(0).get("Id").asText()).startsWith("012").hasSize(18)
                .isEqualTo(sandbox.recordTypeId("Account", "Business").orElseThrow());
    }

    @Test
    void accountDescribeListsMasterAndTheActiveRecordTypes() {
        JsonNode describe = client.get(sobject("Account") + "/describe").json();

        assertThat(describe.get("recordTypeInfos")).extracting(r -> r.get("developerName").asText())
                .containsExactly("Master", "Business", "Consumer");
        JsonNode business = describe.get("recordTypeInfos").get(1);
        assertThat(business.get("recordTypeId").asText())
                .isEqualTo(sandbox.recordTypeId("Account", "Business").orElseThrow());
        assertThat(business.get("name").asText()).isEqualTo("Business Account");
        assertThat(business.get("master").asBoolean()).isFalse();
        assertThat(business.get("available").asBoolean()).isTrue();
        assertThat(describe.get("recordTypeInfos").get(0).get("defaultRecordTypeMapping").asBoolean()).isTrue();
        // Objects without a RecordTypeId field list Master only.
        assertThat(client.get(sobject("Contact") + "/describe").json().get("recordTypeInfos")).hasSize(1);
    }

    @Test
    void accountTakesARecordTypeOfItsOwnObject() {
        String business = sandbox.recordTypeId("Account", "Business").orElseThrow();
        String account = client.create("Account", Map.of("Name", "Acme", "RecordTypeId", business));

        JsonNode read = query("SELECT Name, RecordTypeId, RecordType.DeveloperName FROM Account");

        assertThat(sandbox.record("Account", account).orElseThrow()).containsEntry("RecordTypeId", business);
        assertThat(read.get("records").get(0).get("RecordTypeId").asText()).isEqualTo(business);
        assertThat(read.get("records").get(0).get("RecordType").get("DeveloperName").asText()).isEqualTo("Business");
        String consumer = sandbox.recordTypeId("Account", "Consumer").orElseThrow();
        assertThat(client.patch(sobject("Account") + "/" + account, Map.of("RecordTypeId", consumer)).status())
                .isEqualTo(204);
    }

    @Test
    void recordTypeOfAnotherObjectIsAnInvalidCrossReference() {
        String renewal = sandbox.recordTypeId("Opportunity", "Renewal").orElseThrow();

        SandboxClient.Response response = client.post(sobject("Account"), Map.of("Name", "Acme",
                "RecordTypeId", renewal));

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_CROSS_REFERENCE_KEY");
        assertThat(error.get("message").asText())
                .isEqualTo("Record Type ID: this ID value isn't valid for the user: " + renewal);
        assertThat(error.get("fields").get(0).asText()).isEqualTo("RecordTypeId");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void recordTypesAreNotWrittenThroughTheDataApi() {
        String business = sandbox.recordTypeId("Account", "Business").orElseThrow();

        SandboxClient.Response create = client.post(sobject("RecordType"), Map.of());
        SandboxClient.Response rename = client.patch(sobject("RecordType") + "/" + business,
                Map.of("Name", "Renamed"));
        SandboxClient.Response delete = client.delete(sobject("RecordType") + "/" + business);

        assertThat(create.json().get(0).get("errorCode").asText()).isEqualTo("INSUFFICIENT_ACCESS_OR_READONLY");
        assertThat(rename.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(delete.json().get(0).get("errorCode").asText()).isEqualTo("INSUFFICIENT_ACCESS_OR_READONLY");
        assertThat(sandbox.records("RecordType")).hasSize(3);
    }

    @Test
    void withoutConfigurationTheOrgHasABusinessAndAConsumerAccountRecordType() {
        try (SalesforceSandbox plain = SalesforceSandbox.builder().randomSeed(1).build()) {
            assertThat(plain.recordTypeId("Account", "Business")).isPresent();
            assertThat(plain.recordTypeId("Account", "Consumer")).isPresent();
        }
    }
}
