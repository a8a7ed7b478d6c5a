package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Customer 360 from Salesforce to Clarity (issue 10, item 2) on both sandboxes, with the shipped flows
 * salesforce-contact-to-clarity, salesforce-account-to-clarity and clarity-link-to-salesforce: a sales rep's new
 * contact is created in Clarity and linked back without a loop, a rep's account rename and address change reach
 * Clarity, a delete deactivates, and with the shipped options (ignore) creates and deletes are skipped with their
 * reasons.
 */
class SalesforceToClarityEndToEndTest {

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aSalesRepsNewContactIsCreatedInClarityLinkedBackAndThenAllGoesQuiet() throws Exception {
        Path flows = withOptions("createFromSalesforce: create, deletes: ignore");
        start(flows, Map.of("clarity-customer-to-salesforce", true, "salesforce-contact-to-clarity", true,
                "clarity-link-to-salesforce", true), "Contact");

        String id = asRep(() -> stack.salesforceRest().create("Contact", """
                {"FirstName":"Rita","LastName":"Rep-Made","Email":"rita@example.test","Phone":"+1 512 555 0111",
                 "MailingStreet":"12 Market St\\nFloor 3","MailingCity":"Austin","MailingState":"TX",
                 "MailingPostalCode":"78701","MailingCountry":"United States"}"""));
        String key = "SF-CONTACT-" + id;

        await().atMost(Duration.ofSeconds(30)).until(() -> clarityContact(key).isPresent());
        ContactModel created = clarityContact(key).orElseThrow();
        assertThat(created.firstName()).isEqualTo("Rita");
        assertThat(created.lastName()).isEqualTo("Rep-Made");
        assertThat(created.email1()).isEqualTo("rita@example.test");
        assertThat(created.phone1()).isEqualTo("+1 512 555 0111");
        assertThat(created.address().street1()).isEqualTo("12 Market St");
        assertThat(created.address().street2()).isEqualTo("Floor 3");
        assertThat(created.address().city()).isEqualTo("Austin");
        assertThat(created.address().regionCode()).isEqualTo("TX");
        assertThat(created.address().countryCode()).as("ISO alpha-3, as Clarity keys countries").isEqualTo("USA");

        // The link back: the Clarity key lands on the rep's Salesforce contact.
        await().atMost(Duration.ofSeconds(30)).until(() -> key.equals(salesforceContact(id)
                .path("Clarity_Contact_Key__c").asText()));
        // Then nothing moves any more: neither record is written again.
        String modified = salesforceContact(id).path("LastModifiedDate").asText();
        var updated = clarityContact(key).orElseThrow().updatedDate();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).until(() ->
                modified.equals(salesforceContact(id).path("LastModifiedDate").asText())
                        && updated.equals(clarityContact(key).orElseThrow().updatedDate()));
        // The key's change event was Tandem's own write (its client id, the values it wrote): dropped before the log.
        assertThat(stack.tandem().stateStore().auditFor(0L)).anyMatch(a -> a.step().equals("echo")
                && a.requestSummary().endsWith("Contact " + id));
        assertThat(stack.tandem().stateStore().auditFor(LongStream.rangeClosed(1, stack.tandem().eventLog().endOffset())
                .boxed().toList())).as("the contact flow ran once, for the rep's create")
                .filteredOn(a -> a.flow().equals("salesforce-contact-to-clarity") && a.step().equals("settle"))
                .hasSize(1);
        assertThat(stack.clarity.store().contacts().all().stream().filter(c -> key.equals(c.customKey())))
                .as("one Clarity contact").hasSize(1);
        assertThat(stack.salesforceRest().count("SELECT Id FROM Contact WHERE LastName = 'Rep-Made'"))
                .as("no second Salesforce contact").isEqualTo(1);

        // Linked now: the rep's next change takes the way of every linked contact.
        asRep(() -> {
            stack.salesforceRest().update("Contact", id, "{\"Phone\":\"+1 512 555 0199\"}");
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "+1 512 555 0199".equals(clarityContact(key).orElseThrow().phone1()));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aRepsAccountRenameAndAddressChangeReachClarityAndADeleteDeactivates() throws Exception {
        Path flows = withOptions("createFromSalesforce: ignore, deletes: deactivate");
        start(flows, Map.of("clarity-customer-to-salesforce", true, "salesforce-contact-to-clarity", true,
                "salesforce-account-to-clarity", true), "Contact", "Account");
        stack.clarity.customers().createRandomCustomer();
        var user = stack.clarity.store().users().all().getLast();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.salesforceRest().count(
                "SELECT Id FROM Contact WHERE Clarity_Contact_Key__c = '" + user.contactKey() + "'") == 1);
        JsonNode contact = stack.salesforceRest().query("SELECT Id, AccountId FROM Contact"
                + " WHERE Clarity_Contact_Key__c = '" + user.contactKey() + "'").getFirst();
        String contactId = contact.path("Id").asText();
        Integer addressId = stack.clarity.store().contacts().byId(user.contactId()).orElseThrow().address().id();

        asRep(() -> {
            stack.salesforceRest().update("Account", contact.path("AccountId").asText(),
                    "{\"Name\":\"Renamed by Rep\"}");
            stack.salesforceRest().update("Contact", contactId, "{\"MailingStreet\":\"500 Rep Avenue\","
                    + "\"MailingCity\":\"Round Rock\",\"MailingPostalCode\":\"78664\"}");
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> "Renamed by Rep".equals(
                stack.clarity.store().accounts().byId(user.accountId()).orElseThrow().name()));
        await().atMost(Duration.ofSeconds(30)).until(() -> "Round Rock".equals(
                stack.clarity.store().contacts().byId(user.contactId()).orElseThrow().address().city()));
        var address = stack.clarity.store().contacts().byId(user.contactId()).orElseThrow().address();
        assertThat(address.street1()).isEqualTo("500 Rep Avenue");
        assertThat(address.postalCode()).isEqualTo("78664");
        assertThat(address.id()).as("the same address, changed").isEqualTo(addressId);

        asRep(() -> {
            stack.salesforceRest().delete("Contact", contactId);
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() ->
                !stack.clarity.store().contacts().byId(user.contactId()).orElseThrow().active());
        assertThat(stack.tandem().stateStore().deadLetterCount())
                .as(() -> "dead letters: " + stack.tandem().stateStore().deadLetters(10).stream()
                        .map(d -> d.flow() + " " + d.errorCode() + ": " + d.errorMessage()).toList())
                .isZero();
    }

    @Test
    void withTheShippedOptionsARepsNewContactAndADeleteAreSkippedWithTheirReasons() throws Exception {
        start(null, Map.of("clarity-customer-to-salesforce", true, "salesforce-contact-to-clarity", true,
                "clarity-link-to-salesforce", true), "Contact");
        stack.clarity.customers().createRandomCustomer();
        var user = stack.clarity.store().users().all().getLast();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.salesforceRest().count(
                "SELECT Id FROM Contact WHERE Clarity_Contact_Key__c = '" + user.contactKey() + "'") == 1);
        String linked = stack.salesforceRest().query("SELECT Id FROM Contact WHERE Clarity_Contact_Key__c = '"
                + user.contactKey() + "'").getFirst().path("Id").asText();
        int contacts = stack.clarity.store().contacts().all().size();

        String repMade = asRep(() -> {
            String created = stack.salesforceRest().create("Contact", "{\"LastName\":\"Unlinked\"}");
            stack.salesforceRest().delete("Contact", linked);
            return created;
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> skipped("option createFromSalesforce: ignore")
                && skipped("option deletes: ignore"));
        assertThat(stack.clarity.store().contacts().all()).hasSize(contacts);
        assertThat(clarityContact("SF-CONTACT-" + repMade)).isEmpty();
        assertThat(stack.clarity.store().contacts().byId(user.contactId()).orElseThrow().active()).isTrue();
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void aPersonAccountMadeBySalesRepBecomesAClarityContactAndItsEmailChangeFollows() throws Exception {
        Path flows = withOptions("createFromSalesforce: create, deletes: ignore");
        stack = TandemStack.start(dir, org -> org.personAccounts(true), new TandemConfig.Flows(flows, Map.of(
                "salesforce-contact-to-clarity", true, "salesforce-account-to-clarity", true,
                "clarity-link-to-salesforce", true)));
        subscribe("Account", "Contact");

        String id = asRep(() -> stack.salesforceRest().create("Account", """
                {"FirstName":"Pia","LastName":"Person","PersonEmail":"pia@example.test","Phone":"+49 30 1234567",
                 "PersonMailingStreet":"Unter den Linden 1","PersonMailingCity":"Berlin",
                 "PersonMailingPostalCode":"10117","PersonMailingCountry":"Germany"}"""));
        String key = "SF-PERSON-" + id;

        await().atMost(Duration.ofSeconds(30)).until(() -> clarityContact(key).isPresent());
        ContactModel person = clarityContact(key).orElseThrow();
        assertThat(person.firstName()).isEqualTo("Pia");
        assertThat(person.lastName()).isEqualTo("Person");
        assertThat(person.email1()).isEqualTo("pia@example.test");
        assertThat(person.phone1()).isEqualTo("+49 30 1234567");
        assertThat(person.address().city()).isEqualTo("Berlin");
        assertThat(person.address().countryCode()).isEqualTo("DEU");
        await().atMost(Duration.ofSeconds(30)).until(() -> key.equals(stack.salesforceRest().query(
                "SELECT Clarity_Contact_Key__pc FROM Account WHERE Id = '" + id + "'").getFirst()
                .path("Clarity_Contact_Key__pc").asText()));

        asRep(() -> {
            stack.salesforceRest().update("Account", id, "{\"PersonEmail\":\"pia.person@example.test\"}");
            return null;
        });
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "pia.person@example.test".equals(clarityContact(key).orElseThrow().email1()));
        // The person contact's own change events are left to the account flow: one Clarity contact, no second one.
        assertThat(skipped("the contact of a person account")).isTrue();
        assertThat(stack.clarity.store().contacts().all().stream().filter(c -> c.customKey() != null
                && c.customKey().startsWith("SF-"))).hasSize(1);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    /** Both sandboxes and Tandem with these flows, subscribed to change events of {@code objects}. */
    private void start(Path flowsDir, Map<String, Boolean> enabled, String... objects) {
        stack = TandemStack.start(dir, new TandemConfig.Flows(flowsDir, enabled));
        subscribe(objects);
    }

    /** Restarts Tandem subscribed to change events of {@code objects}, and waits for the subscriptions. */
    private void subscribe(String... objects) {
        stack.stopTandem();
        stack.cdc = stack.cdcFor(objects);
        stack.startTandem();
        // Change events are read from the subscription on: the rep's changes must come after it is up.
        for (String object : objects) {
            await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc")
                    .path("/data/" + object + "ChangeEvent").asText().equals("SUBSCRIBED"));
        }
    }

    /** Copies of the shipped Salesforce → Clarity flows in a flows.dir, with their options set to {@code options}. */
    private Path withOptions(String options) throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        for (String name : List.of("salesforce-contact-to-clarity", "salesforce-account-to-clarity")) {
            String yaml = resource(name + ".yaml").replace("options: { createFromSalesforce: ignore, deletes: ignore }",
                    "options: { " + options + " }");
            assertThat(yaml).contains(options);
            Files.writeString(flows.resolve(name + ".yaml"), yaml);
            Files.writeString(flows.resolve(name + ".jsonata"), resource(name + ".jsonata"));
        }
        for (String example : List.of("salesforce-contact.example.json", "salesforce-account.example.json")) {
            Files.writeString(flows.resolve(example), resource(example));
        }
        return flows;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SalesforceToClarityEndToEndTest.class.getResourceAsStream("/flows/" + name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code change} as a sales rep (another user than Tandem's integration user, another client). */
    private <T> T asRep(java.util.concurrent.Callable<T> change) throws Exception {
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        try {
            return change.call();
        } finally {
            stack.salesforce.changeAsUser(null);
        }
    }

    private Optional<ContactModel> clarityContact(String key) {
        return stack.clarity.store().contacts().byKey(key);
    }

    private JsonNode salesforceContact(String id) {
        return stack.salesforceRest().query("SELECT Id, Clarity_Contact_Key__c, LastModifiedDate FROM Contact"
                + " WHERE Id = '" + id + "'").getFirst();
    }

    private boolean skipped(String reason) {
        List<Long> offsets = LongStream.rangeClosed(1, stack.tandem().eventLog().endOffset()).boxed().toList();
        return stack.tandem().stateStore().auditFor(offsets).stream().map(AuditEntry::detail)
                .anyMatch(d -> d.contains(reason));
    }

    private JsonNode health() throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(stack.tandem().baseUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }
}
