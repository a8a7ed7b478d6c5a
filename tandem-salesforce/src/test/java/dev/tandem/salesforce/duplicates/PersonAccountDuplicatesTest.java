package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.enrich.PersonAccountEnricher;
import dev.tandem.salesforce.write.BatchingSalesforceWriter;
import dev.tandem.salesforce.write.BatchingSettings;
import dev.tandem.salesforce.write.SalesforceRecordWriter;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Person Accounts (spec §3.5) in the duplicate check, the scan and the merge, against a Salesforce sandbox with
 * Person Accounts: a B2C customer planned as a person account by {@code salesforce.personAccounts} is matched by
 * PersonEmail or person name and PersonMailingPostalCode.
 */
class PersonAccountDuplicatesTest {

    private static final String ACCOUNT_KEY = "Clarity_Account_Key__c";

    private SalesforceSandbox sandbox;
    private SalesforceRestClient client;
    private BatchingSalesforceWriter batching;
    private PersonAccountEnricher personAccounts;
    private DuplicateMatchEnricher match;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().port(0).personAccounts(true).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
        batching = new BatchingSalesforceWriter(client, client,
                BatchingSettings.defaults().withWindow(Duration.ofMinutes(5)), new SimpleMeterRegistry());
        personAccounts = new PersonAccountEnricher(client, client::describe);
        match = new DuplicateMatchEnricher(client, NO_LINKS, MatchRules.defaults(), client::describe);
    }

    @AfterEach
    void stop() {
        batching.close();
        client.close();
        sandbox.close();
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** A consumer as the shipped customer mapping plans it: Account (marked person account) ▸ Contact. */
    private static WriteGroup consumer(int n, String first, String last, String email, String postal) {
        ObjectNode account = object().put("Name", first + " " + last).put("BillingPostalCode", postal);
        account.set("IsPersonAccount", object().put("enrich", "personAccount").put("contact", "contact"));
        ObjectNode contact = object().put("AccountId", "@{account.id}").put("FirstName", first).put("LastName", last)
                .put("Email", email).put("MailingPostalCode", postal);
        return new WriteGroup("g" + n, List.of(
                new RecordWrite("account", "Account", ACCOUNT_KEY, "CEF-ACCOUNT-" + n, account),
                new RecordWrite("contact", "Contact", "Clarity_Contact_Key__c", "CEF-CONTACT-" + n, contact)),
                "contact");
    }

    /** The flow's steps: salesforce.personAccounts, then salesforce.match. */
    private List<Enricher.Result> check(WriteGroup... groups) {
        List<WriteGroup> planned = personAccounts.enrich(List.of(groups)).stream()
                .map(r -> ((Enricher.Result.Enriched) r).group()).toList();
        return match.enrich(planned);
    }

    private WriteOutcome write(WriteGroup group) {
        SalesforceRecordWriter writer = new SalesforceRecordWriter(batching, client);
        var pending = writer.write(group);
        writer.flush();
        return pending.join();
    }

    private String personAccount(String first, String last, String email, String postal) {
        ObjectNode fields = object().put("FirstName", first).put("LastName", last);
        if (email != null) {
            fields.put("PersonEmail", email);
        }
        if (postal != null) {
            fields.put("PersonMailingPostalCode", postal);
        }
        return client.create("Account", fields);
    }

    @Test
    void aPersonAccountWithTheSameNormalisedPersonEmailAndNoKeyIsLinkedNotDuplicated() {
        String existing = personAccount("Jane", "Doe", "Jane.Doe@Example.com", null);

        Enricher.Result result = check(consumer(1, "Jane", "Doe", "jane.doe@example.com", "78701")).getFirst();

        WriteGroup linked = ((Enricher.Result.Enriched) result).group();
        assertThat(linked.record("account").orElseThrow().fields().path("Id").asText()).isEqualTo(existing);
        assertThat(write(linked)).isInstanceOf(WriteOutcome.Written.class);
        List<ObjectNode> accounts = client.query("SELECT Id, IsPersonAccount, " + ACCOUNT_KEY
                + ", Clarity_Contact_Key__pc, PersonMailingPostalCode FROM Account");
        assertThat(accounts).singleElement().satisfies(a -> {
            assertThat(a.path("Id").asText()).isEqualTo(existing);
            assertThat(a.path("IsPersonAccount").asBoolean()).isTrue();
            assertThat(a.path(ACCOUNT_KEY).asText()).isEqualTo("CEF-ACCOUNT-1");
            assertThat(a.path("Clarity_Contact_Key__pc").asText()).isEqualTo("CEF-CONTACT-1");
            assertThat(a.path("PersonMailingPostalCode").asText()).isEqualTo("78701");
        });
        assertThat(client.query("SELECT Id FROM Contact")).as("only the person contact").hasSize(1);
    }

    @Test
    void aPersonAccountWithTheSamePersonNameAndMailingPostalCodeIsLinked() {
        String existing = personAccount("Max", "Roe", null, "78701");

        Enricher.Result result = check(consumer(2, "max", "ROE", "max@example.com", "78701")).getFirst();

        assertThat(((Enricher.Result.Enriched) result).group().record("account").orElseThrow().fields()
                .path("Id").asText()).isEqualTo(existing);
    }

    @Test
    void twoMatchingPersonAccountsFlagTheCustomerWithBothCandidates() {
        String a = personAccount("Jane", "Doe", "jane@example.com", null);
        String b = personAccount("Jane", "Doe", "JANE@example.com", null);

        Enricher.Result result = check(consumer(3, "Jane", "Doe", "jane@example.com", "78701")).getFirst();

        assertThat(result).isInstanceOfSatisfying(Enricher.Result.Failed.class, f -> {
            assertThat(f.error().errorCode()).isEqualTo(DuplicateMatchEnricher.CANDIDATES);
            assertThat(f.error().message()).contains(a, b, "PersonEmail");
        });
    }

    @Test
    void aBusinessContactWithTheSameEmailIsNoPersonAccountCandidate() {
        String company = client.create("Account", object().put("Name", "ACME Corp"));
        client.create("Contact", object().put("LastName", "Doe").put("Email", "jane@example.com")
                .put("AccountId", company));

        Enricher.Result result = check(consumer(4, "Jane", "Doe", "jane@example.com", "78701")).getFirst();

        assertThat(((Enricher.Result.Enriched) result).group().record("account").orElseThrow().fields().has("Id"))
                .isFalse();
    }

    @Test
    void aBusinessContactMatchingAPersonContactIsFlaggedNotLinked() {
        String person = personAccount("Jane", "Doe", "jane@example.com", null);
        String personContact = client.get("Account", person, "PersonContactId").orElseThrow()
                .path("PersonContactId").asText();
        WriteGroup business = new WriteGroup("g5", List.of(
                new RecordWrite("account", "Account", ACCOUNT_KEY, "ACC-B", object().put("Name", "ACME Corp")),
                new RecordWrite("contact", "Contact", "Clarity_Contact_Key__c", "CON-B", object()
                        .put("AccountId", "@{account.id}").put("LastName", "Doe").put("Email", "jane@example.com"))),
                "contact");

        Enricher.Result result = match.enrich(List.of(business)).getFirst();

        assertThat(result).isInstanceOfSatisfying(Enricher.Result.Failed.class, f -> {
            assertThat(f.error().errorCode()).isEqualTo(DuplicateMatchEnricher.CANDIDATES);
            assertThat(f.error().message()).contains("CON-B", personContact, "person contact");
        });
    }

    @Test
    void theScanFindsPersonAccountsWithTheSamePersonEmail() {
        String a = personAccount("Jane", "Doe", "jane@example.com", null);
        String b = personAccount("J.", "Doe", "Jane@Example.COM", null);
        personAccount("Other", "Person", "other@example.com", null);
        client.create("Account", object().put("Name", "Jane Doe"));

        List<DuplicateSet> sets = new DuplicateScanner(client, MatchRules.defaults())
                .scanSalesforce(MatchRules.PERSON_ACCOUNT, ACCOUNT_KEY);

        assertThat(sets).singleElement().satisfies(s -> {
            assertThat(s.matchedBy()).containsExactly("PersonEmail");
            assertThat(s.records()).extracting(r -> r.get("id")).containsExactly(a, b);
        });
    }

    @Test
    void aPersonAccountMergeMovesOrdersAndTheirPersonContactCopiesEmptyFieldsAndBothKeysAndDeletesTheLoser() {
        String survivor = personAccount("Jane", "Doe", "jane@example.com", null);
        String loser = personAccount("Jane", "Doe", "jane@example.com", "78701");
        ObjectNode keys = object().put(ACCOUNT_KEY, "CEF-ACCOUNT-9").put("Clarity_Contact_Key__pc", "CEF-CONTACT-9");
        client.update("Account", loser, keys);
        String loserContact = client.get("Account", loser, "PersonContactId").orElseThrow()
                .path("PersonContactId").asText();
        String survivorContact = client.get("Account", survivor, "PersonContactId").orElseThrow()
                .path("PersonContactId").asText();
        String order = client.create("Order", object().put("AccountId", loser).put("BillToContactId", loserContact)
                .put("EffectiveDate", "2026-01-05").put("Status", "Draft"));
        DuplicateMerger merger = new DuplicateMerger(client);

        MergePlan plan = merger.plan(MatchRules.PERSON_ACCOUNT, ACCOUNT_KEY, survivor, loser);
        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.moves()).extracting(MergePlan.Move::field).containsExactlyInAnyOrder("AccountId",
                "BillToContactId");
        assertThat(plan.copied()).containsKeys("PersonMailingPostalCode", "Clarity_Contact_Key__pc");
        assertThat(plan.copied()).doesNotContainKey("Name");
        merger.apply(plan);

        ObjectNode moved = client.get("Order", order, "AccountId", "BillToContactId").orElseThrow();
        assertThat(moved.path("AccountId").asText()).isEqualTo(survivor);
        assertThat(moved.path("BillToContactId").asText()).isEqualTo(survivorContact);
        ObjectNode kept = client.get("Account", survivor, ACCOUNT_KEY, "Clarity_Contact_Key__pc",
                "PersonMailingPostalCode").orElseThrow();
        assertThat(kept.path(ACCOUNT_KEY).asText()).isEqualTo("CEF-ACCOUNT-9");
        assertThat(kept.path("Clarity_Contact_Key__pc").asText()).isEqualTo("CEF-CONTACT-9");
        assertThat(kept.path("PersonMailingPostalCode").asText()).isEqualTo("78701");
        assertThat(client.query("SELECT Id FROM Account")).extracting(r -> r.path("Id").asText())
                .containsExactly(survivor);
        assertThat(client.query("SELECT Id, Clarity_Contact_Key__c FROM Contact")).singleElement()
                .satisfies(c -> {
                    assertThat(c.path("Id").asText()).isEqualTo(survivorContact);
                    assertThat(c.path("Clarity_Contact_Key__c").asText()).isEqualTo("CEF-CONTACT-9");
                });
    }

    @Test
    void aPersonAccountIsNotMergedWithABusinessAccount() {
        String person = personAccount("Jane", "Doe", "jane@example.com", null);
        String business = client.create("Account", object().put("Name", "Jane Doe"));
        DuplicateMerger merger = new DuplicateMerger(client);

        MergePlan plan = merger.plan(MatchRules.PERSON_ACCOUNT, ACCOUNT_KEY, person, business);

        assertThat(plan.blockers()).singleElement().asString().contains(business, "business account",
                "only with another person account");
        assertThatThrownBy(() -> merger.apply(plan)).isInstanceOf(DuplicateMerger.MergeRefused.class);
        assertThat(client.query("SELECT Id FROM Account")).hasSize(2);
    }

    /** No record is linked in Tandem yet. */
    private static final IdMap NO_LINKS = new IdMap() {
        @Override
        public void putId(String objectType, String sourceKey, String targetId) {
        }

        @Override
        public Optional<String> targetId(String objectType, String sourceKey) {
            return Optional.empty();
        }

        @Override
        public Optional<String> sourceKey(String objectType, String targetId) {
            return Optional.empty();
        }

        @Override
        public long countIds(String objectType) {
            return 0;
        }
    };
}
