package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Person Accounts (spec §3.5): the org switch, the person record type, the implicit person contact, the errors. */
class PersonAccountTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.personAccounts(true);
    }

    private String personType() {
        return sandbox.recordTypeId("Account", "PersonAccount").orElseThrow();
    }

    private JsonNode query(String soql) {
        SandboxClient.Response response = client.get(V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json();
    }

    private static JsonNode field(JsonNode describe, String name) {
        for (JsonNode field : describe.get("fields")) {
            if (field.get("name").asText().equals(name)) {
                return field;
            }
        }
        return null;
    }

    private static JsonNode error(SandboxClient.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(400);
        return response.json().get(0);
    }

    private String person(String key, String first, String last, String email) {
        return client.create("Account", Map.of("RecordTypeId", personType(), "FirstName", first, "LastName", last,
                "PersonEmail", email, "PersonMailingCity", "Lyon", "Clarity_Account_Key__c", key));
    }

    @Test
    void describeShowsThePersonFieldsAndTheRecordTypeIsQueryable() {
        JsonNode describe = client.get(sobject("Account") + "/describe").json();

        assertThat(describe.get("recordTypeInfos")).extracting(r -> r.get("developerName").asText())
                .contains("Master", "PersonAccount");
        JsonNode isPerson = field(describe, "IsPersonAccount");
        assertThat(isPerson.get("type").asText()).isEqualTo("boolean");
        assertThat(isPerson.get("createable").asBoolean()).isFalse();
        assertThat(isPerson.get("updateable").asBoolean()).isFalse();
        JsonNode contactId = field(describe, "PersonContactId");
        assertThat(contactId.get("referenceTo").get(0).asText()).isEqualTo("Contact");
        assertThat(contactId.get("createable").asBoolean()).isFalse();
        for (String name : List.of("FirstName", "LastName", "Salutation", "PersonEmail", "PersonMobilePhone",
                "PersonHomePhone", "PersonBirthdate", "PersonMailingStreet", "PersonMailingCity", "PersonMailingState",
                "PersonMailingPostalCode", "PersonMailingCountry", "Clarity_Contact_Key__pc")) {
            assertThat(field(describe, name)).as(name).isNotNull();
            assertThat(field(describe, name).get("createable").asBoolean()).as(name).isTrue();
        }
        assertThat(field(client.get(sobject("Contact") + "/describe").json(), "IsPersonAccount")).isNotNull();

        JsonNode types = query("SELECT Id, DeveloperName, IsPersonType FROM RecordType WHERE SobjectType = 'Account'"
                + " AND IsPersonType = true");
        assertThat(types.get("totalSize").asInt()).isEqualTo(1);
        assertThat(types.get("records").get(0).get("DeveloperName").asText()).isEqualTo("PersonAccount");
        assertThat(types.get("records").get(0).get("Id").asText()).isEqualTo(personType());
        JsonNode control = client.get("/_sandbox/person-accounts").json();
        assertThat(control.get("enabled").asBoolean()).isTrue();
        assertThat(control.get("recordTypeId").asText()).isEqualTo(personType());
    }

    @Test
    void withoutTheSwitchThePersonFieldsAreUnknown() {
        try (SalesforceSandbox plain = SalesforceSandbox.builder().randomSeed(7).build().start()) {
            SandboxClient other = new SandboxClient(plain);
            other.login();
            JsonNode describe = other.get(sobject("Account") + "/describe").json();
            assertThat(field(describe, "IsPersonAccount")).isNull();
            assertThat(field(describe, "PersonEmail")).isNull();
            assertThat(describe.get("recordTypeInfos")).extracting(r -> r.get("developerName").asText())
                    .doesNotContain("PersonAccount");
            assertThat(plain.recordTypeId("Account", "PersonAccount")).isEmpty();

            JsonNode unknown = error(other.post(sobject("Account"), Map.of("LastName", "Doe",
                    "PersonEmail", "jane@example.com")));
            assertThat(unknown.get("errorCode").asText()).isEqualTo("INVALID_FIELD");
            SandboxClient.Response soql = other.get(V + "/query?q=" + URLEncoder.encode(
                    "SELECT IsPersonType FROM RecordType", StandardCharsets.UTF_8));
            assertThat(soql.status()).isEqualTo(400);
            assertThat(other.get("/_sandbox/person-accounts").json().get("enabled").asBoolean()).isFalse();
        }
    }

    @Test
    void creatingAPersonAccountCreatesItsContact() {
        String account = person("A-1", "Jane", "Doe", "jane@example.com");

        Map<String, Object> row = sandbox.record("Account", account).orElseThrow();
        assertThat(row).containsEntry("Name", "Jane Doe").containsEntry("IsPersonAccount", true)
                .containsEntry("RecordTypeId", personType());
        String contactId = (String) row.get("PersonContactId");
        assertThat(contactId).startsWith("003");
        assertThat(sandbox.record("Contact", contactId).orElseThrow())
                .containsEntry("AccountId", account).containsEntry("IsPersonAccount", true)
                .containsEntry("FirstName", "Jane").containsEntry("LastName", "Doe").containsEntry("Name", "Jane Doe")
                .containsEntry("Email", "jane@example.com").containsEntry("MailingCity", "Lyon");

        JsonNode accounts = query("SELECT Name, IsPersonAccount, PersonEmail, PersonContact.Email FROM Account"
                + " WHERE IsPersonAccount = true");
        assertThat(accounts.get("totalSize").asInt()).isEqualTo(1);
        assertThat(accounts.get("records").get(0).get("PersonEmail").asText()).isEqualTo("jane@example.com");
        assertThat(accounts.get("records").get(0).get("PersonContact").get("Email").asText())
                .isEqualTo("jane@example.com");
        JsonNode contacts = query("SELECT Id, Email, IsPersonAccount FROM Contact WHERE AccountId = '" + account + "'");
        assertThat(contacts.get("records").get(0).get("Id").asText()).isEqualTo(contactId);
        assertThat(contacts.get("records").get(0).get("IsPersonAccount").asBoolean()).isTrue();
    }

    @Test
    void aLastNameWithoutARecordTypeMakesAPersonAccountAndBusinessAccountsStayAsTheyWere() {
        String person = client.create("Account", Map.of("LastName", "Solo"));
        String business = client.create("Account", Map.of("Name", "Acme"));

        assertThat(sandbox.record("Account", person).orElseThrow()).containsEntry("IsPersonAccount", true)
                .containsEntry("Name", "Solo");
        assertThat(sandbox.record("Account", business).orElseThrow()).containsEntry("IsPersonAccount", false)
                .containsEntry("PersonContactId", null);
        assertThat(sandbox.records("Contact")).hasSize(1);
    }

    @Test
    void updatingThePersonFieldsUpdatesTheContact() {
        String account = person("A-1", "Jane", "Doe", "jane@example.com");
        String contactId = (String) sandbox.record("Account", account).orElseThrow().get("PersonContactId");

        assertThat(client.patch(sobject("Account") + "/" + account, Map.of("LastName", "Smith",
                "PersonEmail", "jane.smith@example.com", "PersonBirthdate", "1990-04-01")).status()).isEqualTo(204);

        assertThat(sandbox.record("Account", account).orElseThrow()).containsEntry("Name", "Jane Smith");
        assertThat(sandbox.record("Contact", contactId).orElseThrow()).containsEntry("LastName", "Smith")
                .containsEntry("Name", "Jane Smith").containsEntry("Email", "jane.smith@example.com")
                .containsEntry("Birthdate", "1990-04-01");
    }

    @Test
    void upsertByTheAccountKeyCreatesThenUpdatesAPersonAccount() {
        String url = sobject("Account") + "/Clarity_Account_Key__c/C-9";

        SandboxClient.Response created = client.patch(url, Map.of("RecordTypeId", personType(),
                "LastName", "Roe", "PersonEmail", "roe@example.com"));
        SandboxClient.Response updated = client.patch(url, Map.of("PersonMobilePhone", "+33 6 00 00 00 00"));

        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(updated.status()).as(updated.text()).isIn(200, 204);
        String id = created.json().get("id").asText();
        String contactId = (String) sandbox.record("Account", id).orElseThrow().get("PersonContactId");
        assertThat(sandbox.record("Contact", contactId).orElseThrow())
                .containsEntry("Email", "roe@example.com").containsEntry("MobilePhone", "+33 6 00 00 00 00");
    }

    @Test
    void thePersonContactIsWrittenOnlyThroughItsAccount() {
        String account = person("A-1", "Jane", "Doe", "jane@example.com");
        String contactId = (String) sandbox.record("Account", account).orElseThrow().get("PersonContactId");

        JsonNode update = error(client.patch(sobject("Contact") + "/" + contactId, Map.of("LastName", "X")));
        JsonNode delete = error(client.delete(sobject("Contact") + "/" + contactId));
        JsonNode attach = error(client.post(sobject("Contact"), Map.of("LastName", "Other", "AccountId", account)));

        assertThat(update.get("errorCode").asText()).isEqualTo("INVALID_PERSON_ACCOUNT_OPERATION");
        assertThat(delete.get("errorCode").asText()).isEqualTo("INVALID_PERSON_ACCOUNT_OPERATION");
        assertThat(attach.get("errorCode").asText()).isEqualTo("INVALID_PERSON_ACCOUNT_OPERATION");
        assertThat(attach.get("fields").get(0).asText()).isEqualTo("AccountId");
        assertThat(sandbox.record("Contact", contactId).orElseThrow()).containsEntry("LastName", "Doe")
                .containsEntry("IsDeleted", false);

        assertThat(client.delete(sobject("Account") + "/" + account).status()).isEqualTo(204);
        assertThat(sandbox.record("Contact", contactId)).isEmpty();
        assertThat(query("SELECT Id FROM Contact").get("totalSize").asInt()).isZero();
    }

    @Test
    void theErrorsOfAPersonAccount() {
        JsonNode noLastName = error(client.post(sobject("Account"), Map.of("RecordTypeId", personType(),
                "FirstName", "Jane")));
        assertThat(noLastName.get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(noLastName.get("message").asText()).isEqualTo("Required fields are missing: [LastName]");
        assertThat(noLastName.get("fields").get(0).asText()).isEqualTo("LastName");

        JsonNode name = error(client.post(sobject("Account"), Map.of("RecordTypeId", personType(),
                "LastName", "Doe", "Name", "Jane Doe Inc")));
        assertThat(name.get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(name.get("message").asText()).isEqualTo("Account: bad field names on insert/update call: Name");

        String business = sandbox.recordTypeId("Account", "Business").orElseThrow();
        JsonNode personOnBusiness = error(client.post(sobject("Account"), Map.of("RecordTypeId", business,
                "Name", "Acme", "PersonEmail", "x@example.com")));
        assertThat(personOnBusiness.get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(personOnBusiness.get("fields").get(0).asText()).isEqualTo("PersonEmail");

        JsonNode readOnly = error(client.post(sobject("Account"), Map.of("LastName", "Doe",
                "IsPersonAccount", true)));
        assertThat(readOnly.get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");

        String account = person("A-1", "Jane", "Doe", "jane@example.com");
        JsonNode rename = error(client.patch(sobject("Account") + "/" + account, Map.of("Name", "Other")));
        assertThat(rename.get("message").asText()).isEqualTo("Account: bad field names on insert/update call: Name");
        JsonNode clear = error(client.patch(sobject("Account") + "/" + account, SandboxClient.object()
                .putNull("LastName")));
        assertThat(clear.get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        JsonNode convert = error(client.patch(sobject("Account") + "/" + account, Map.of("RecordTypeId", business)));
        assertThat(convert.get("errorCode").asText()).isEqualTo("INVALID_PERSON_ACCOUNT_OPERATION");
        assertThat(sandbox.records("Account")).hasSize(1);
        assertThat(sandbox.records("Contact")).hasSize(1);
    }

    @Test
    void theContactsRulesApplyToThePersonContactAndBadValuesAreRefused() {
        client.create("Account", Map.of("LastName", "First", "Clarity_Contact_Key__pc", "U-1"));

        JsonNode duplicate = error(client.post(sobject("Account"), Map.of("LastName", "Second",
                "Clarity_Contact_Key__pc", "u-1")));
        JsonNode birthdate = error(client.post(sobject("Account"), Map.of("LastName", "Third",
                "PersonBirthdate", "not a date")));
        JsonNode tooLong = error(client.post(sobject("Account"), Map.of("LastName", "x".repeat(81))));

        // The key is unique on Contact, so the person contact's save is what clashes; nothing of it is kept.
        assertThat(duplicate.get("errorCode").asText()).isEqualTo("DUPLICATE_VALUE");
        assertThat(birthdate.get("errorCode").asText()).isIn("INVALID_TYPE_ON_FIELD_IN_RECORD", "JSON_PARSER_ERROR");
        assertThat(tooLong.get("errorCode").asText()).isEqualTo("STRING_TOO_LONG");
        assertThat(sandbox.records("Account")).hasSize(1);
        assertThat(sandbox.records("Contact")).hasSize(1);
    }

    @Test
    void aBusinessAccountOfAPersonAccountOrgKeepsItsNameInChangeEvents() {
        client.create("Account", Map.of("Name", "Acme"));

        JsonNode payload = client.get("/_sandbox/cdc/events").json().get("events").get(0).get("payload");

        assertThat(payload.get("Name").asText()).isEqualTo("Acme");
        assertThat(payload.get("IsPersonAccount").asBoolean()).isFalse();
        assertThat(sandbox.records("Contact")).isEmpty();
    }

    @Test
    void collectionsCreatePersonAccountsAndRollBackTheirContacts() {
        ObjectNode body = SandboxClient.object();
        body.put("allOrNone", true);
        ArrayNode records = body.putArray("records");
        records.add(SandboxClient.JSON.valueToTree(Map.of("attributes", Map.of("type", "Account"),
                "LastName", "One", "PersonEmail", "one@example.com")));
        records.add(SandboxClient.JSON.valueToTree(Map.of("attributes", Map.of("type", "Account"),
                "RecordTypeId", personType(), "FirstName", "No last name")));

        JsonNode failed = client.post(V + "/composite/sobjects", body).json();
        assertThat(failed.get(0).get("success").asBoolean()).isFalse();
        assertThat(sandbox.records("Account")).isEmpty();
        assertThat(sandbox.records("Contact")).isEmpty();

        records.remove(1);
        JsonNode created = client.post(V + "/composite/sobjects", body).json();
        assertThat(created.get(0).get("success").asBoolean()).as(created.toString()).isTrue();
        assertThat(sandbox.records("Contact")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("Email", "one@example.com")
                        .containsEntry("AccountId", created.get(0).get("id").asText()));
    }

    @Test
    void aCompositeGraphCreatesAPersonAccountAndAnOrderForIt() {
        ObjectNode request = CompositeGraphTest.graphs(CompositeGraphTest.graph("b2c-1",
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "refPerson", Map.of(
                        "RecordTypeId", personType(), "FirstName", "Ann", "LastName", "Lee",
                        "PersonEmail", "ann@example.com", "Clarity_Account_Key__c", "U-1")),
                CompositeGraphTest.node("POST", V + "/sobjects/Order", "refOrder", Map.of(
                        "AccountId", "@{refPerson.id}", "EffectiveDate", "2024-05-01", "Status", "Draft"))));

        SandboxClient.Response response = client.post(V + "/composite/graph", request);

        assertThat(response.status()).isEqualTo(200);
        JsonNode graph = response.json().get("graphs").get(0);
        assertThat(graph.get("isSuccessful").asBoolean()).as(graph.toString()).isTrue();
        String account = graph.get("graphResponse").get("compositeResponse").get(0).get("body").get("id").asText();
        Map<String, Object> row = sandbox.record("Account", account).orElseThrow();
        assertThat(row).containsEntry("IsPersonAccount", true).containsEntry("Name", "Ann Lee");
        assertThat(sandbox.record("Contact", (String) row.get("PersonContactId")).orElseThrow())
                .containsEntry("Email", "ann@example.com");
    }

    @Test
    void aBulkUpsertJobCreatesPersonAccountsAndReportsTheOnesWithoutALastName() {
        String jobs = V + "/jobs/ingest";
        SandboxClient.Response created = client.post(jobs, Map.of("object", "Account", "operation", "upsert",
                "externalIdFieldName", "Clarity_Account_Key__c"));
        assertThat(created.status()).as(created.text()).isEqualTo(200);
        String job = created.json().get("id").asText();
        String csv = "Clarity_Account_Key__c,RecordTypeId,FirstName,LastName,PersonEmail\n"
                + "B-1," + personType() + ",Bea,Bulk,bea@example.com\n"
                + "B-2," + personType() + ",No,,none@example.com\n";
        assertThat(client.raw("PUT", jobs + "/" + job + "/batches", csv, "text/csv", Map.of()).status())
                .isEqualTo(201);
        assertThat(client.patch(jobs + "/" + job, Map.of("state", "UploadComplete")).status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> "JobComplete".equals(
                client.get(jobs + "/" + job).json().get("state").asText()));

        assertThat(client.get(jobs + "/" + job).json().get("numberRecordsFailed").asInt()).isEqualTo(1);
        assertThat(client.get(jobs + "/" + job + "/failedResults/").text())
                .contains("REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]");
        assertThat(sandbox.records("Account")).singleElement()
                .satisfies(a -> assertThat(a).containsEntry("Name", "Bea Bulk").containsEntry("IsPersonAccount", true));
        assertThat(sandbox.records("Contact")).singleElement()
                .satisfies(c -> assertThat(c).containsEntry("Email", "bea@example.com"));
    }

    @Test
    void creatingAPersonAccountEmitsAnAccountAndAContactChangeEvent() {
        String account = person("A-1", "Jane", "Doe", "jane@example.com");
        String contactId = (String) sandbox.record("Account", account).orElseThrow().get("PersonContactId");

        JsonNode events = client.get("/_sandbox/cdc/events").json().get("events");

        List<JsonNode> creates = new ArrayList<>();
        events.forEach(e -> {
            if (e.get("payload").path("ChangeEventHeader").path("changeType").asText().equals("CREATE")) {
                creates.add(e);
            }
        });
        assertThat(creates).as(events.toString()).extracting(e -> e.get("topic").asText())
                .containsExactlyInAnyOrder("/data/AccountChangeEvent", "/data/ContactChangeEvent");
        JsonNode accountEvent = creates.stream().filter(e -> e.get("topic").asText().contains("Account"))
                .findFirst().orElseThrow().get("payload");
        // The account's event carries the contact's fields too (spec §3.5), under their Account names.
        assertThat(accountEvent.get("Name").asText()).isEqualTo("Jane Doe");
        assertThat(accountEvent.get("FirstName").asText()).isEqualTo("Jane");
        assertThat(accountEvent.get("LastName").asText()).isEqualTo("Doe");
        assertThat(accountEvent.get("IsPersonAccount").asBoolean()).isTrue();
        assertThat(accountEvent.get("PersonEmail").asText()).isEqualTo("jane@example.com");
        assertThat(accountEvent.get("PersonContactId").asText()).isEqualTo(contactId);
        assertThat(accountEvent.get("PersonMailingAddress").get("City").asText()).isEqualTo("Lyon");
        JsonNode contactEvent = creates.stream().filter(e -> e.get("topic").asText().contains("Contact"))
                .findFirst().orElseThrow().get("payload");
        assertThat(contactEvent.get("ChangeEventHeader").get("recordIds").get(0).asText()).isEqualTo(contactId);
        assertThat(contactEvent.get("Email").asText()).isEqualTo("jane@example.com");
        assertThat(contactEvent.get("AccountId").asText()).isEqualTo(account);
        assertThat(contactEvent.get("IsPersonAccount").asBoolean()).isTrue();
        // Both events belong to the one transaction of the create.
        assertThat(contactEvent.get("ChangeEventHeader").get("transactionKey"))
                .isEqualTo(accountEvent.get("ChangeEventHeader").get("transactionKey"));
    }
}
