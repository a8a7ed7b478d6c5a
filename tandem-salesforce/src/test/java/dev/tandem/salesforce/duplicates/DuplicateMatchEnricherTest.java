package dev.tandem.salesforce.duplicates;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.client.SalesforceRestClient;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code salesforce.match} against the Salesforce sandbox: a customer that already exists in Salesforce without a
 * Clarity key is linked (and written by id), several candidates flag it, and the look-ups of a batch are one query.
 */
class DuplicateMatchEnricherTest {

    private SalesforceSandbox sandbox;
    private SalesforceRestClient client;
    private BatchingSalesforceWriter batching;
    private final Map<String, String> links = new ConcurrentHashMap<>();
    private DuplicateMatchEnricher enricher;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().port(0).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
        batching = new BatchingSalesforceWriter(client, client,
                BatchingSettings.defaults().withWindow(Duration.ofMinutes(5)), new SimpleMeterRegistry());
        enricher = new DuplicateMatchEnricher(client, new MapLinks(links), MatchRules.defaults());
    }

    @AfterEach
    void stop() {
        batching.close();
        client.close();
        sandbox.close();
    }

    private WriteOutcome write(WriteGroup group) {
        SalesforceRecordWriter writer = new SalesforceRecordWriter(batching, client);
        var pending = writer.write(group);
        writer.flush();
        return pending.join();
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static WriteGroup customer(String n, String email, String accountName) {
        return new WriteGroup("g" + n, List.of(
                new RecordWrite("account", "Account", "Clarity_Account_Key__c", "ACC-" + n,
                        object().put("Name", accountName).put("BillingPostalCode", "78701")),
                new RecordWrite("contact", "Contact", "Clarity_Contact_Key__c", "CON-" + n,
                        object().put("AccountId", "@{account.id}").put("LastName", "Doe " + n).put("Email", email))),
                "contact");
    }

    @Test
    void aContactWithTheSameNormalisedEmailAndNoKeyIsLinkedAndWrittenByIdWithoutADuplicate() {
        String rep = client.create("Contact", object().put("LastName", "Doe").put("Email", "Jane.Doe@Example.com"));

        Enricher.Result result = enricher.enrich(List.of(customer("1", "jane.doe@example.COM", "Doe Household")))
                .getFirst();

        WriteGroup linked = ((Enricher.Result.Enriched) result).group();
        assertThat(linked.record("contact").orElseThrow().fields().path("Id").asText()).isEqualTo(rep);
        assertThat(linked.record("account").orElseThrow().fields().has("Id")).isFalse();
        WriteOutcome outcome = write(linked);
        assertThat(outcome).isInstanceOfSatisfying(WriteOutcome.Written.class,
                w -> assertThat(w.idsByRef()).containsEntry("contact", rep));
        List<ObjectNode> contacts = client.query("SELECT Id, Clarity_Contact_Key__c, AccountId, LastName FROM Contact");
        assertThat(contacts).hasSize(1);
        assertThat(contacts.getFirst().path("Clarity_Contact_Key__c").asText()).isEqualTo("CON-1");
        assertThat(contacts.getFirst().path("LastName").asText()).isEqualTo("Doe 1");
        assertThat(contacts.getFirst().path("AccountId").asText()).isNotBlank();
    }

    @Test
    void aSingleRecordGroupLinkedByIdIsWrittenAsAGraphUpsertById() {
        String rep = client.create("Account", object().put("Name", "ACME Corp").put("BillingPostalCode", "78701"));
        WriteGroup group = new WriteGroup("g", List.of(new RecordWrite("account", "Account", "Clarity_Account_Key__c",
                "ACC-9", object().put("Name", "acme corp").put("BillingPostalCode", "78701").put("Phone", "+1 5"))),
                "account");

        WriteGroup linked = ((Enricher.Result.Enriched) enricher.enrich(List.of(group)).getFirst()).group();
        assertThat(write(linked)).isInstanceOf(WriteOutcome.Written.class);

        List<ObjectNode> accounts = client.query("SELECT Id, Clarity_Account_Key__c, Phone FROM Account");
        assertThat(accounts).singleElement().satisfies(a -> {
            assertThat(a.path("Id").asText()).isEqualTo(rep);
            assertThat(a.path("Clarity_Account_Key__c").asText()).isEqualTo("ACC-9");
            assertThat(a.path("Phone").asText()).isEqualTo("+1 5");
        });
    }

    @Test
    void twoCandidatesFlagTheCustomerWithTheirIdsAndAnActionableMessage() {
        String a = client.create("Contact", object().put("LastName", "Doe").put("Email", "twin@example.com"));
        String b = client.create("Contact", object().put("LastName", "Doe").put("Email", "TWIN@example.com"));

        Enricher.Result result = enricher.enrich(List.of(customer("2", "twin@example.com", "Twins"))).getFirst();

        assertThat(result).isInstanceOfSatisfying(Enricher.Result.Failed.class, f -> {
            assertThat(f.error().errorCode()).isEqualTo(DuplicateMatchEnricher.CANDIDATES);
            assertThat(ErrorClass.of(f.error().errorCode())).isEqualTo(ErrorClass.DUPLICATE);
            assertThat(f.error().retryable()).isFalse();
            assertThat(f.error().message()).contains(a, b, "Contact CON-2", "by Email",
                    "tandem duplicates merge --object Contact");
        });
    }

    @Test
    void aCandidateThatBelongsToAnotherClarityRecordIsFlaggedNotRelinked() {
        String other = client.create("Contact", object().put("LastName", "Doe").put("Email", "shared@example.com")
                .put("Clarity_Contact_Key__c", "CON-OTHER"));

        Enricher.Result result = enricher.enrich(List.of(customer("3", "shared@example.com", "Shared"))).getFirst();

        assertThat(result).isInstanceOfSatisfying(Enricher.Result.Failed.class,
                f -> assertThat(f.error().message()).contains(other, "CON-OTHER", "another Clarity contact"));
    }

    @Test
    void aBatchCostsOneCompositeCallForBothObjectsAndLinkedOrKeyedRecordsAreLeftAlone() {
        client.create("Contact", object().put("LastName", "Keyed").put("Email", "k@example.com")
                .put("Clarity_Contact_Key__c", "CON-5"));
        links.put("Contact/CON-6", "003000000000001AAA");
        links.put("Account/ACC-6", "001000000000001AAA");
        client.query("SELECT Id FROM Account LIMIT 1"); // the token, before counting
        long before = sandbox.apiRequestCount();

        List<Enricher.Result> results = enricher.enrich(List.of(customer("4", "new@example.com", "New"),
                customer("5", "k@example.com", "Keyed"), customer("6", "linked@example.com", "Linked")));

        // Account + Contact: one SOQL query each, both in one POST /composite
        assertThat(sandbox.apiRequestCount() - before).isEqualTo(1);
        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Enricher.Result.Enriched.class));
        assertThat(results).allSatisfy(r -> ((Enricher.Result.Enriched) r).group().records()
                .forEach(rec -> assertThat(rec.fields().has("Id")).isFalse()));

        links.put("Contact/CON-4", "x");
        links.put("Account/ACC-4", "x");
        links.put("Contact/CON-5", "x");
        links.put("Account/ACC-5", "x");
        long linkedBefore = sandbox.apiRequestCount();
        enricher.enrich(List.of(customer("4", "new@example.com", "New"), customer("5", "k@example.com", "Keyed")));
        assertThat(sandbox.apiRequestCount()).isEqualTo(linkedBefore);
    }

    @Test
    void aDuplicateRuleAnswerNamesTheMatchedRecordsInTheRejection() {
        sandbox.setContactDuplicateRuleByEmail(true);
        String existing = client.create("Contact", object().put("LastName", "Doe").put("Email", "rule@example.com"));

        // Written without the match step (as a flow without it would): Salesforce's duplicate rule refuses it.
        WriteOutcome outcome = write(customer("8", "rule@example.com", "Rule"));

        assertThat(outcome).isInstanceOfSatisfying(WriteOutcome.Rejected.class, r -> {
            assertThat(r.error().errorCode()).isEqualTo("DUPLICATES_DETECTED");
            assertThat(ErrorClass.of(r.error().errorCode())).isEqualTo(ErrorClass.DUPLICATE);
            assertThat(r.error().message()).contains("matching record: " + existing);
        });
        assertThat(client.query("SELECT Id FROM Account")).as("the graph rolled back").isEmpty();
    }

    @Test
    void aHostileValueStaysAStringLiteral() {
        Enricher.Result result = enricher.enrich(List.of(customer("7", "x@example.com') OR (Name != '", "O'Brien")))
                .getFirst();

        assertThat(result).isInstanceOf(Enricher.Result.Enriched.class);
    }

    /** A customer as the shipped flow plans it: Account by name and postal code, Contact with names and e-mail. */
    private static WriteGroup person(int n, String first, String last, String email, String postal) {
        return new WriteGroup("g" + n, List.of(
                new RecordWrite("account", "Account", "Clarity_Account_Key__c", "CEF-ACCOUNT-" + n,
                        object().put("Name", first + " " + last).put("BillingPostalCode", postal)
                                .put("BillingCity", "Austin")),
                new RecordWrite("contact", "Contact", "Clarity_Contact_Key__c", "CEF-CONTACT-" + n,
                        object().put("AccountId", "@{account.id}").put("FirstName", first).put("LastName", last)
                                .put("Email", email).put("MailingPostalCode", postal))),
                "contact");
    }

    private static String postal(int i) {
        return String.valueOf(78_701 + i % 90);
    }

    @Test
    void twoHundredNewCustomersAreCheckedInOneApiCallWithTheSameDecisions() {
        String byEmail = client.create("Contact", object().put("LastName", "Rep").put("Email", "customer.150@example.com"));
        String byName = client.create("Contact", object().put("FirstName", "First77").put("LastName", "Customer-Lastname-77")
                .put("MailingPostalCode", postal(77)));
        String account = client.create("Account", object().put("Name", "First12 Customer-Lastname-12")
                .put("BillingPostalCode", postal(12)));
        List<WriteGroup> batch = IntStream.range(0, 200).mapToObj(i -> person(i, "First" + i,
                "Customer-Lastname-" + i, "customer." + i + "@example.com", postal(i))).toList();
        long before = sandbox.apiRequestCount();

        List<Enricher.Result> results = enricher.enrich(batch);

        assertThat(sandbox.apiRequestCount() - before).as("200 Accounts and 200 Contacts looked up").isEqualTo(1);
        assertThat(idOf(results.get(150), "contact")).contains(byEmail);
        assertThat(idOf(results.get(77), "contact")).contains(byName);
        assertThat(idOf(results.get(12), "account")).contains(account);
        for (int i = 0; i < 200; i++) {
            if (i != 150 && i != 77 && i != 12) {
                assertThat(idOf(results.get(i), "contact")).as("customer " + i).isEmpty();
                assertThat(idOf(results.get(i), "account")).as("customer " + i).isEmpty();
            }
        }
    }

    @Test
    void aRowFoundOnlyByMixingTwoRecordsValuesIsNoCandidate() {
        // The batch asks for Jane Doe in 78701 and John Roe in 10001; Jane Roe in 78701 shares a value with each
        // but matches neither by name and postal code.
        client.create("Contact", object().put("FirstName", "Jane").put("LastName", "Roe").put("MailingPostalCode", "78701"));
        client.create("Account", object().put("Name", "Jane Roe").put("BillingPostalCode", "10001"));

        List<Enricher.Result> results = enricher.enrich(List.of(person(1, "Jane", "Doe", "jane@example.com", "78701"),
                person(2, "John", "Roe", "john@example.com", "10001")));

        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Enricher.Result.Enriched.class));
        assertThat(results).allSatisfy(r -> ((Enricher.Result.Enriched) r).group().records()
                .forEach(rec -> assertThat(rec.fields().has("Id")).isFalse()));
    }

    @Test
    void aBatchLargerThanOneQueryIsCutByItsEncodedLengthIntoQueriesThatFitAndGoFiveToACall() {
        // Values that URL-encode to up to nine bytes a character: fewer records fit in a query.
        String rep = client.create("Contact", object().put("LastName", "Rep").put("Email", "kunde.399@bücher-straße.example"));
        List<WriteGroup> batch = IntStream.range(0, 400).mapToObj(i -> person(i, "Jürgen" + i, "Müller-Lüdenscheidt" + i,
                "kunde." + i + "@bücher-straße.example", "8" + (1000 + i))).toList();
        List<String> sent = new ArrayList<>();
        SalesforceApi recording = new SalesforceApi() {
            @Override
            public List<ObjectNode> query(String soql) {
                sent.add(soql);
                return client.query(soql);
            }

            @Override
            public List<List<ObjectNode>> queries(List<String> soqls) {
                sent.addAll(soqls);
                return client.queries(soqls);
            }

            @Override
            public int queryUriBytes(String soql) {
                return client.queryUriBytes(soql);
            }

            @Override
            public List<GraphResult> compositeGraph(List<Graph> graphs) {
                throw new AssertionError("the check writes nothing");
            }

            @Override
            public String create(String sobject, ObjectNode fields) {
                throw new AssertionError("the check writes nothing");
            }

            @Override
            public long apiCallCount() {
                return client.apiCallCount();
            }
        };
        long before = sandbox.apiRequestCount();

        List<Enricher.Result> results = new DuplicateMatchEnricher(recording, new MapLinks(links), MatchRules.defaults())
                .enrich(batch);

        assertThat(sent.size()).as("400 Contacts and 400 Accounts need more than one query each").isGreaterThan(2);
        assertThat(sent).allSatisfy(q -> assertThat(client.queryUriBytes(q))
                .isLessThanOrEqualTo(DuplicateMatchEnricher.QUERY_URI_BUDGET));
        assertThat(sandbox.apiRequestCount() - before).isEqualTo((sent.size() + 4) / 5);
        assertThat(idOf(results.get(399), "contact")).contains(rep);
        assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(Enricher.Result.Enriched.class));
    }

    @Test
    void aRecordWhoseValuesCannotFitOneQueryIsFlaggedAndTheOthersAreStillChecked() {
        String rep = client.create("Contact", object().put("LastName", "Rep").put("Email", "ok@example.com"));

        List<Enricher.Result> results = enricher.enrich(List.of(customer("1", "x".repeat(20_000) + "@example.com", "Big"),
                customer("2", "ok@example.com", "Fine")));

        assertThat(results.get(0)).isInstanceOfSatisfying(Enricher.Result.Failed.class, f -> {
            assertThat(f.error().errorCode()).isEqualTo(DuplicateMatchEnricher.TOO_LONG);
            assertThat(f.error().retryable()).isFalse();
            assertThat(f.error().message()).contains("CON-1", "too long");
        });
        assertThat(idOf(results.get(1), "contact")).contains(rep);
    }

    @Test
    void rulesNamingAFieldTheOrgLacksAreAConfigurationFaultRetriedNotADeadLetter() {
        MatchRules rules = MatchRules.withDefaults(Map.of("Contact", List.of(List.of("Email"),
                List.of("LastName", "Shoe_Size__c"))));
        DuplicateMatchEnricher checked = new DuplicateMatchEnricher(client, new MapLinks(links), rules, client::describe);

        List<Enricher.Result> results = checked.enrich(List.of(customer("1", "a@example.com", "A")));

        assertThat(results.getFirst()).isInstanceOfSatisfying(Enricher.Result.Failed.class, f -> {
            assertThat(f.error().errorCode()).isEqualTo(DuplicateMatchEnricher.RULES_INVALID);
            assertThat(f.error().retryable()).isTrue();
            assertThat(f.error().message()).contains("Shoe_Size__c", "salesforce.match.Contact", "tandem.yaml");
        });
        // The same rules with the field the org has pass.
        DuplicateMatchEnricher fine = new DuplicateMatchEnricher(client, new MapLinks(links), MatchRules.defaults(),
                client::describe);
        assertThat(fine.enrich(List.of(customer("2", "b@example.com", "B"))).getFirst())
                .isInstanceOf(Enricher.Result.Enriched.class);
    }

    private static Optional<String> idOf(Enricher.Result result, String ref) {
        assertThat(result).isInstanceOf(Enricher.Result.Enriched.class);
        var fields = ((Enricher.Result.Enriched) result).group().record(ref).orElseThrow().fields();
        return fields.hasNonNull("Id") ? Optional.of(fields.get("Id").asText()) : Optional.empty();
    }

    /** An id map over a plain map, keyed {@code objectType/sourceKey}. */
    private record MapLinks(Map<String, String> links) implements IdMap {
        @Override
        public void putId(String objectType, String sourceKey, String targetId) {
            links.put(objectType + "/" + sourceKey, targetId);
        }

        @Override
        public Optional<String> targetId(String objectType, String sourceKey) {
            return Optional.ofNullable(links.get(objectType + "/" + sourceKey));
        }

        @Override
        public Optional<String> sourceKey(String objectType, String targetId) {
            return links.entrySet().stream().filter(e -> e.getValue().equals(targetId)
                    && e.getKey().startsWith(objectType + "/")).map(e -> e.getKey().substring(objectType.length() + 1))
                    .findFirst();
        }

        @Override
        public long countIds(String objectType) {
            return links.keySet().stream().filter(k -> k.startsWith(objectType + "/")).count();
        }
    }
}
