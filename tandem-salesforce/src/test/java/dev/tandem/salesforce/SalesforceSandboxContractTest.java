package dev.tandem.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.auth.AccessToken;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.model.UpsertResult;
import dev.tandem.salesforce.write.CompositeGraphWriter;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The real connector against the Salesforce sandbox: the sandbox was written from the same spec by someone else, so
 * a disagreement here is a disagreement about the wire (salesforce-api.md §1.2, §1.5, §1.7, §2.3-2.5, §2.7, §2.10).
 */
class SalesforceSandboxContractTest {

    private static final String CLIENT_ID = "3MVG9contract.test_key";
    private static final String CLIENT_SECRET = "contract-secret-5e1f";

    private static SalesforceSandbox sandbox;
    private static SalesforceConfig config;
    private static SalesforceRestClient client;

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.builder().port(0).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).build().start();
        config = SalesforceConfig.of(URI.create(sandbox.baseUrl() + "/services/oauth2/token"), CLIENT_ID, CLIENT_SECRET);
        client = SalesforceRestClient.create(config, new SimpleMeterRegistry());
    }

    /** Faults and an exhausted allocation last until cleared; every test starts from a healthy, empty org. */
    @AfterEach
    void clearFaults() {
        sandbox.faults().clear();
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode fields(Map<String, String> values) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        values.forEach(node::put);
        return node;
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void obtainsATokenForTheOrgWithClientCredentials() {
        AccessToken token;
        try (HttpClient http = HttpClient.newHttpClient()) {
            token = new ClientCredentialsTokenProvider(config, http).token();
        }

        assertThat(token.instanceUrl()).isEqualTo(URI.create(sandbox.baseUrl()));
        assertThat(token.value()).startsWith(sandbox.orgId().substring(0, 15));
        assertThat(token.identityUrl()).contains(sandbox.orgId());
    }

    @Test
    void aWrongSecretIsAPermanentOAuthError() {
        SalesforceConfig wrong = SalesforceConfig.of(config.tokenUrl(), CLIENT_ID, "not-the-secret");

        try (HttpClient http = HttpClient.newHttpClient()) {
            assertThatThrownBy(() -> new ClientCredentialsTokenProvider(wrong, http).token())
                    .isInstanceOfSatisfying(IntegrationException.class, e -> {
                        assertThat(e.retryable()).isFalse();
                        assertThat(e.errorCode()).startsWith("invalid_");
                        assertThat(e.getMessage()).doesNotContain("not-the-secret");
                    });
        }
    }

    @Test
    void createsARecordTaggedWithTheCallOptionsClient() {
        String id = client.create("Account", fields(Map.of("Name", "Acme Contract")));

        assertThat(sandbox.record("Account", id)).map(r -> r.get("Name")).contains("Acme Contract");
        assertThat(sandbox.lastModifiedByClient(id)).contains("tandem");
        assertThat(client.get("Account", id, "Id", "Name")).map(r -> r.path("Name").asText()).contains("Acme Contract");
    }

    @Test
    void upsertCreatesThenUpdatesTheSameRecord() {
        String key = unique("CUST");

        UpsertResult created = client.upsert("Account", "Clarity_Account_Key__c", key, fields(Map.of("Name", "Before")));
        UpsertResult updated = client.upsert("Account", "Clarity_Account_Key__c", key, fields(Map.of("Name", "After")));

        assertThat(created.created()).isTrue();
        assertThat(updated).isEqualTo(new UpsertResult(created.id(), false));
        assertThat(sandbox.record("Account", created.id())).map(r -> r.get("Name")).contains("After");
    }

    @Test
    void upsertByAKeyWithSpacesAndSlashesRoundTrips() {
        String key = unique("CUST / with space");

        String id = client.upsert("Account", "Clarity_Account_Key__c", key, fields(Map.of("Name", "Odd Key"))).id();

        assertThat(sandbox.record("Account", id)).map(r -> r.get("Clarity_Account_Key__c")).contains(key);
    }

    @Test
    void queryReturnsRecordsWithAttributes() {
        String key = unique("Q");
        client.upsert("Account", "Clarity_Account_Key__c", key, fields(Map.of("Name", "Queried")));

        List<ObjectNode> records = client.query(
                "SELECT Id, Name FROM Account WHERE Clarity_Account_Key__c = '" + key + "'");

        assertThat(records).hasSize(1);
        assertThat(records.getFirst().path("Name").asText()).isEqualTo("Queried");
        assertThat(records.getFirst().path("attributes").path("type").asText()).isEqualTo("Account");
    }

    @Test
    void queryFollowsNextRecordsUrlPastTheFirstBatch() {
        String tag = unique("PAGE");
        List<Graph> graphs = new ArrayList<>();
        for (int g = 0; g < 21; g++) {
            List<GraphNode> nodes = new ArrayList<>();
            for (int n = 0; n < 100; n++) {
                nodes.add(new GraphNode("POST", "sobjects/Account", "a" + n,
                        fields(Map.of("Name", "Paged " + g + "/" + n, "AccountNumber", tag))));
            }
            graphs.add(new Graph("g" + g, nodes));
        }
        assertThat(new CompositeGraphWriter(client).write(graphs)).allMatch(GraphResult::successful);

        List<ObjectNode> records = client.query("SELECT Id FROM Account WHERE AccountNumber = '" + tag + "'");

        assertThat(records).hasSize(2100);
        assertThat(records).extracting(r -> r.path("Id").asText()).doesNotHaveDuplicates();
    }

    @Test
    void aCompositeGraphWritesAnAccountAndItsContactTogether() {
        String key = unique("CUST");
        Graph graph = new Graph("order-1", List.of(
                new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/" + key, "acct",
                        fields(Map.of("Name", "Graph Account"))),
                new GraphNode("POST", "sobjects/Contact", "contact",
                        fields(Map.of("LastName", "Doe", "AccountId", "@{acct.id}")))));

        GraphResult result = client.compositeGraph(List.of(graph)).getFirst();

        assertThat(result.successful()).isTrue();
        String accountId = result.node("acct").orElseThrow().id();
        String contactId = result.node("contact").orElseThrow().id();
        assertThat(sandbox.record("Contact", contactId)).map(r -> r.get("AccountId")).contains(accountId);
    }

    @Test
    void aFailingNodeRollsBackItsWholeGraphOnly() {
        String goodKey = unique("GOOD");
        String badKey = unique("BAD");
        Graph good = new Graph("good", List.of(new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/" + goodKey,
                "acct", fields(Map.of("Name", "Kept")))));
        Graph bad = new Graph("bad", List.of(
                new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/" + badKey, "acct",
                        fields(Map.of("Name", "Rolled Back"))),
                new GraphNode("POST", "sobjects/Contact", "contact",
                        fields(Map.of("FirstName", "NoLastName", "AccountId", "@{acct.id}")))));

        List<GraphResult> results = client.compositeGraph(List.of(good, bad));

        assertThat(results).extracting(GraphResult::graphId).containsExactly("good", "bad");
        assertThat(results.get(0).successful()).isTrue();
        GraphResult failed = results.get(1);
        assertThat(failed.successful()).isFalse();
        ApiError cause = failed.cause().orElseThrow();
        assertThat(cause.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(cause.retryable()).isFalse();
        assertThat(client.query("SELECT Id FROM Account WHERE Clarity_Account_Key__c = '" + badKey + "'")).isEmpty();
        assertThat(client.query("SELECT Id FROM Account WHERE Clarity_Account_Key__c = '" + goodKey + "'")).hasSize(1);
    }

    @Test
    void aGraphAtTheDepthLimitIsAcceptedAndRunsEveryNode() {
        // §2.10 "max depth 15": fifteen Accounts, each naming the one before it by reference.
        List<GraphNode> nodes = new ArrayList<>();
        nodes.add(new GraphNode("POST", "sobjects/Account", "a0", fields(Map.of("Name", "Chain 0"))));
        for (int i = 1; i < SalesforceRestClient.MAX_GRAPH_DEPTH; i++) {
            nodes.add(new GraphNode("POST", "sobjects/Account", "a" + i,
                    fields(Map.of("Name", "Chain " + i, "Description", "after @{a" + (i - 1) + ".id}"))));
        }

        GraphResult result = client.compositeGraph(List.of(new Graph("chain", nodes))).getFirst();

        assertThat(result.successful()).isTrue();
        assertThat(sandbox.records("Account")).hasSize(SalesforceRestClient.MAX_GRAPH_DEPTH);
    }

    @Test
    void aRevokedTokenIsReplacedTransparently() {
        String id = client.create("Account", fields(Map.of("Name", "Before Revocation")));
        sandbox.faults().revokeTokens();

        assertThat(client.get("Account", id)).isPresent();
    }

    @Test
    void reportsTheOrgApiUsageFromEveryResponse() {
        client.query("SELECT Id FROM Account LIMIT 1");

        assertThat(client.apiUsage()).hasValueSatisfying(usage -> {
            assertThat(usage.max()).isEqualTo(100_000);
            assertThat(usage.used()).isPositive();
        });
    }

    @Test
    void anExhaustedAllocationIsRetryableLater() {
        sandbox.faults().exhaustLimit();

        assertThatThrownBy(() -> client.query("SELECT Id FROM Account LIMIT 1"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
                    assertThat(e.httpStatus()).isEqualTo(403);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).isPresent();
                });
    }

    @Test
    void anUnavailableServerIsRetryable() {
        sandbox.faults().setServerErrorRate(1.0);

        assertThatThrownBy(() -> client.create("Account", fields(Map.of("Name", "x"))))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void aLockedRowInAGraphIsRetryable() {
        sandbox.faults().setLockErrorRate(1.0);
        Graph graph = new Graph("locked", List.of(new GraphNode("POST", "sobjects/Account", "acct",
                fields(Map.of("Name", "Locked")))));

        GraphResult result = client.compositeGraph(List.of(graph)).getFirst();

        assertThat(result.successful()).isFalse();
        assertThat(result.cause()).map(ApiError::retryable).contains(true);
    }

    @Test
    void aMissingRecordIsEmptyAndDeletingItTwiceIsHarmless() {
        String id = client.create("Account", fields(Map.of("Name", "Short-lived")));

        assertThat(client.delete("Account", id)).isTrue();
        assertThat(client.delete("Account", id)).isFalse();
        assertThat(client.get("Account", id)).isEmpty();
    }
}
