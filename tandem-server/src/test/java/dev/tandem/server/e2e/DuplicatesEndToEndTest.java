package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterQuery;
import dev.tandem.server.api.Role;
import dev.tandem.server.cli.Main;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Duplicates (issue 10, item 5) on both sandboxes with the shipped customer flow: a Salesforce Contact a sales rep
 * created before, with the customer's e-mail, is linked instead of duplicated; two such Contacts flag the customer
 * for review; and `tandem duplicates scan` + `merge` find and merge a duplicate end to end, moving Tandem's link.
 */
class DuplicatesEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private void startWithCustomerFlow() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of("clarity-customer-to-salesforce", true)));
    }

    private record Customer(String contactKey, String email) {
    }

    /** A customer registers while Tandem is down (Clarity retries the webhook until it is back). */
    private Customer registerWhileTandemIsDown() {
        stack.stopTandem();
        stack.clarity.customers().createRandomCustomer();
        var user = stack.clarity.store().users().all().getLast();
        var contact = stack.clarity.store().contacts().byId(user.contactId()).orElseThrow();
        String email = contact.email1() != null ? contact.email1() : user.email();
        assertThat(email).isNotBlank();
        return new Customer(user.contactKey(), email);
    }

    private List<JsonNode> contactsWithEmail(String email) {
        return stack.salesforceRest().query("SELECT Id, Clarity_Contact_Key__c, LastName, AccountId FROM Contact"
                + " WHERE Email = '" + email + "'");
    }

    @Test
    void aContactASalesRepCreatedWithTheSameEmailIsLinkedNotDuplicated() {
        startWithCustomerFlow();
        Customer customer = registerWhileTandemIsDown();
        String rep = stack.salesforceRest().create("Contact", "{\"LastName\":\"Entered By Rep\",\"Email\":\""
                + customer.email().toUpperCase(java.util.Locale.ROOT) + "\"}");
        stack.startTandem();

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore()
                .targetId("Contact", customer.contactKey()).isPresent());
        List<JsonNode> contacts = contactsWithEmail(customer.email());
        assertThat(contacts).as("linked, not duplicated").singleElement().satisfies(c -> {
            assertThat(c.path("Id").asText()).isEqualTo(rep);
            assertThat(c.path("Clarity_Contact_Key__c").asText()).isEqualTo(customer.contactKey());
            assertThat(c.path("LastName").asText()).isNotEqualTo("Entered By Rep");
            assertThat(c.path("AccountId").asText()).isNotBlank();
        });
        assertThat(stack.tandem().stateStore().targetId("Contact", customer.contactKey())).contains(rep);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void anOrdersCustomerWhomASalesRepEnteredBeforeIsLinkedNotDuplicated() {
        // The order flow alone (on by default): the order's customer is not linked yet, and Salesforce has a
        // Contact with the customer's e-mail (upper-cased: matched normalised) and no Clarity key. The order's graph links that Contact (and bills
        // the Order to it) instead of creating a second one.
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of()));
        stack.stopTandem();
        var ref = stack.clarity.orders().createRandomOrder();
        var order = stack.clarity.orders().find(ref.id()).orElseThrow();
        // The order's customer is a registered user: the order goes to the user's own contact (not its billing copy).
        var user = stack.clarity.store().users().byId(order.userId()).orElseThrow();
        var person = stack.clarity.store().contacts().byId(user.contactId()).orElseThrow();
        String email = person.email1();
        assertThat(email).isNotBlank();
        String contactKey = person.customKey();
        String rep = stack.salesforceRest().create("Contact", "{\"LastName\":\"Entered By Rep\",\"Email\":\""
                + email.toUpperCase(java.util.Locale.ROOT) + "\"}");
        stack.startTandem();

        await().atMost(Duration.ofSeconds(30)).until(() -> !stack.salesforceRest().query(
                "SELECT Id FROM Order WHERE Clarity_Order_Key__c = '" + ref.customKey() + "'").isEmpty());
        List<JsonNode> contacts = contactsWithEmail(email);
        assertThat(contacts).as("linked, not duplicated").singleElement().satisfies(c -> {
            assertThat(c.path("Id").asText()).isEqualTo(rep);
            assertThat(c.path("Clarity_Contact_Key__c").asText()).isEqualTo(contactKey);
            assertThat(c.path("AccountId").asText()).isNotBlank();
        });
        assertThat(stack.salesforceRest().query("SELECT BillToContactId FROM Order WHERE Clarity_Order_Key__c = '"
                + ref.customKey() + "'").getFirst().path("BillToContactId").asText()).isEqualTo(rep);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void twoMatchingContactsFlagTheCustomerForReviewWithBothCandidates() {
        startWithCustomerFlow();
        Customer customer = registerWhileTandemIsDown();
        String a = stack.salesforceRest().create("Contact", "{\"LastName\":\"Twin A\",\"Email\":\"" + customer.email() + "\"}");
        String b = stack.salesforceRest().create("Contact", "{\"LastName\":\"Twin B\",\"Email\":\"" + customer.email() + "\"}");
        stack.startTandem();

        await().atMost(Duration.ofSeconds(30)).until(() -> !duplicateLetters().isEmpty());
        DeadLetter flagged = duplicateLetters().getFirst();
        assertThat(flagged.errorCode()).isEqualTo("DUPLICATE_CANDIDATES");
        assertThat(flagged.errorMessage()).contains(a, b, customer.contactKey(), "tandem duplicates merge");
        assertThat(contactsWithEmail(customer.email())).as("nothing created or changed").hasSize(2)
                .allSatisfy(c -> assertThat(c.path("Clarity_Contact_Key__c").isNull()).isTrue());
    }

    private List<DeadLetter> duplicateLetters() {
        return stack.tandem().stateStore().findDeadLetters(new DeadLetterQuery(null, null, null,
                java.util.Set.of(ErrorClass.DUPLICATE), null, null, null, null, null, 0, 10));
    }

    private record Run(int exitCode, String out, String err) {
    }

    private Run cli(String... args) throws Exception {
        Path token = dir.resolve("token");
        if (!Files.exists(token)) {
            Files.writeString(token, stack.tandem().adminApi().tokens().create("ops", Role.OPERATOR).secret());
        }
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", stack.tandem().baseUrl().toString(), "--token-file", token.toString()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void aDuplicateIsFoundByTheScanAndMergedIntoTheRepsRecordWithTheLinkMovedAndBothTimelinesTellingIt()
            throws Exception {
        startWithCustomerFlow();
        stack.clarity.customers().createRandomCustomer();
        var user = stack.clarity.store().users().all().getLast();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore()
                .targetId("Contact", user.contactKey()).isPresent());
        String synced = stack.tandem().stateStore().targetId("Contact", user.contactKey()).orElseThrow();
        String email = stack.salesforceRest().query("SELECT Email FROM Contact WHERE Id = '" + synced + "'").getFirst()
                .path("Email").asText();
        assertThat(email).isNotBlank();
        // A rep adds the same person again, with a mobile number the synced record lacks.
        String rep = stack.salesforceRest().create("Contact", "{\"LastName\":\"Again\",\"Email\":\"" + email
                + "\",\"MobilePhone\":\"+1 737 555 0199\"}");

        Run scan = cli("duplicates", "scan", "--object", "Contact", "--system", "salesforce");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains("SET", "MATCHED BY", synced, rep, user.contactKey(), "Email");
        Run json = cli("duplicates", "scan", "--object", "Contact", "--json");
        JsonNode sets = JSON.readTree(json.out()).path("sets");
        assertThat(sets.findValuesAsText("id")).contains(synced, rep);

        // The rep's record survives: the synced one is the loser, so its Clarity key moves.
        Run dry = cli("duplicates", "merge", "--object", "Contact", "--survivor", rep, "--loser", synced);
        assertThat(dry.exitCode()).as(dry.err()).isZero();
        assertThat(dry.out()).contains("Dry run", user.contactKey() + " moves to the survivor", "add --apply");
        assertThat(stack.salesforceRest().count("SELECT Id FROM Contact WHERE Id = '" + synced + "'")).isEqualTo(1);

        Run applied = cli("duplicates", "merge", "--object", "Contact", "--survivor", rep, "--loser", synced, "--apply");
        assertThat(applied.exitCode()).as(applied.err()).isZero();
        assertThat(applied.out()).contains("Merged Contact " + synced + " into " + rep);
        List<JsonNode> left = contactsWithEmail(email);
        assertThat(left).singleElement().satisfies(c -> {
            assertThat(c.path("Id").asText()).isEqualTo(rep);
            assertThat(c.path("Clarity_Contact_Key__c").asText()).isEqualTo(user.contactKey());
            assertThat(c.path("AccountId").asText()).as("copied from the loser").isNotBlank();
        });
        assertThat(stack.tandem().stateStore().targetId("Contact", user.contactKey())).contains(rep);

        for (String id : List.of(rep, synced)) {
            Run timeline = cli("timeline", id);
            assertThat(timeline.out()).as("timeline of " + id).contains("Duplicate.Merged", "duplicates merge",
                    synced + " merged into " + rep);
        }
        Run again = cli("duplicates", "merge", "--object", "Contact", "--survivor", rep, "--loser", synced);
        assertThat(again.exitCode()).isNotZero();
        assertThat(again.err()).contains("404");
    }
}
