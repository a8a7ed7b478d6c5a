package dev.tandem.salesforce.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.NodeResult;
import dev.tandem.salesforce.model.ApiUsage;
import dev.tandem.salesforce.model.UpsertResult;
import dev.tandem.salesforce.testing.FakeHttpServer;
import dev.tandem.salesforce.testing.FakeHttpServer.Response;
import dev.tandem.salesforce.testing.FakeSalesforce;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.tandem.salesforce.testing.FakeSalesforce.data;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SalesforceRestClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCOUNT = """
            {"attributes":{"type":"Account","url":"/services/data/v64.0/sobjects/Account/001D000000IRFmaIAH"},
             "Id":"001D000000IRFmaIAH","Name":"Acme"}""";

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final FakeHttpServer http = salesforce.http();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SalesforceRestClient client = salesforce.client(meters);
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        salesforce.close();
    }

    private static ObjectNode fields(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void answer(String method, String path, int status, String body) {
        http.on(method, path, r -> Response.json(status, body));
    }

    // ---------------------------------------------------------------------------------------------- headers

    @Test
    void everyRequestCarriesTheBearerTokenAcceptAndCallOptionsClient() {
        answer("GET", data("sobjects/Account/001D000000IRFmaIAH"), 200, ACCOUNT);

        client.get("Account", "001D000000IRFmaIAH");

        FakeHttpServer.Request request = http.requests("GET", data("sobjects/Account/001D000000IRFmaIAH")).getFirst();
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + FakeSalesforce.token(1));
        assertThat(request.header("Accept")).isEqualTo("application/json");
        assertThat(request.header("Sforce-Call-Options")).isEqualTo("client=tandem");
    }

    @Test
    void theCallOptionsClientIsConfigurable() {
        answer("GET", data("sobjects/Account/001D000000IRFmaIAH"), 200, ACCOUNT);
        SalesforceRestClient custom = salesforce.client(salesforce.config().withCallOptionsClient("tandem-prod"), meters);

        custom.get("Account", "001D000000IRFmaIAH");

        assertThat(http.requests().getLast().header("Sforce-Call-Options")).isEqualTo("client=tandem-prod");
    }

    // ---------------------------------------------------------------------------------------------- 401

    @Test
    void anExpiredSessionIsRenewedOnceAndTheRequestReplayed() {
        http.on("GET", data("sobjects/Account/001D000000IRFmaIAH"), r ->
                r.header("Authorization").equals("Bearer " + FakeSalesforce.token(1))
                        ? Response.json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")
                        : Response.json(200, ACCOUNT));

        JsonNode account = client.get("Account", "001D000000IRFmaIAH").orElseThrow();

        assertThat(account.path("Name").asText()).isEqualTo("Acme");
        assertThat(salesforce.tokensIssued()).isEqualTo(2);
        List<FakeHttpServer.Request> sent = http.requests("GET", data("sobjects/Account/001D000000IRFmaIAH"));
        assertThat(sent).extracting(r -> r.header("Authorization"))
                .containsExactly("Bearer " + FakeSalesforce.token(1), "Bearer " + FakeSalesforce.token(2));
        assertThat(client.apiCallCount()).isEqualTo(2);
    }

    @Test
    void aReplayedWriteResendsTheSameBody() {
        http.on("POST", data("sobjects/Account"), r ->
                r.header("Authorization").endsWith("token-1")
                        ? Response.json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")
                        : Response.json(201, "{\"id\":\"001D000000IRFmaIAH\",\"success\":true,\"errors\":[]}"));

        client.create("Account", fields("{\"Name\":\"Acme\"}"));

        assertThat(http.requests("POST", data("sobjects/Account"))).extracting(FakeHttpServer.Request::body)
                .containsExactly("{\"Name\":\"Acme\"}", "{\"Name\":\"Acme\"}");
    }

    @Test
    void aSecondUnauthorizedAnswerIsARetryableFailureAfterOneReauthentication() {
        answer("GET", data("sobjects/Account/001D000000IRFmaIAH"), 401,
                "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");

        assertThatThrownBy(() -> client.get("Account", "001D000000IRFmaIAH"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_SESSION_ID");
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.getMessage()).doesNotContain("token-");
                });
        assertThat(salesforce.tokensIssued()).isEqualTo(2);
        assertThat(http.requests("GET", data("sobjects/Account/001D000000IRFmaIAH"))).hasSize(2);
    }

    // ---------------------------------------------------------------------------------------------- errors

    @Test
    void serviceUnavailableIsRetryable() {
        answer("POST", data("sobjects/Account"), 503, "[{\"message\":\"Service unavailable\",\"errorCode\":\"SERVER_UNAVAILABLE\"}]");

        assertThatThrownBy(() -> client.create("Account", fields("{\"Name\":\"Acme\"}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.errorCode()).isEqualTo("SERVER_UNAVAILABLE");
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void requiredFieldMissingIsPermanentAndNamesTheFields() {
        answer("POST", data("sobjects/Account"), 400,
                "[{\"message\":\"Required fields are missing: [Name]\",\"errorCode\":\"REQUIRED_FIELD_MISSING\",\"fields\":[\"Name\"]}]");

        assertThatThrownBy(() -> client.create("Account", fields("{}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
                    assertThat(e.getMessage()).isEqualTo("Required fields are missing: [Name]");
                    assertThat(e.fields()).containsExactly("Name");
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void requestLimitExceededIsRetryableWithAWait() {
        answer("POST", data("sobjects/Account"), 403, "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");

        assertThatThrownBy(() -> client.create("Account", fields("{\"Name\":\"Acme\"}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).contains(Duration.ofMinutes(15));
                });
    }

    @Test
    void aSlowAnswerIsARetryableTimeout() {
        http.on("GET", data("sobjects/Account/001D000000IRFmaIAH"), r -> {
            release.await(10, TimeUnit.SECONDS);
            return Response.json(200, ACCOUNT);
        });
        SalesforceRestClient impatient = salesforce.client(salesforce.config().withRequestTimeout(Duration.ofMillis(300)), meters);

        assertThatThrownBy(() -> impatient.get("Account", "001D000000IRFmaIAH"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("TIMEOUT");
                    assertThat(e.retryable()).isTrue();
                });
    }

    // ---------------------------------------------------------------------------------------------- query

    @Test
    void queryFollowsNextRecordsUrlUntilDone() {
        answer("GET", data("query"), 200, """
                {"totalSize":2,"done":false,"nextRecordsUrl":"/services/data/v64.0/query/01gD0000002HU6KIAW-2000",
                 "records":[{"attributes":{"type":"Account","url":"/services/data/v64.0/sobjects/Account/001A"},"Name":"First Page"}]}""");
        answer("GET", data("query/01gD0000002HU6KIAW-2000"), 200, """
                {"totalSize":2,"done":true,
                 "records":[{"attributes":{"type":"Account","url":"/services/data/v64.0/sobjects/Account/001B"},"Name":"Second Page"}]}""");

        List<ObjectNode> records = client.query("SELECT Name FROM Account");

        assertThat(records).extracting(r -> r.path("Name").asText()).containsExactly("First Page", "Second Page");
        assertThat(records.getFirst().path("attributes").path("type").asText()).isEqualTo("Account");
        assertThat(http.requests("GET", data("query/01gD0000002HU6KIAW-2000")).getFirst().rawQuery()).isNull();
        assertThat(client.apiCallCount()).isEqualTo(2);
    }

    @Test
    void querySendsTheSoqlUrlEncoded() {
        answer("GET", data("query"), 200, "{\"totalSize\":0,\"done\":true,\"records\":[]}");
        String soql = "SELECT Id FROM Order WHERE Clarity_Order_Key__c = 'SO 5001&x=1'";

        assertThat(client.query(soql)).isEmpty();

        String rawQuery = http.requests("GET", data("query")).getFirst().rawQuery();
        assertThat(rawQuery).startsWith("q=").doesNotContain(" ").doesNotContain("+").doesNotContain("&");
        assertThat(URLDecoder.decode(rawQuery.substring(2), StandardCharsets.UTF_8)).isEqualTo(soql);
    }

    @Test
    void aQueryErrorIsPermanent() {
        answer("GET", data("query"), 400, "[{\"message\":\"sObject type 'Nope' is not supported.\",\"errorCode\":\"INVALID_TYPE\"}]");

        assertThatThrownBy(() -> client.query("SELECT Id FROM Nope"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_TYPE");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void aNextRecordsUrlPointingElsewhereIsNotFollowed() {
        answer("GET", data("query"), 200, """
                {"totalSize":2,"done":false,"nextRecordsUrl":"https://evil.example/services/data/v64.0/query/x","records":[]}""");

        assertThatThrownBy(() -> client.query("SELECT Id FROM Account"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> assertThat(e.errorCode()).isEqualTo("UNEXPECTED_RESPONSE"));
    }

    // ---------------------------------------------------------------------------------------------- graph

    private static Graph orderGraph(String graphId) {
        return new Graph(graphId, List.of(
                new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/CUST-0001", "acct",
                        fields("{\"Name\":\"Acme\"}")),
                new GraphNode("POST", "sobjects/Order", "order",
                        fields("{\"AccountId\":\"@{acct.id}\",\"Status\":\"Draft\",\"EffectiveDate\":\"2026-11-26\"}"))));
    }

    @Test
    void compositeGraphSendsEveryGraphWithVersionedUrlsInOneRequest() {
        answer("POST", data("composite/graph"), 200, "{\"graphs\":[]}");

        client.compositeGraph(List.of(orderGraph("g1"), orderGraph("g2")));

        List<FakeHttpServer.Request> sent = http.requests("POST", data("composite/graph"));
        assertThat(sent).hasSize(1);
        JsonNode body = parse(sent.getFirst().body());
        assertThat(body.path("graphs")).hasSize(2);
        JsonNode first = body.path("graphs").get(0);
        assertThat(first.path("graphId").asText()).isEqualTo("g1");
        JsonNode node = first.path("compositeRequest").get(0);
        assertThat(node.path("method").asText()).isEqualTo("PATCH");
        assertThat(node.path("url").asText()).isEqualTo("/services/data/v64.0/sobjects/Account/Clarity_Account_Key__c/CUST-0001");
        assertThat(node.path("referenceId").asText()).isEqualTo("acct");
        assertThat(node.path("body").path("Name").asText()).isEqualTo("Acme");
        assertThat(sent.getFirst().header("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void compositeGraphResultsComeBackInRequestOrderWithClassifiedNodeErrors() {
        // the failed graph is listed first on purpose: results follow the request, not the response
        answer("POST", data("composite/graph"), 200, """
                {"graphs":[
                  {"graphId":"g2","graphResponse":{"compositeResponse":[
                     {"body":[{"errorCode":"PROCESSING_HALTED","message":"The transaction was rolled back since another operation in the same transaction failed."}],
                      "httpHeaders":{},"httpStatusCode":400,"referenceId":"acct"},
                     {"body":[{"message":"Required fields are missing: [EffectiveDate]","errorCode":"REQUIRED_FIELD_MISSING","fields":["EffectiveDate"]}],
                      "httpHeaders":{},"httpStatusCode":400,"referenceId":"order"}]},
                   "isSuccessful":false},
                  {"graphId":"g1","graphResponse":{"compositeResponse":[
                     {"body":{"id":"001R00000064wc7IAA","success":true,"errors":[],"created":true},
                      "httpHeaders":{"Location":"/services/data/v64.0/sobjects/Account/001R00000064wc7IAA"},"httpStatusCode":201,"referenceId":"acct"},
                     {"body":{"id":"801R00000000001IAA","success":true,"errors":[]},
                      "httpHeaders":{"Location":"/services/data/v64.0/sobjects/Order/801R00000000001IAA"},"httpStatusCode":201,"referenceId":"order"}]},
                   "isSuccessful":true}]}""");

        List<GraphResult> results = client.compositeGraph(List.of(orderGraph("g1"), orderGraph("g2")));

        assertThat(results).extracting(GraphResult::graphId).containsExactly("g1", "g2");
        GraphResult ok = results.get(0);
        assertThat(ok.successful()).isTrue();
        assertThat(ok.node("order")).map(NodeResult::id).contains("801R00000000001IAA");
        assertThat(ok.nodes()).allSatisfy(n -> assertThat(n.errors()).isEmpty());

        GraphResult failed = results.get(1);
        assertThat(failed.successful()).isFalse();
        assertThat(failed.node("acct").orElseThrow().errors()).extracting(ApiError::errorCode, ApiError::retryable)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("PROCESSING_HALTED", true));
        assertThat(failed.cause()).contains(new ApiError("REQUIRED_FIELD_MISSING",
                "Required fields are missing: [EffectiveDate]", List.of("EffectiveDate"), false));
    }

    @Test
    void aNodeLockErrorIsRetryable() {
        answer("POST", data("composite/graph"), 200, """
                {"graphs":[{"graphId":"g1","graphResponse":{"compositeResponse":[
                   {"body":[{"message":"unable to obtain exclusive access to this record or 1 records: 001A","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}],
                    "httpHeaders":{},"httpStatusCode":400,"referenceId":"acct"},
                   {"body":[{"errorCode":"PROCESSING_HALTED","message":"rolled back"}],"httpHeaders":{},"httpStatusCode":400,"referenceId":"order"}]},
                 "isSuccessful":false}]}""");

        GraphResult result = client.compositeGraph(List.of(orderGraph("g1"))).getFirst();

        assertThat(result.cause()).map(ApiError::retryable).contains(true);
    }

    @Test
    void aGraphMissingFromTheResponseIsAFailedRetryableResult() {
        answer("POST", data("composite/graph"), 200, """
                {"graphs":[{"graphId":"g1","graphResponse":{"compositeResponse":[
                   {"body":{"id":"001A","success":true,"errors":[]},"httpStatusCode":201,"referenceId":"acct"},
                   {"body":{"id":"801A","success":true,"errors":[]},"httpStatusCode":201,"referenceId":"order"}]},"isSuccessful":true}]}""");

        List<GraphResult> results = client.compositeGraph(List.of(orderGraph("g1"), orderGraph("g2")));

        assertThat(results.get(0).successful()).isTrue();
        assertThat(results.get(1).successful()).isFalse();
        assertThat(results.get(1).cause()).map(ApiError::retryable).contains(true);
    }

    @Test
    void compositeGraphRejectsMoreThan75GraphsBeforeSendingAnything() {
        List<Graph> graphs = IntStream.range(0, 76).mapToObj(i -> new Graph("g" + i, List.of(
                new GraphNode("POST", "sobjects/Account", "a", fields("{\"Name\":\"x\"}"))))).toList();

        assertThatThrownBy(() -> client.compositeGraph(graphs)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("75");
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void compositeGraphRejectsMoreThan500NodesBeforeSendingAnything() {
        List<GraphNode> nodes = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            nodes.add(new GraphNode("POST", "sobjects/Account", "a" + i, fields("{\"Name\":\"x\"}")));
        }

        assertThatThrownBy(() -> client.compositeGraph(List.of(new Graph("g", nodes))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("500");
        assertThat(http.requests()).isEmpty();
    }

    /** {@code length} Account nodes, each referring to the one before it. */
    private static Graph referenceChain(String graphId, int length) {
        List<GraphNode> nodes = new ArrayList<>();
        nodes.add(new GraphNode("POST", "sobjects/Account", "a0", fields("{\"Name\":\"A0\"}")));
        for (int i = 1; i < length; i++) {
            nodes.add(new GraphNode("POST", "sobjects/Account", "a" + i,
                    fields("{\"Name\":\"A" + i + "\",\"ParentId\":\"@{a" + (i - 1) + ".id}\"}")));
        }
        return new Graph(graphId, nodes);
    }

    /** One graph per sObject type {@code Type0__c}, {@code Type1__c}, ... */
    private static List<Graph> graphsOfTypes(int types) {
        return IntStream.range(0, types).mapToObj(i -> new Graph("g" + i, List.of(
                new GraphNode("POST", "sobjects/Type" + i + "__c", "n", fields("{\"Name\":\"x\"}"))))).toList();
    }

    @Test
    void compositeGraphRejectsAGraphDeeperThan15BeforeSendingAnything() {
        assertThatThrownBy(() -> client.compositeGraph(List.of(orderGraph("g1"), referenceChain("deep", 16))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max depth")
                .hasMessageContaining("16");
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void compositeGraphRejectsMoreThan15DistinctNodeTypesBeforeSendingAnything() {
        assertThatThrownBy(() -> client.compositeGraph(graphsOfTypes(16)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("15 distinct node types")
                .hasMessageContaining("16");
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void compositeGraphSendsGraphsAtTheDepthAndNodeTypeLimits() {
        answer("POST", data("composite/graph"), 200, "{\"graphs\":[]}");
        List<Graph> graphs = new ArrayList<>(graphsOfTypes(14));
        // Account, and the same type spelt in another case, is one more type: 15 in all.
        graphs.add(new Graph("accounts", List.of(referenceChain("x", 15).nodes().getFirst(),
                new GraphNode("GET", "sobjects/account/@{a0.id}", "readBack", null))));
        graphs.add(referenceChain("deep", 15));

        client.compositeGraph(graphs);

        assertThat(http.requests("POST", data("composite/graph"))).hasSize(1);
    }

    // ---------------------------------------------------------------------------------------------- records

    @Test
    void createReturnsTheNewId() {
        answer("POST", data("sobjects/Account"), 201, "{\"id\":\"001D000000IRFmaIAH\",\"errors\":[],\"success\":true}");

        assertThat(client.create("Account", fields("{\"Name\":\"Acme\"}"))).isEqualTo("001D000000IRFmaIAH");
        assertThat(parse(http.requests("POST", data("sobjects/Account")).getFirst().body()).path("Name").asText())
                .isEqualTo("Acme");
    }

    @Test
    void upsertReportsACreatedRecord() {
        answer("PATCH", data("sobjects/Account/Clarity_Key__c/CUST-0001"), 201,
                "{\"id\":\"0015800000K7f2PAAR\",\"success\":true,\"errors\":[],\"created\":true}");

        assertThat(client.upsert("Account", "Clarity_Key__c", "CUST-0001", fields("{\"Name\":\"Acme\"}")))
                .isEqualTo(new UpsertResult("0015800000K7f2PAAR", true));
    }

    @Test
    void upsertReportsAnUpdatedRecord() {
        answer("PATCH", data("sobjects/Account/Clarity_Key__c/CUST-0001"), 200,
                "{\"id\":\"0015800000K7f2PAAR\",\"success\":true,\"errors\":[],\"created\":false}");

        assertThat(client.upsert("Account", "Clarity_Key__c", "CUST-0001", fields("{\"Name\":\"Acme\"}")))
                .isEqualTo(new UpsertResult("0015800000K7f2PAAR", false));
    }

    @Test
    void upsertUrlEncodesTheExternalIdValue() {
        answer("PATCH", data("sobjects/Contact/Email__c/jane%20doe%2Fx%40acme.test"), 201,
                "{\"id\":\"0033h00000Kzv3AAAR\",\"success\":true,\"errors\":[],\"created\":true}");

        assertThat(client.upsert("Contact", "Email__c", "jane doe/x@acme.test", fields("{\"LastName\":\"Doe\"}")).id())
                .isEqualTo("0033h00000Kzv3AAAR");
    }

    @Test
    void upsertMatchingSeveralRecordsIsPermanentAndListsThem() {
        answer("PATCH", data("sobjects/Contact/Email__c/jane"), 300,
                "[\"/services/data/v64.0/sobjects/Contact/0033h00000Kzv3AAAR\",\"/services/data/v64.0/sobjects/Contact/0033h00000Kzv3BAAZ\"]");

        assertThatThrownBy(() -> client.upsert("Contact", "Email__c", "jane", fields("{\"LastName\":\"Doe\"}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("MULTIPLE_CHOICES");
                    assertThat(e.httpStatus()).isEqualTo(300);
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains("0033h00000Kzv3AAAR", "0033h00000Kzv3BAAZ");
                });
    }

    @Test
    void upsertOnAnUnknownExternalIdFieldIsPermanent() {
        answer("PATCH", data("sobjects/Account/Namez/x"), 404,
                "[{\"message\":\"Provided external ID field does not exist or is not accessible: Namez\",\"errorCode\":\"NOT_FOUND\"}]");

        assertThatThrownBy(() -> client.upsert("Account", "Namez", "x", fields("{}")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("NOT_FOUND");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void anSObjectNameThatIsNotAnApiNameIsRejected() {
        assertThatThrownBy(() -> client.create("Account/../../x", fields("{}"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }

    @Test
    void getAsksForTheRequestedFields() {
        answer("GET", data("sobjects/Account/001D000000IRFmaIAH"), 200, ACCOUNT);

        client.get("Account", "001D000000IRFmaIAH", "Id", "Name");

        assertThat(http.requests().getLast().rawQuery()).isEqualTo("fields=Id,Name");
    }

    @Test
    void getOfAMissingRecordIsEmpty() {
        assertThat(client.get("Account", "001D000000IRFmaIAH")).isEmpty();
    }

    @Test
    void updateSendsAPatch() {
        answer("PATCH", data("sobjects/Account/001D000000IRFmaIAH"), 204, "");

        client.update("Account", "001D000000IRFmaIAH", fields("{\"Name\":\"Acme 2\"}"));

        assertThat(http.requests("PATCH", data("sobjects/Account/001D000000IRFmaIAH"))).hasSize(1);
    }

    @Test
    void deleteIsTrueWhenDeletedAndFalseWhenAlreadyGone() {
        answer("DELETE", data("sobjects/Account/001D000000IRFmaIAH"), 204, "");

        assertThat(client.delete("Account", "001D000000IRFmaIAH")).isTrue();
        assertThat(client.delete("Account", "001D000000IRFmaIAX")).isFalse();
    }

    // ---------------------------------------------------------------------------------------------- usage

    @Test
    void limitInfoUpdatesApiUsageAndGauges() {
        http.on("GET", data("sobjects/Account/001D000000IRFmaIAH"),
                r -> Response.json(200, ACCOUNT).withHeader("Sforce-Limit-Info", "api-usage=18/5000"));
        assertThat(client.apiUsage()).isEmpty();

        client.get("Account", "001D000000IRFmaIAH");

        assertThat(client.apiUsage()).contains(new ApiUsage(18, 5000));
        assertThat(meters.get(SalesforceRestClient.METRIC_USAGE_USED).gauge().value()).isEqualTo(18.0);
        assertThat(meters.get(SalesforceRestClient.METRIC_USAGE_MAX).gauge().value()).isEqualTo(5000.0);
    }

    @Test
    void theCallCounterCountsEveryDataRequestButNotTokenRequests() {
        http.on("GET", data("sobjects/Account/001D000000IRFmaIAH"), r ->
                r.header("Authorization").endsWith("token-1")
                        ? Response.json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")
                        : Response.json(200, ACCOUNT));

        client.get("Account", "001D000000IRFmaIAH");
        client.get("Account", "001D000000IRFmaIAH");

        assertThat(client.apiCallCount()).isEqualTo(3);
        assertThat(meters.get(SalesforceRestClient.METRIC_API_CALLS).counter().count()).isEqualTo(3.0);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------- raw calls

    @Test
    void aRawCallIsSentUnderTheDataApiWithTheClientsHeadersAndCounted() throws Exception {
        http.on("GET", data("jobs/ingest/750xx0000000001AAA/successfulResults"),
                r -> new Response(200, "\"sf__Id\"\n", List.of(java.util.Map.entry("Content-Type", "text/csv"))));

        java.net.http.HttpResponse<java.io.InputStream> response = client.send("GET",
                "jobs/ingest/750xx0000000001AAA/successfulResults", null, null, "text/csv");

        try (java.io.InputStream body = response.body()) {
            assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("\"sf__Id\"\n");
        }
        FakeHttpServer.Request request = http.requests().getLast();
        assertThat(request.header("Accept")).isEqualTo("text/csv");
        assertThat(request.header("Authorization")).isEqualTo("Bearer " + FakeSalesforce.token(1));
        assertThat(request.header("Sforce-Call-Options")).isEqualTo("client=tandem");
        assertThat(client.apiCallCount()).isEqualTo(1);
    }

    @Test
    void aRefusedRawCallIsAClassifiedFailure() {
        answer("POST", data("jobs/ingest"), 400,
                "[{\"errorCode\":\"INVALIDJOB\",\"message\":\"Unable to find object: Bogus\"}]");

        assertThatThrownBy(() -> client.send("POST", "jobs/ingest",
                () -> java.net.http.HttpRequest.BodyPublishers.ofString("{\"object\":\"Bogus\"}"),
                "application/json", "application/json"))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALIDJOB");
                    assertThat(e.httpStatus()).isEqualTo(400);
                });
    }

    @Test
    void aRawCallOffTheDataApiIsRefusedBeforeAnyCall() {
        assertThatThrownBy(() -> client.send("GET", "https://evil.example.com/x", null, null, "application/json"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.send("GET", "/services/oauth2/userinfo", null, null, "application/json"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(http.requests()).isEmpty();
    }
}
