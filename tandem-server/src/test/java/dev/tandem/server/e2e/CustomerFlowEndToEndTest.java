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
        String phone = stack.clarity.store().contacts().byId(after.contactId()).orElseThrow().phone1();
        await().atMost(Duration.ofSeconds(30)).until(() -> contact(after.contactKey()).size() == 1
                && phone.equals(contact(after.contactKey()).getFirst().path("Phone").asText()));
        assertThat(contact(after.contactKey())).as("updated, not duplicated").hasSize(1);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }
}
