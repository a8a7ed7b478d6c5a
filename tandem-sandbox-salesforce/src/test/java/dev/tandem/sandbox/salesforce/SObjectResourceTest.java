package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SObjectResourceTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.customTextField("Contact", "Legacy_Id__c", 64, true, false);
    }

    @Test
    void createReturns201WithIdAndLocation() {
        SandboxClient.Response response = client.post(sobject("Account"), Map.of("Name", "Acme"));

        assertThat(response.status()).isEqualTo(201);
        JsonNode body = response.json();
        String id = body.get("id").asText();
        assertThat(id).hasSize(18).startsWith("001");
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("errors")).isEmpty();
        assertThat(response.header("Location")).isEqualTo(V + "/sobjects/Account/" + id);
        assertThat(response.header("Sforce-Limit-Info")).isEqualTo("api-usage=1/100000");
    }

    @Test
    void getReturnsTheRecordWithAttributesAndCanonicalFieldNames() {
        String id = client.create("Account", Map.of("name", "Acme", "BILLINGCITY", "Paris"));

        SandboxClient.Response response = client.get(V.replace("66.0", "58.0") + "/sobjects/account/" + id);

        assertThat(response.status()).isEqualTo(200);
        JsonNode record = response.json();
        assertThat(record.get("attributes").get("type").asText()).isEqualTo("Account");
        assertThat(record.get("attributes").get("url").asText())
                .isEqualTo("/services/data/v58.0/sobjects/Account/" + id);
        assertThat(record.get("Id").asText()).isEqualTo(id);
        assertThat(record.get("Name").asText()).isEqualTo("Acme");
        assertThat(record.get("BillingCity").asText()).isEqualTo("Paris");
        assertThat(record.get("IsDeleted").asBoolean()).isFalse();
        assertThat(record.get("CreatedDate").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\+0000");
        assertThat(record.has("Phone")).isTrue();
    }

    @Test
    void getWithFieldsReturnsOnlyThoseFields() {
        String id = client.create("Account", Map.of("Name", "Acme", "Phone", "123"));

        JsonNode record = client.get(sobject("Account") + "/" + id + "?fields=Name,Phone").json();

        assertThat(record.properties()).extracting(Map.Entry::getKey).containsExactly("attributes", "Name", "Phone");
    }

    @Test
    void updateReturns204AndChangesTheRecord() {
        String id = client.create("Account", Map.of("Name", "Acme"));

        SandboxClient.Response response = client.patch(sobject("Account") + "/" + id, Map.of("Name", "Acme 2"));

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.text()).isEmpty();
        assertThat(sandbox.record("Account", id).orElseThrow()).containsEntry("Name", "Acme 2");
    }

    @Test
    void deleteReturns204AndTheRecordIsGone() {
        String id = client.create("Account", Map.of("Name", "Acme"));

        assertThat(client.delete(sobject("Account") + "/" + id).status()).isEqualTo(204);

        SandboxClient.Response after = client.get(sobject("Account") + "/" + id);
        assertThat(after.status()).isEqualTo(404);
        assertThat(after.json().get(0).get("errorCode").asText()).isEqualTo("ENTITY_IS_DELETED");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void missingRequiredFieldsAreListedInOneError() {
        SandboxClient.Response response = client.post(sobject("PricebookEntry"), Map.of("IsActive", true));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).isEqualTo("[{\"message\":\"Required fields are missing: [Pricebook2Id, Product2Id,"
                + " UnitPrice]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Pricebook2Id\",\"Product2Id\","
                + "\"UnitPrice\"]}]");
    }

    @Test
    void unknownFieldIsInvalidField() {
        SandboxClient.Response response = client.post(sobject("Account"), Map.of("Name", "Acme", "foo", 1));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).isEqualTo(
                "[{\"message\":\"No such column 'foo' on sobject of type Account\",\"errorCode\":\"INVALID_FIELD\"}]");
    }

    @Test
    void unknownObjectIsNotFound() {
        SandboxClient.Response response = client.post(sobject("Whizbang"), Map.of("Name", "x"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void readOnlyFieldsCannotBeWritten() {
        SandboxClient.Response response = client.post(sobject("Pricebook2"), Map.of("Name", "B2B", "IsStandard", true));

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(error.get("message").asText()).startsWith("Unable to create/update fields: IsStandard.");
    }

    @Test
    void malformedOrWrongPrefixIdsAreMalformedId() {
        String contact = client.create("Contact", Map.of("LastName", "Doe"));

        SandboxClient.Response inPath = client.get(sobject("Account") + "/" + contact);
        SandboxClient.Response inReference = client.post(sobject("Contact"),
                Map.of("LastName", "Roe", "AccountId", "001xx000003DIpcAAX"));

        assertThat(inPath.status()).isEqualTo(400);
        assertThat(inPath.json().get(0).get("errorCode").asText()).isEqualTo("MALFORMED_ID");
        assertThat(inPath.json().get(0).get("message").asText())
                .isEqualTo("Account ID: id value of incorrect type: " + contact);
        assertThat(inReference.status()).isEqualTo(400);
        assertThat(inReference.json().get(0).get("message").asText())
                .isEqualTo("Account ID: id value of incorrect type: 001xx000003DIpcAAX");
        assertThat(inReference.json().get(0).get("fields").get(0).asText()).isEqualTo("AccountId");
    }

    @Test
    void wellFormedIdsThatDoNotExistAreNotFoundOrInvalidCrossReference() {
        String id = account("A-1");
        client.delete(sobject("Account") + "/" + id);
        String missing = id.substring(0, 14) + "Z";

        SandboxClient.Response inPath = client.get(sobject("Account") + "/" + missing);
        SandboxClient.Response inReference = client.post(sobject("Contact"),
                Map.of("LastName", "Roe", "AccountId", missing));

        assertThat(inPath.status()).isEqualTo(404);
        assertThat(inPath.json().get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(inReference.status()).isEqualTo(400);
        assertThat(inReference.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_CROSS_REFERENCE_KEY");
    }

    @Test
    void fifteenCharacterIdsAreAccepted() {
        String id = account("A-1");

        SandboxClient.Response response = client.get(sobject("Account") + "/" + id.substring(0, 15));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("Id").asText()).isEqualTo(id);
    }

    @Test
    void duplicateClarityKeyIsDuplicateValue() {
        String first = account("A-1");

        SandboxClient.Response response = client.post(sobject("Account"),
                Map.of("Name", "Other", "Clarity_Account_Key__c", "a-1"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("DUPLICATE_VALUE");
        assertThat(response.json().get(0).get("message").asText()).isEqualTo(
                "duplicate value found: Clarity_Account_Key__c duplicates value on record with id: "
                        + first.substring(0, 15));
    }

    @Test
    void keyLongerThan128CharactersIsStringTooLong() {
        SandboxClient.Response response = client.post(sobject("Account"),
                Map.of("Name", "Acme", "Clarity_Account_Key__c", "k".repeat(129)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("STRING_TOO_LONG");
        assertThat(response.json().get(0).get("fields").get(0).asText()).isEqualTo("Clarity_Account_Key__c");
    }

    @Test
    void upsertCreatesThenUpdatesByExternalId() {
        SandboxClient.Response created = client.patch(sobject("Account") + "/Clarity_Account_Key__c/A%2F1",
                Map.of("Name", "Acme"));
        SandboxClient.Response updated = client.patch(sobject("Account") + "/Clarity_Account_Key__c/A%2F1",
                Map.of("Name", "Acme 2"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.json().get("created").asBoolean()).isTrue();
        String id = created.json().get("id").asText();
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("created").asBoolean()).isFalse();
        assertThat(updated.json().get("id").asText()).isEqualTo(id);
        assertThat(sandbox.record("Account", id).orElseThrow())
                .containsEntry("Name", "Acme 2").containsEntry("Clarity_Account_Key__c", "A/1");
    }

    @Test
    void upsertWithUpdateOnlyDoesNotCreate() {
        SandboxClient.Response response = client.patch(
                sobject("Account") + "/Clarity_Account_Key__c/A-9?updateOnly=true", Map.of("Name", "Acme"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void upsertMatchingSeveralRecordsAnswers300WithTheirUrls() {
        String first = client.create("Contact", Map.of("LastName", "A", "Legacy_Id__c", "L-1"));
        String second = client.create("Contact", Map.of("LastName", "B", "Legacy_Id__c", "L-1"));

        SandboxClient.Response response = client.patch(sobject("Contact") + "/Legacy_Id__c/L-1",
                Map.of("LastName", "C"));

        assertThat(response.status()).isEqualTo(300);
        assertThat(response.json()).extracting(JsonNode::asText).containsExactly(
                V + "/sobjects/Contact/" + first, V + "/sobjects/Contact/" + second);
    }

    @Test
    void upsertOnAFieldThatIsNotAnExternalIdIsNotFound() {
        SandboxClient.Response response = client.patch(sobject("Account") + "/Phone/123", Map.of("Name", "x"));

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).isEqualTo("[{\"message\":\"Provided external ID field does not exist or is not"
                + " accessible: Phone\",\"errorCode\":\"NOT_FOUND\"}]");
    }

    @Test
    void upsertBodyMustNotRepeatTheKeyOrTheId() {
        SandboxClient.Response response = client.patch(sobject("Account") + "/Clarity_Account_Key__c/A-1",
                Map.of("Name", "x", "Clarity_Account_Key__c", "A-1"));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD");
    }

    @Test
    void recordCanBeReadAndDeletedByExternalId() {
        String id = account("A-1");

        SandboxClient.Response read = client.get(sobject("Account") + "/Clarity_Account_Key__c/A-1");
        SandboxClient.Response deleted = client.delete(sobject("Account") + "/Clarity_Account_Key__c/A-1");

        assertThat(read.json().get("Id").asText()).isEqualTo(id);
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void parentCanBeReferencedByExternalIdInTheBody() {
        String accountId = account("A-1");

        String contact = client.create("Contact",
                Map.of("LastName", "Doe", "Account", Map.of("Clarity_Account_Key__c", "A-1")));

        assertThat(sandbox.record("Contact", contact).orElseThrow()).containsEntry("AccountId", accountId);
    }

    @Test
    void callOptionsClientIsRememberedPerRecord() {
        SandboxClient.Response response = client.send("POST", sobject("Account"), "{\"Name\":\"Acme\"}",
                Map.of("Authorization", "Bearer " + client.login(), "Content-Type", "application/json",
                        "Sforce-Call-Options", "client=tandem-sync"));

        assertThat(sandbox.lastModifiedByClient(response.json().get("id").asText())).contains("tandem-sync");
    }

    @Test
    void deletingAnAccountCascadesToItsContacts() {
        String accountId = account("A-1");
        client.create("Contact", Map.of("LastName", "Doe", "AccountId", accountId));

        client.delete(sobject("Account") + "/" + accountId);

        assertThat(sandbox.records("Contact")).isEmpty();
    }
}
