package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.state.DeadLetterQuery;
import dev.tandem.salesforce.duplicates.MatchRules;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.model.ContactModel;
import dev.tandem.sandbox.clarity.model.UserModel;
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
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Duplicates with Person Accounts and with match rules from tandem.yaml, on both sandboxes with the shipped customer
 * flow: a consumer whose person account a sales rep already created is linked to it, not duplicated; person-account
 * duplicates are found by `tandem duplicates scan --object PersonAccount` and merged with `merge --object
 * PersonAccount`; and rules written under {@code salesforce.match} are the ones the check and the scan use.
 */
class DuplicatesPersonAccountsAndRulesEndToEndTest {

    private static final TandemConfig.Flows CUSTOMER_FLOW = new TandemConfig.Flows(null,
            Map.of("clarity-customer-to-salesforce", true));

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private record Person(UserModel user, ContactModel contact, AccountModel account) {
        /** The keys the customer flow upserts by: the user's, else the record's own CustomKey. */
        String accountKey() {
            return user.accountKey() != null ? user.accountKey() : account.customKey();
        }

        String contactKey() {
            return user.contactKey() != null ? user.contactKey() : contact.customKey();
        }

        boolean consumer() {
            return (contact.address() == null || contact.address().company() == null)
                    && account.name().equals(contact.fullName());
        }

        String email() {
            return contact.email1().trim().toLowerCase(Locale.ROOT);
        }
    }

    /** Registers customers in Clarity (Tandem may be down) until one is a consumer with a last name and e-mail. */
    private Person registerConsumer() {
        for (int i = 0; i < 50; i++) {
            stack.clarity.customers().createRandomCustomer();
            var user = stack.clarity.store().users().all().getLast();
            Person p = new Person(user, stack.clarity.store().contacts().byId(user.contactId()).orElseThrow(),
                    stack.clarity.store().accounts().byId(user.accountId()).orElseThrow());
            if (p.consumer() && p.contact().lastName() != null && p.contact().email1() != null) {
                return p;
            }
        }
        throw new IllegalStateException("the Clarity sandbox registered no consumer in 50 customers");
    }

    private Person registerAnyone() {
        stack.clarity.customers().createRandomCustomer();
        var user = stack.clarity.store().users().all().getLast();
        return new Person(user, stack.clarity.store().contacts().byId(user.contactId()).orElseThrow(),
                stack.clarity.store().accounts().byId(user.accountId()).orElseThrow());
    }

    private List<JsonNode> personAccountsWithEmail(String email) {
        return stack.salesforceRest().query("SELECT Id, IsPersonAccount, Clarity_Account_Key__c,"
                + " Clarity_Contact_Key__pc FROM Account WHERE PersonEmail = '" + email + "'");
    }

    private long duplicateLetters() {
        return stack.tandem().stateStore().findDeadLetters(new DeadLetterQuery(null, null, null,
                java.util.Set.of(ErrorClass.DUPLICATE), null, null, null, null, null, 0, 10)).size();
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
    void aConsumerWhosePersonAccountARepCreatedIsLinkedToItNotDuplicated() {
        stack = TandemStack.start(dir, CUSTOMER_FLOW, true);
        stack.stopTandem();
        Person consumer = registerConsumer();
        // The rep typed the e-mail in capitals and left the Clarity key out.
        String rep = stack.salesforceRest().create("Account", "{\"FirstName\":\"Entered\",\"LastName\":\"By Rep\","
                + "\"PersonEmail\":\"" + consumer.email().toUpperCase(Locale.ROOT) + "\"}");

        stack.startTandem();

        await().atMost(Duration.ofSeconds(30)).until(() -> stack.salesforceRest().count(
                "SELECT Id FROM Account WHERE Clarity_Account_Key__c = '" + consumer.accountKey() + "'") == 1);
        assertThat(personAccountsWithEmail(consumer.email())).singleElement().satisfies(a -> {
            assertThat(a.path("Id").asText()).isEqualTo(rep);
            assertThat(a.path("IsPersonAccount").asBoolean()).isTrue();
            assertThat(a.path("Clarity_Contact_Key__pc").asText()).isEqualTo(consumer.contactKey());
        });
        assertThat(stack.tandem().stateStore().targetId("Account", consumer.accountKey())).contains(rep);
        assertThat(duplicateLetters()).isZero();
    }

    @Test
    void personAccountDuplicatesAreFoundByTheScanAndMergedWithTheLinkAndKeysMoved() throws Exception {
        stack = TandemStack.start(dir, CUSTOMER_FLOW, true);
        Person consumer = registerConsumer();
        String key = consumer.accountKey();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore().targetId("Account", key)
                .isPresent());
        String synced = stack.tandem().stateStore().targetId("Account", key).orElseThrow();
        // Later a rep adds the same person again, with a mobile number the synced record lacks.
        String rep = stack.salesforceRest().create("Account", "{\"FirstName\":\"Again\",\"LastName\":\"Same Person\","
                + "\"PersonEmail\":\"" + consumer.email() + "\",\"PersonMobilePhone\":\"+1 737 555 0199\"}");

        Run scan = cli("duplicates", "scan", "--object", "PersonAccount", "--system", "salesforce");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains(synced, rep, key, "PersonEmail");

        Run applied = cli("duplicates", "merge", "--object", "PersonAccount", "--survivor", rep, "--loser", synced,
                "--apply");
        assertThat(applied.exitCode()).as(applied.out() + applied.err()).isZero();
        assertThat(personAccountsWithEmail(consumer.email())).singleElement().satisfies(a -> {
            assertThat(a.path("Id").asText()).isEqualTo(rep);
            assertThat(a.path("Clarity_Account_Key__c").asText()).isEqualTo(key);
            assertThat(a.path("Clarity_Contact_Key__pc").asText()).isEqualTo(consumer.contactKey());
        });
        assertThat(stack.tandem().stateStore().targetId("Account", key)).contains(rep);
        assertThat(stack.salesforceRest().count("SELECT Id FROM Contact WHERE Clarity_Contact_Key__c = '"
                + consumer.contactKey() + "'")).as("the survivor's person contact carries the key").isEqualTo(1);
    }

    @Test
    void aPersonAccountCannotBeMergedWithABusinessAccount() throws Exception {
        stack = TandemStack.start(dir, CUSTOMER_FLOW, true);
        String person = stack.salesforceRest().create("Account", "{\"LastName\":\"Doe\",\"PersonEmail\":\"d@example.com\"}");
        String business = stack.salesforceRest().create("Account", "{\"Name\":\"Doe Inc\"}");

        Run dry = cli("duplicates", "merge", "--object", "PersonAccount", "--survivor", person, "--loser", business,
                "--apply");

        assertThat(dry.exitCode()).isNotZero();
        assertThat(dry.out() + dry.err()).contains("only with another person account");
        assertThat(stack.salesforceRest().count("SELECT Id FROM Account")).isEqualTo(2);
    }

    @Test
    void rulesFromTandemYamlAreTheOnesTheCheckAndTheScanUse() throws Exception {
        stack = TandemStack.start(dir, CUSTOMER_FLOW);
        stack.stopTandem();
        MatchRules rules = MatchRules.withDefaults(Map.of("Contact", List.of(List.of("LastName", "MailingPostalCode"))));
        stack.customize = c -> new TandemConfig(c.server(), c.store(), c.clarity(), c.salesforce().withMatch(rules),
                c.runtime(), c.retry(), c.flows(), c.cdc(), c.logging(), c.retention(), c.alerts(), c.api());
        Person customer = registerAnyone();
        for (int i = 0; i < 50 && (customer.contact().lastName() == null || customer.contact().address() == null
                || customer.contact().address().postalCode() == null); i++) {
            customer = registerAnyone();
        }
        String last = customer.contact().lastName().trim();
        String postal = customer.contact().address().postalCode().trim();
        // Another first name and no e-mail: the default rules would not take it for the same person; this org's do.
        String rep = stack.salesforceRest().create("Contact", "{\"FirstName\":\"Someone\",\"LastName\":\"" + last
                + "\",\"MailingPostalCode\":\"" + postal + "\"}");

        stack.startTandem();

        String contactKey = customer.contactKey();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().stateStore().targetId("Contact", contactKey)
                .isPresent());
        assertThat(stack.tandem().stateStore().targetId("Contact", contactKey)).contains(rep);
        assertThat(stack.salesforceRest().count("SELECT Id FROM Contact WHERE LastName = '" + last.replace("'", "\\'")
                + "' AND MailingPostalCode = '" + postal + "'")).isEqualTo(1);

        String twin1 = stack.salesforceRest().create("Contact", "{\"FirstName\":\"A\",\"LastName\":\"Twin\","
                + "\"MailingPostalCode\":\"99999\"}");
        String twin2 = stack.salesforceRest().create("Contact", "{\"FirstName\":\"B\",\"LastName\":\"twin\","
                + "\"MailingPostalCode\":\"99999\"}");
        Run scan = cli("duplicates", "scan", "--object", "Contact", "--system", "salesforce");
        assertThat(scan.exitCode()).as(scan.err()).isZero();
        assertThat(scan.out()).contains(twin1, twin2, "LastName + MailingPostalCode");
    }
}
