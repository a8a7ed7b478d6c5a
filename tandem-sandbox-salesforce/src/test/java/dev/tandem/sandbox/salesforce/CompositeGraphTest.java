package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CompositeGraphTest extends SandboxTestSupport {

    private static final String GRAPH = V + "/composite/graph";

    @Test
    void graphCreatesAnOrderWithItemsUsingReferences() {
        String[] product = client.productWithStandardPrice("P-1", 10.0);
        ObjectNode request = graphs(graph("order-1",
                node("POST", V + "/sobjects/Account/", "refAccount",
                        Map.of("Name", "Acme", "Clarity_Account_Key__c", "A-1")),
                node("PATCH", V + "/sobjects/Order/Clarity_Order_Key__c/O-1", "refOrder",
                        Map.of("AccountId", "@{refAccount.id}", "EffectiveDate", "2024-05-01", "Status", "Draft",
                                "Pricebook2Id", sandbox.standardPricebookId())),
                node("POST", V + "/sobjects/OrderItem", "refItem",
                        Map.of("OrderId", "@{refOrder.id}", "PricebookEntryId", product[1], "Quantity", 3,
                                "UnitPrice", 9.5)),
                node("GET", V + "/sobjects/Order/@{refOrder.id}?fields=TotalAmount,OrderNumber", "readBack", null)));

        SandboxClient.Response response = client.post(GRAPH, request);

        assertThat(response.status()).isEqualTo(200);
        JsonNode graph = response.json().get("graphs").get(0);
        assertThat(graph.get("graphId").asText()).isEqualTo("order-1");
        assertThat(graph.get("isSuccessful").asBoolean()).isTrue();
        JsonNode results = graph.get("graphResponse").get("compositeResponse");
        assertThat(results).hasSize(4);
        assertThat(results.get(0).get("httpStatusCode").asInt()).isEqualTo(201);
        assertThat(results.get(0).get("referenceId").asText()).isEqualTo("refAccount");
        String accountId = results.get(0).get("body").get("id").asText();
        assertThat(results.get(0).get("httpHeaders").get("Location").asText())
                .isEqualTo(V + "/sobjects/Account/" + accountId);
        assertThat(results.get(1).get("body").get("created").asBoolean()).isTrue();
        assertThat(results.get(3).get("body").get("TotalAmount").asDouble()).isEqualTo(28.5);
        assertThat(sandbox.records("Order")).singleElement().satisfies(order -> {
            assertThat(order).containsEntry("AccountId", accountId).containsEntry("Clarity_Order_Key__c", "O-1");
        });
        assertThat(sandbox.apiRequestCount()).isEqualTo(3); // two setup creates + the graph counted once
    }

    @Test
    void failingNodeRollsBackTheWholeGraphAndHaltsTheOthers() {
        ObjectNode request = graphs(graph("g1",
                node("POST", V + "/sobjects/Account", "refAccount", Map.of("Name", "Acme")),
                node("POST", V + "/sobjects/Contact", "refContact",
                        Map.of("FirstName", "No", "AccountId", "@{refAccount.id}")),
                node("POST", V + "/sobjects/Contact", "refOther", Map.of("LastName", "Later"))));

        SandboxClient.Response response = client.post(GRAPH, request);

        assertThat(response.status()).isEqualTo(200);
        JsonNode graph = response.json().get("graphs").get(0);
        assertThat(graph.get("isSuccessful").asBoolean()).isFalse();
        JsonNode results = graph.get("graphResponse").get("compositeResponse");
        assertThat(results).hasSize(3);
        assertThat(results.get(0).get("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(results.get(0).get("body").get(0).get("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
        assertThat(results.get(0).get("body").get(0).get("message").asText()).isEqualTo(
                "The transaction was rolled back since another operation in the same transaction failed.");
        assertThat(results.get(1).get("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(results.get(1).get("body").get(0).get("errorCode").asText()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(results.get(2).get("body").get(0).get("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
        assertThat(sandbox.records("Account")).isEmpty();
        assertThat(sandbox.records("Contact")).isEmpty();
    }

    @Test
    void graphsAreIndependentAndProcessedInOrder() {
        ObjectNode request = graphs(
                graph("ok", node("POST", V + "/sobjects/Account", "a", Map.of("Name", "One"))),
                graph("bad", node("POST", V + "/sobjects/Account", "a", Map.of("Phone", "1"))),
                graph("ok2", node("POST", V + "/sobjects/Account", "a", Map.of("Name", "Two"))));

        JsonNode graphs = client.post(GRAPH, request).json().get("graphs");

        assertThat(graphs).extracting(g -> g.get("isSuccessful").asBoolean()).containsExactly(true, false, true);
        assertThat(sandbox.records("Account")).extracting(r -> r.get("Name")).containsExactly("One", "Two");
    }

    @Test
    void unknownOrMiscasedReferenceFailsTheNode() {
        ObjectNode request = graphs(graph("g",
                node("POST", V + "/sobjects/Account", "refAccount", Map.of("Name", "Acme")),
                node("POST", V + "/sobjects/Contact", "refContact",
                        Map.of("LastName", "Doe", "AccountId", "@{refAccount.Id}"))));

        JsonNode graph = client.post(GRAPH, request).json().get("graphs").get(0);

        assertThat(graph.get("isSuccessful").asBoolean()).isFalse();
        JsonNode failed = graph.get("graphResponse").get("compositeResponse").get(1);
        assertThat(failed.get("httpStatusCode").asInt()).isEqualTo(400);
        assertThat(failed.get("body").get(0).get("message").asText()).contains("refAccount.Id");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void moreThan75GraphsAreRejectedAsAWhole() {
        ObjectNode request = SandboxClient.object();
        ArrayNode graphs = request.putArray("graphs");
        for (int i = 0; i < 76; i++) {
            graphs.add(graph("g" + i, node("POST", V + "/sobjects/Account", "a", Map.of("Name", "A" + i))));
        }

        SandboxClient.Response response = client.post(GRAPH, request);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    /** A graph of {@code length} Accounts, each naming the one before it by reference. */
    private static ObjectNode referenceChain(String graphId, int length) {
        ObjectNode graph = SandboxClient.object();
        graph.put("graphId", graphId);
        ArrayNode nodes = graph.putArray("compositeRequest");
        nodes.add(node("POST", V + "/sobjects/Account", "a0", Map.of("Name", "A0")));
        for (int i = 1; i < length; i++) {
            nodes.add(node("POST", V + "/sobjects/Account", "a" + i,
                    Map.of("Name", "A" + i, "Description", "after @{a" + (i - 1) + ".id}")));
        }
        return graph;
    }

    @Test
    void aReferenceChainOf15NodesIsWithinTheDepthLimit() {
        SandboxClient.Response response = client.post(GRAPH, graphs(referenceChain("deep", 15)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("graphs").get(0).get("isSuccessful").asBoolean()).isTrue();
        assertThat(sandbox.records("Account")).hasSize(15);
    }

    @Test
    void aReferenceChainDeeperThan15IsRejectedAsAWhole() {
        SandboxClient.Response response = client.post(GRAPH,
                graphs(graph("flat", node("POST", V + "/sobjects/Account", "x", Map.of("Name", "X"))),
                        referenceChain("deep", 16)));

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(response.json().get(0).get("message").asText()).contains("depth");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void moreThan15DistinctNodeTypesInOnePayloadAreRejectedAsAWhole() {
        ObjectNode request = SandboxClient.object();
        ArrayNode graphs = request.putArray("graphs");
        graphs.add(graph("accounts", node("POST", V + "/sobjects/Account", "a", Map.of("Name", "A"))));
        for (int i = 0; i < 15; i++) {
            graphs.add(graph("g" + i, node("POST", V + "/sobjects/Type" + i + "__c", "n", Map.of("Name", "N"))));
        }

        SandboxClient.Response response = client.post(GRAPH, request);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("LIMIT_EXCEEDED");
        assertThat(response.json().get(0).get("message").asText()).contains("node types");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void fifteenDistinctNodeTypesAreWithinTheLimit() {
        ObjectNode request = SandboxClient.object();
        ArrayNode graphs = request.putArray("graphs");
        graphs.add(graph("accounts", node("POST", V + "/sobjects/Account", "a", Map.of("Name", "A")),
                node("GET", V + "/sobjects/account/@{a.id}", "readBack", null)));
        for (int i = 0; i < 14; i++) {
            graphs.add(graph("g" + i, node("POST", V + "/sobjects/Type" + i + "__c", "n", Map.of("Name", "N"))));
        }

        SandboxClient.Response response = client.post(GRAPH, request);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("graphs").get(0).get("isSuccessful").asBoolean()).isTrue();
    }

    @Test
    void moreThan500NodesAreRejectedAsAWhole() {
        ObjectNode request = SandboxClient.object();
        ArrayNode graphs = request.putArray("graphs");
        for (int g = 0; g < 2; g++) {
            ObjectNode graph = graphs.addObject();
            graph.put("graphId", "g" + g);
            ArrayNode nodes = graph.putArray("compositeRequest");
            for (int i = 0; i < 251; i++) {
                nodes.add(node("POST", V + "/sobjects/Account", "a" + i, Map.of("Name", "A" + i)));
            }
        }

        SandboxClient.Response response = client.post(GRAPH, request);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("LIMIT_EXCEEDED");
    }

    @Test
    void afterFourteenFailedGraphsTheRestAreHalted() {
        ObjectNode request = SandboxClient.object();
        ArrayNode graphs = request.putArray("graphs");
        for (int i = 0; i < 14; i++) {
            graphs.add(graph("bad" + i, node("POST", V + "/sobjects/Account", "a", Map.of("Phone", "1"))));
        }
        graphs.add(graph("good", node("POST", V + "/sobjects/Account", "a", Map.of("Name", "Fine"))));

        JsonNode result = client.post(GRAPH, request).json().get("graphs").get(14);

        assertThat(result.get("isSuccessful").asBoolean()).isFalse();
        assertThat(result.get("graphResponse").get("compositeResponse").get(0).get("body").get(0)
                .get("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    static ObjectNode graphs(ObjectNode... graphs) {
        ObjectNode request = SandboxClient.object();
        ArrayNode array = request.putArray("graphs");
        for (ObjectNode graph : graphs) {
            array.add(graph);
        }
        return request;
    }

    static ObjectNode graph(String id, ObjectNode... nodes) {
        ObjectNode graph = SandboxClient.object();
        graph.put("graphId", id);
        ArrayNode requests = graph.putArray("compositeRequest");
        for (ObjectNode node : nodes) {
            requests.add(node);
        }
        return graph;
    }

    static ObjectNode node(String method, String url, String referenceId, Map<String, ?> body) {
        ObjectNode node = SandboxClient.object();
        node.put("method", method);
        node.put("url", url);
        node.put("referenceId", referenceId);
        if (body != null) {
            node.set("body", SandboxClient.JSON.valueToTree(body));
        }
        return node;
    }
}
