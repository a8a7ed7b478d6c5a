package dev.tandem.salesforce.enrich;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher.Result;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** salesforce.personAccounts against the sandbox, an org with Person Accounts and one without (spec §3.5). */
class PersonAccountEnricherTest {

    private SalesforceSandbox sandbox;
    private SalesforceRestClient client;

    @AfterEach
    void stop() {
        client.close();
        sandbox.close();
    }

    private PersonAccountEnricher enricher(boolean personAccounts) {
        sandbox = SalesforceSandbox.builder().port(0).personAccounts(personAccounts).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
        return new PersonAccountEnricher(client, client::describe);
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A consumer as the customer and order mappings plan it: Account (marked) ▸ Contact ▸ Order. */
    private static WriteGroup consumer() {
        ObjectNode account = object().put("Name", "Jane Doe").put("Phone", "+15125550100")
                .put("BillingCity", "Austin");
        account.set("IsPersonAccount", object().put("enrich", "personAccount").put("contact", "contact"));
        ObjectNode contact = object().put("AccountId", "@{account.id}").put("FirstName", "Jane").put("LastName", "Doe")
                .put("Email", "jane@example.com").put("Phone", "+15125550100").put("MailingCity", "Austin")
                .put("MailingCountry", "US");
        ObjectNode order = object().put("AccountId", "@{account.id}").put("BillToContactId", "@{contact.id}")
                .put("Name", "SO-1");
        return new WriteGroup("g1", List.of(
                new RecordWrite("account", "Account", "Clarity_Account_Key__c", "CUST-1", account),
                new RecordWrite("contact", "Contact", "Clarity_Contact_Key__c", "CON-1", contact),
                new RecordWrite("order", "Order", "Clarity_Order_Key__c", "SO-1", order)), "contact");
    }

    private static WriteGroup contactAlone(String key) {
        ObjectNode contact = object().put("Phone", "+17375550142").put("Email", "jane@example.com");
        contact.set("IsPersonAccount", object().put("enrich", "personAccount"));
        return new WriteGroup("g2", List.of(new RecordWrite("contact", "Contact", "Clarity_Contact_Key__c", key,
                contact)), "contact");
    }

    private static WriteGroup enriched(Result result) {
        assertThat(result).isInstanceOf(Result.Enriched.class);
        return ((Result.Enriched) result).group();
    }

    @Test
    void withoutPersonAccountsThePairIsWrittenAsPlannedWithoutThePlaceholder() {
        PersonAccountEnricher enricher = enricher(false);
        List<Result> results = enricher.enrich(List.of(consumer(), contactAlone("CON-1")));

        WriteGroup pair = enriched(results.get(0));
        assertThat(pair.records()).extracting(RecordWrite::entity).containsExactly("Account", "Contact", "Order");
        assertThat(pair.record("account").orElseThrow().fields().has("IsPersonAccount")).isFalse();
        assertThat(pair.record("account").orElseThrow().fields().path("Name").asText()).isEqualTo("Jane Doe");
        assertThat(pair.root()).isEqualTo("contact");
        WriteGroup alone = enriched(results.get(1));
        assertThat(alone.rootRecord().entity()).isEqualTo("Contact");
        assertThat(alone.rootRecord().fields().has("IsPersonAccount")).isFalse();
        assertThat(enricher.personAccountsEnabled()).isFalse();
    }

    @Test
    void withPersonAccountsTheContactBecomesThePersonFieldsOfOneAccount() {
        PersonAccountEnricher enricher = enricher(true);
        String personType = client.query("SELECT Id FROM RecordType WHERE SobjectType = 'Account' "
                + "AND IsPersonType = true").getFirst().path("Id").asText();

        WriteGroup group = enriched(enricher.enrich(List.of(consumer())).getFirst());

        assertThat(group.records()).extracting(RecordWrite::ref).containsExactly("account", "order");
        assertThat(group.root()).as("the contact is gone: the account is the root").isEqualTo("account");
        ObjectNode fields = group.record("account").orElseThrow().fields();
        assertThat(fields.has("Name")).as("a person account's name is its first and last name").isFalse();
        assertThat(fields.has("IsPersonAccount")).isFalse();
        assertThat(fields.path("RecordTypeId").asText()).isEqualTo(personType);
        assertThat(fields.path("PersonEmail").asText()).isEqualTo("jane@example.com");
        assertThat(fields.path("PersonMailingCity").asText()).isEqualTo("Austin");
        assertThat(fields.path("PersonMailingCountry").asText()).isEqualTo("US");
        assertThat(fields.path("LastName").asText()).isEqualTo("Doe");
        assertThat(fields.path("Clarity_Contact_Key__pc").asText()).isEqualTo("CON-1");
        assertThat(fields.has("AccountId")).isFalse();
        assertThat(group.record("order").orElseThrow().fields().has("BillToContactId"))
                .as("the person contact's id is not known inside the graph").isFalse();
        assertThat(group.record("order").orElseThrow().fields().path("AccountId").asText()).isEqualTo("@{account.id}");
    }

    @Test
    void withPersonAccountsAPersonContactWrittenAloneGoesToItsPersonAccount() {
        PersonAccountEnricher enricher = enricher(true);
        List<SaveResult> saved = client.upsert("Account", "Clarity_Account_Key__c", List.of(object()
                .put("Clarity_Account_Key__c", "CUST-7").put("FirstName", "Ann").put("LastName", "Lee")
                .put("Clarity_Contact_Key__pc", "CON-7")), true);
        assertThat(saved).allMatch(SaveResult::success);
        client.upsert("Contact", "Clarity_Contact_Key__c", List.of(object().put("Clarity_Contact_Key__c", "CON-8")
                .put("LastName", "Business")), true);

        List<Result> results = enricher.enrich(List.of(contactAlone("CON-7"), contactAlone("CON-8"),
                contactAlone("CON-NEW")));

        RecordWrite person = enriched(results.get(0)).rootRecord();
        assertThat(person.entity()).isEqualTo("Account");
        assertThat(person.keyField()).isEqualTo("Clarity_Account_Key__c");
        assertThat(person.key()).isEqualTo("CUST-7");
        assertThat(person.fields().path("Phone").asText()).isEqualTo("+17375550142");
        assertThat(person.fields().path("PersonEmail").asText()).isEqualTo("jane@example.com");
        assertThat(person.fields().has("IsPersonAccount")).isFalse();
        for (Result other : results.subList(1, 3)) {
            RecordWrite contact = enriched(other).rootRecord();
            assertThat(contact.entity()).as("a business contact, or one not in Salesforce yet").isEqualTo("Contact");
            assertThat(contact.fields().has("IsPersonAccount")).isFalse();
        }
    }

    @Test
    void anAccountWrittenAloneKeepsItsNameUnlessItIsAPersonAccount() {
        PersonAccountEnricher enricher = enricher(true);
        client.upsert("Account", "Clarity_Account_Key__c", List.of(object().put("Clarity_Account_Key__c", "CUST-P")
                .put("LastName", "Lee"), object().put("Clarity_Account_Key__c", "CUST-B").put("Name", "Globex")), true);
        List<WriteGroup> alone = new java.util.ArrayList<>();
        for (String key : List.of("CUST-P", "CUST-B")) {
            ObjectNode fields = object().put("Name", "Renamed");
            fields.set("IsPersonAccount", object().put("enrich", "personAccount"));
            alone.add(new WriteGroup(key, List.of(new RecordWrite("account", "Account", "Clarity_Account_Key__c",
                    key, fields)), "account"));
        }

        List<Result> results = enricher.enrich(alone);

        assertThat(enriched(results.get(0)).rootRecord().fields().size()).as("person: no Name").isZero();
        assertThat(enriched(results.get(1)).rootRecord().fields().path("Name").asText()).isEqualTo("Renamed");
        assertThat(enriched(results.get(1)).rootRecord().fields().has("IsPersonAccount")).isFalse();
    }

    @Test
    void aPlaceholderNamingNoContactOfThePlanIsRefusedWithItsReason() {
        PersonAccountEnricher enricher = enricher(true);
        WriteGroup g = consumer();
        ObjectNode account = g.record("account").orElseThrow().fields().deepCopy();
        ((ObjectNode) account.get("IsPersonAccount")).put("contact", "person");
        WriteGroup bad = g.withRecords(List.of(g.record("account").orElseThrow().withFields(account),
                g.record("contact").orElseThrow()));

        Result result = enricher.enrich(List.of(bad)).getFirst();

        assertThat(result).isInstanceOf(Result.Failed.class);
        assertThat(((Result.Failed) result).error().errorCode()).isEqualTo("PERSON_ACCOUNT_PLAN_INVALID");
        assertThat(((Result.Failed) result).error().message()).contains("'person'");
    }
}
