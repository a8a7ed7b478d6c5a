package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.sync.Conflict;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * B2B contacts without a user login (issue 10: "one Contact per contact/user"): a Clarity Contact in an account's
 * address book ({@code AccountContact}, clarity-api.md §6) that no User owns becomes a Salesforce Contact on its
 * account's Salesforce Account, with the shipped flows in both directions and their master-data policy: a change in
 * Clarity crosses, a sales rep's change comes back, a change on both sides at once goes to review, and a contact in no
 * address book is skipped with its reason.
 */
class AddressBookContactEndToEndTest {

    private static final List<String> FLOWS = List.of("clarity-customer-to-salesforce", "salesforce-contact-to-clarity");

    @TempDir
    Path dir;
    private TandemStack stack;
    private ClarityRest clarity;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void anAddressBookContactBecomesAContactOnItsAccountsAccountAndSyncsBothWays() throws Exception {
        start();
        // A B2B account with one user (registered, so the account is in Salesforce) ...
        int accountId = clarity.post("/Accounts/Account/Create", "{\"CustomKey\":\"INITECH\",\"Name\":\"Initech LLC\"}")
                .path("Result").asInt();
        int userContact = clarity.post("/Contacts/Contact/Create", "{\"CustomKey\":\"CON-INITECH-USER\",\"FirstName\":"
                + "\"Peter\",\"LastName\":\"Gibbons\",\"Email1\":\"peter@initech.test\",\"Phone1\":\"+1 512 555 0100\"}")
                .path("Result").asInt();
        clarity.post("/Contacts/User/Create", "{\"CustomKey\":\"USR-INITECH\",\"UserName\":\"peter@initech.test\","
                + "\"Email\":\"peter@initech.test\",\"AccountID\":" + accountId + ",\"AccountKey\":\"INITECH\","
                + "\"ContactID\":" + userContact + ",\"ContactKey\":\"CON-INITECH-USER\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts("CON-INITECH-USER").size() == 1);
        String salesforceAccount = contacts("CON-INITECH-USER").getFirst().path("AccountId").asText();

        // ... and two contacts of its address book that have no login.
        int[] book = new int[2];
        String[][] people = {{"Samir", "Nagheenanajar", "+1 512 555 0111"}, {"Joanna", "Smith", "(512) 555-0112"}};
        for (int i = 0; i < 2; i++) {
            book[i] = clarity.post("/Contacts/Contact/Create", "{\"CustomKey\":\"CON-INITECH-" + i + "\",\"TypeKey\":"
                    + "\"Account Address\",\"FirstName\":\"" + people[i][0] + "\",\"LastName\":\"" + people[i][1]
                    + "\",\"Email1\":\" " + people[i][0] + "@Initech.TEST\",\"Phone1\":\"" + people[i][2]
                    + "\",\"Address\":{\"City\":\"Austin\",\"CountryCode\":\"USA\"}}")
                    .path("Result").asInt();
            clarity.post("/Accounts/AccountContact/Create", "{\"MasterID\":" + accountId + ",\"SlaveID\":" + book[i]
                    + ",\"Name\":\"Purchasing\"}");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts("CON-INITECH-0").size() == 1
                && contacts("CON-INITECH-1").size() == 1);
        for (int i = 0; i < 2; i++) {
            JsonNode c = contacts("CON-INITECH-" + i).getFirst();
            assertThat(c.path("AccountId").asText()).as("on the account's Account").isEqualTo(salesforceAccount);
            assertThat(c.path("LastName").asText()).isEqualTo(people[i][1]);
            assertThat(c.path("Email").asText()).isEqualTo(people[i][0].toLowerCase() + "@initech.test");
            assertThat(c.path("Phone").asText()).isEqualTo("+1512555011" + (i + 1));
        }
        assertThat(stack.salesforceRest().count("SELECT Id FROM Account WHERE Clarity_Account_Key__c = 'INITECH'"))
                .as("no second Account").isEqualTo(1);
        assertThat(stack.salesforceRest().count("SELECT Id FROM Contact WHERE AccountId = '" + salesforceAccount + "'"))
                .isEqualTo(3);

        // A back-office correction in Clarity crosses ...
        stack.clarity.customers().renameContact(book[0], "Samir", "Nagheenanajar-Smith");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Nagheenanajar-Smith".equals(
                contacts("CON-INITECH-0").getFirst().path("LastName").asText()));
        // ... and a sales rep's new phone comes back to the Clarity contact.
        String repMade = contacts("CON-INITECH-1").getFirst().path("Id").asText();
        asRep(() -> stack.salesforceRest().update("Contact", repMade, "{\"Phone\":\"+1 737 555 0142\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> "+1 737 555 0142".equals(
                stack.clarity.store().contacts().byId(book[1]).orElseThrow().phone1()));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        assertThat(stack.tandem().stateStore().conflicts(Conflict.OPEN, null, 10)).isEmpty();

        // The master policy holds for them too: the same phone changed on both sides at once goes to review.
        awaitSettled();
        for (String flow : FLOWS) {
            stack.tandem().runtime().pause(flow, "test", "both sides change while the flows wait");
        }
        long before = stack.tandem().eventLog().endOffset();
        stack.clarity.customers().renameContact(book[1], "Jo", "Smith");
        clarityPhone(book[1], "+1 512 555 0199");
        asRep(() -> stack.salesforceRest().update("Contact", repMade, "{\"Phone\":\"+1 737 555 0199\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().endOffset() >= before + 3);
        for (String flow : FLOWS) {
            stack.tandem().runtime().resume(flow, "test", "both changes are in");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !stack.tandem().stateStore()
                .conflicts(Conflict.OPEN, null, 10).isEmpty());
        Conflict conflict = stack.tandem().stateStore().conflicts(Conflict.OPEN, null, 10).getFirst();
        assertThat(List.of(conflict.source().field(), conflict.target().field())).containsExactlyInAnyOrder("Phone1", "Phone");
        assertThat(conflict.reason()).contains("too close to call");
        await().atMost(Duration.ofSeconds(30)).until(() -> "Jo".equals(
                contacts("CON-INITECH-1").getFirst().path("FirstName").asText()));
        assertThat(contacts("CON-INITECH-1").getFirst().path("Phone").asText()).as("held for review")
                .isEqualTo("+1 737 555 0199");
    }

    @Test
    void aContactInNoAddressBookThatNoUserOwnsIsSkippedWithItsReason() throws Exception {
        start();
        int contact = clarity.post("/Contacts/Contact/Create", "{\"CustomKey\":\"CON-LOOSE\",\"TypeKey\":\"Store\","
                + "\"FirstName\":\"Loose\",\"LastName\":\"Contact\"}").path("Result").asInt();
        stack.clarity.customers().renameContact(contact, "Still", "Loose");

        await().atMost(Duration.ofSeconds(30)).until(() -> details().stream().anyMatch(d ->
                d.contains("nor one of an account's address book")));
        assertThat(contacts("CON-LOOSE")).isEmpty();
        assertThat(details()).anyMatch(d -> d.contains("has no active AccountContact with SlaveID " + contact));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    // ---- set-up

    private void start() throws Exception {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of(FLOWS.get(0), true, FLOWS.get(1), true)));
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Contact");
        stack.startTandem();
        await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc")
                .path("/data/ContactChangeEvent").asText().equals("SUBSCRIBED"));
        clarity = new ClarityRest(stack.clarity.baseUrl(), stack.clarity.user(), stack.clarity.password());
    }

    private void clarityPhone(int contactId, String phone) {
        var contact = stack.clarity.store().contacts().byId(contactId).orElseThrow();
        clarity.post("/Contacts/Contact/Upsert", "{\"ID\":" + contactId + ",\"CustomKey\":\"" + contact.customKey()
                + "\",\"Phone1\":\"" + phone + "\"}");
    }

    private void awaitSettled() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            long end = stack.tandem().eventLog().endOffset();
            return FLOWS.stream().allMatch(f -> stack.tandem().eventLog().committedOffset(
                    dev.tandem.core.runtime.FlowRuntime.consumer(f)) >= end);
        });
    }

    private List<JsonNode> contacts(String key) {
        return stack.salesforceRest().query("SELECT Id, AccountId, FirstName, LastName, Email, Phone FROM Contact"
                + " WHERE Clarity_Contact_Key__c = '" + key + "'");
    }

    private List<String> details() {
        List<Long> offsets = LongStream.rangeClosed(1, stack.tandem().eventLog().endOffset()).boxed().toList();
        return stack.tandem().stateStore().auditFor(offsets).stream().map(dev.tandem.core.state.AuditEntry::detail)
                .toList();
    }

    private void asRep(Runnable change) {
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        try {
            change.run();
        } finally {
            stack.salesforce.changeAsUser(null);
        }
    }

    private JsonNode health() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.tandem().baseUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }
}
