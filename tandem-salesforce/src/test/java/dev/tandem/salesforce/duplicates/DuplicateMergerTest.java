package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The duplicate scan and the admin-style merge against the Salesforce sandbox. */
class DuplicateMergerTest {

    private static final String ACCOUNT_KEY = "Clarity_Account_Key__c";
    private static final String CONTACT_KEY = "Clarity_Contact_Key__c";

    private SalesforceSandbox sandbox;
    private SalesforceRestClient client;
    private DuplicateMerger merger;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().port(0).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
        merger = new DuplicateMerger(client);
    }

    @AfterEach
    void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private String order(String accountId, String billTo) {
        ObjectNode o = object().put("AccountId", accountId).put("EffectiveDate", "2026-01-05").put("Status", "Draft");
        if (billTo != null) {
            o.put("BillToContactId", billTo);
        }
        return client.create("Order", o);
    }

    @Test
    void theScanGroupsContactsByNormalisedEmailAndByNameAndPostalCode() {
        String a = client.create("Contact", object().put("LastName", "Doe").put("Email", "jane@example.com"));
        String b = client.create("Contact", object().put("LastName", "Doe").put("Email", "JANE@Example.com")
                .put(CONTACT_KEY, "CON-1"));
        String c = client.create("Contact", object().put("FirstName", "Max").put("LastName", "Roe")
                .put("MailingPostalCode", "78701"));
        String d = client.create("Contact", object().put("FirstName", "max").put("LastName", "ROE")
                .put("MailingPostalCode", "78701"));
        client.create("Contact", object().put("LastName", "Alone").put("Email", "alone@example.com"));

        List<DuplicateSet> sets = new DuplicateScanner(client, MatchRules.defaults()).scanSalesforce("Contact",
                CONTACT_KEY);

        assertThat(sets).hasSize(2);
        assertThat(sets.get(0).matchedBy()).containsExactly("Email");
        assertThat(sets.get(0).value()).isEqualTo("jane@example.com");
        assertThat(sets.get(0).records()).extracting(r -> r.get("id")).containsExactly(a, b);
        assertThat(sets.get(0).records().get(1)).containsEntry("key", "CON-1");
        assertThat(sets.get(1).matchedBy()).containsExactly("FirstName + LastName + MailingPostalCode");
        assertThat(sets.get(1).records()).extracting(r -> r.get("id")).containsExactly(c, d);
    }

    @Test
    void anAccountMergeMovesContactsOrdersAndOpportunitiesCopiesEmptyFieldsMovesTheKeyAndDeletesTheLoser() {
        String survivor = client.create("Account", object().put("Name", "Acme").put("BillingPostalCode", "78701"));
        String loser = client.create("Account", object().put("Name", "ACME").put("BillingPostalCode", "78701")
                .put("Phone", "+1 512 555 0100").put(ACCOUNT_KEY, "ACC-7"));
        String contact = client.create("Contact", object().put("LastName", "Doe").put("AccountId", loser));
        String order = order(loser, null);
        String opportunity = client.create("Opportunity", object().put("Name", "Deal").put("StageName", "Prospecting")
                .put("CloseDate", "2026-03-01").put("AccountId", loser));

        MergePlan plan = merger.plan("Account", ACCOUNT_KEY, survivor, loser);

        assertThat(plan.blockers()).isEmpty();
        assertThat(plan.movedKey()).isEqualTo("ACC-7");
        assertThat(plan.copied()).containsOnlyKeys("Phone");
        assertThat(plan.moves()).extracting(MergePlan.Move::id).containsExactlyInAnyOrder(contact, order, opportunity);
        assertThat(client.query("SELECT Id FROM Account")).as("a plan writes nothing").hasSize(2);

        long before = sandbox.apiRequestCount();
        merger.apply(plan);

        assertThat(sandbox.apiRequestCount() - before).as("one Composite Graph").isEqualTo(1);
        List<ObjectNode> accounts = client.query("SELECT Id, Name, Phone, Clarity_Account_Key__c FROM Account");
        assertThat(accounts).singleElement().satisfies(a -> {
            assertThat(a.path("Id").asText()).isEqualTo(survivor);
            assertThat(a.path("Name").asText()).as("the survivor's own value wins").isEqualTo("Acme");
            assertThat(a.path("Phone").asText()).isEqualTo("+1 512 555 0100");
            assertThat(a.path(ACCOUNT_KEY).asText()).isEqualTo("ACC-7");
        });
        assertThat(client.query("SELECT AccountId FROM Contact").getFirst().path("AccountId").asText()).isEqualTo(survivor);
        assertThat(client.query("SELECT AccountId FROM Order").getFirst().path("AccountId").asText()).isEqualTo(survivor);
        assertThat(client.query("SELECT AccountId FROM Opportunity").getFirst().path("AccountId").asText())
                .isEqualTo(survivor);
    }

    @Test
    void aContactMergeMovesTheOrdersThatBillToTheLoser() {
        String account = client.create("Account", object().put("Name", "Acme"));
        String survivor = client.create("Contact", object().put("LastName", "Doe").put("Email", "d@example.com")
                .put(CONTACT_KEY, "CON-1"));
        String loser = client.create("Contact", object().put("LastName", "Doe").put("Email", "d@example.com")
                .put("MobilePhone", "+1 737 555 0101"));
        String order = order(account, loser);

        MergePlan plan = merger.apply(merger.plan("Contact", CONTACT_KEY, survivor, loser));

        assertThat(plan.applied()).isTrue();
        assertThat(plan.movedKey()).isEmpty();
        assertThat(plan.survivorKey()).isEqualTo("CON-1");
        assertThat(client.query("SELECT Id, MobilePhone FROM Contact")).singleElement()
                .satisfies(c -> assertThat(c.path("MobilePhone").asText()).isEqualTo("+1 737 555 0101"));
        assertThat(client.query("SELECT BillToContactId FROM Order WHERE Id = '" + order + "'").getFirst()
                .path("BillToContactId").asText()).isEqualTo(survivor);
    }

    @Test
    void twoClarityKeysBlockTheMergeAndNothingChanges() {
        String survivor = client.create("Contact", object().put("LastName", "A").put(CONTACT_KEY, "CON-1"));
        String loser = client.create("Contact", object().put("LastName", "B").put(CONTACT_KEY, "CON-2"));

        MergePlan plan = merger.plan("Contact", CONTACT_KEY, survivor, loser);

        assertThat(plan.blockers()).singleElement().asString().contains("CON-1", "CON-2", "merge them in Clarity");
        assertThatThrownBy(() -> merger.apply(plan)).isInstanceOf(DuplicateMerger.MergeRefused.class);
        assertThat(client.query("SELECT Id FROM Contact")).hasSize(2);
    }

    @Test
    void badIdsTheSameRecordAndUnknownRecordsAreRefusedClearly() {
        String a = client.create("Contact", object().put("LastName", "A"));
        String unknown = a.substring(0, 3) + "0".repeat(12) + "ZZZ";

        assertThatThrownBy(() -> merger.plan("Contact", CONTACT_KEY, a, "1 OR 1=1"))
                .isInstanceOf(DuplicateMerger.MergeRefused.class).hasMessageContaining("15 or 18");
        assertThatThrownBy(() -> merger.plan("Contact", CONTACT_KEY, a, a.substring(0, 15)))
                .hasMessageContaining("same record");
        assertThatThrownBy(() -> merger.plan("Lead", CONTACT_KEY, a, unknown)).hasMessageContaining("Account or Contact");
        assertThatThrownBy(() -> merger.plan("Contact", CONTACT_KEY, a, unknown))
                .isInstanceOfSatisfying(DuplicateMerger.MergeRefused.class, e -> assertThat(e.notFound()).isTrue());
    }

    @Test
    void aStepSalesforceRefusesRollsTheWholeMergeBack() {
        String survivor = client.create("Account", object().put("Name", "Acme"));
        String loser = client.create("Account", object().put("Name", "Acme 2"));
        String contact = client.create("Contact", object().put("LastName", "Doe").put("AccountId", loser));
        MergePlan plan = merger.plan("Account", ACCOUNT_KEY, survivor, loser);
        client.delete("Account", survivor); // gone between the dry run and the apply

        assertThatThrownBy(() -> merger.apply(plan)).isInstanceOf(IntegrationException.class)
                .hasMessageContaining("changed nothing");
        assertThat(client.query("SELECT AccountId FROM Contact WHERE Id = '" + contact + "'").getFirst()
                .path("AccountId").asText()).isEqualTo(loser);
    }
}
