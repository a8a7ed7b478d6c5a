package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.dml.LockFault;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code POST /composite/graph} (spec §2.10): graphs run sequentially in request order, each all-or-nothing.
 * The failing node carries its real error and status; every other node of that graph reports PROCESSING_HALTED.
 */
final class CompositeGraphResource {

    static final int MAX_GRAPHS = 75;
    static final int MAX_NODES = 500;
    /** §2.10 "max depth 15": the longest chain of nodes each referring to the one before. */
    static final int MAX_DEPTH = 15;
    /** §2.10 "max distinct node types/payload 15": sObject types across all graphs of one request. */
    static final int MAX_NODE_TYPES = 15;
    /** "if the number of graph failures exceeds the maximum limit of 14, processing is halted" (§2.10). */
    static final int MAX_FAILED_GRAPHS = 14;

    private static final ApiResponse HALTED_AFTER_FAILURES = ApiResponse.error(new ApiException(400, List.of(
            ApiError.of("PROCESSING_HALTED", "Processing was halted because " + MAX_FAILED_GRAPHS
                    + " graphs in this request failed."))));

    private final RestApi api;
    private final Supplier<LockFault> lockFaults;

    CompositeGraphResource(RestApi api, Supplier<LockFault> lockFaults) {
        this.api = api;
        this.lockFaults = lockFaults;
    }

    ApiResponse handle(ApiRequest request, CallScope scope) {
        if (!request.method().equals("POST")) {
            throw Responses.methodNotAllowed(request, "POST");
        }
        JsonNode graphs = request.json().get("graphs");
        if (graphs == null || !graphs.isArray() || graphs.isEmpty()) {
            throw CompositeResults.invalidInput("graphs must be a non-empty array");
        }
        validateLimits(graphs);
        ArrayNode results = Json.array();
        int failures = 0;
        for (JsonNode graph : graphs) {
            JsonNode nodes = graph.get("compositeRequest");
            List<String> referenceIds = CompositeResource.referenceIds(nodes);
            ObjectNode result = Json.object();
            result.put("graphId", graph.get("graphId").asText());
            ObjectNode graphResponse = result.putObject("graphResponse");
            if (failures >= MAX_FAILED_GRAPHS) {
                graphResponse.set("compositeResponse",
                        CompositeResults.allOrNone(referenceIds, -1, null, HALTED_AFTER_FAILURES));
                result.put("isSuccessful", false);
                results.add(result);
                continue;
            }
            // Each graph is its own transaction, and the injected lock fault is decided per graph.
            var write = scope.write().withLockFault(lockFaults.get());
            CallScope graphScope = scope.withWrite(write);
            int start = scope.tx().savepoint();
            References references = new References();
            List<ApiResponse> responses = new ArrayList<>();
            int failedIndex = -1;
            for (int i = 0; i < nodes.size(); i++) {
                ApiResponse response = api.executeSubrequest(nodes.get(i), references, graphScope, true);
                responses.add(response);
                if (!response.successful()) {
                    failedIndex = i;
                    break;
                }
                references.record(referenceIds.get(i), response.body());
            }
            if (failedIndex >= 0) {
                scope.tx().rollbackTo(start);
                failures++;
                graphResponse.set("compositeResponse", CompositeResults.allOrNone(referenceIds, failedIndex,
                        responses.get(failedIndex), CompositeResults.ROLLED_BACK));
                result.put("isSuccessful", false);
            } else {
                ArrayNode entries = graphResponse.putArray("compositeResponse");
                for (int i = 0; i < responses.size(); i++) {
                    entries.add(CompositeResults.entry(responses.get(i), referenceIds.get(i)));
                }
                result.put("isSuccessful", true);
            }
            results.add(result);
        }
        ObjectNode body = Json.object();
        body.set("graphs", results);
        return ApiResponse.of(200, body);
    }

    /**
     * Payload-level limits reject the whole request. The limits are documented (§2.10: 75 graphs, 500 nodes, depth 15
     * and 15 distinct node types per payload); the error code for exceeding them is not, LIMIT_EXCEEDED is the
     * sandbox's choice [inferred].
     */
    private static void validateLimits(JsonNode graphs) {
        if (graphs.size() > MAX_GRAPHS) {
            throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED", "Composite graph request has "
                    + graphs.size() + " graphs; the maximum number of graphs in one payload is " + MAX_GRAPHS));
        }
        int nodes = 0;
        Set<String> graphIds = new HashSet<>();
        Set<String> types = new HashSet<>();
        for (JsonNode graph : graphs) {
            JsonNode graphId = graph.get("graphId");
            if (graphId == null || !graphId.isValueNode() || graphId.asText().isEmpty()) {
                throw CompositeResults.invalidInput("Every graph needs a graphId");
            }
            if (!graphIds.add(graphId.asText())) {
                throw CompositeResults.invalidInput("Duplicate graphId: " + graphId.asText());
            }
            JsonNode requests = graph.get("compositeRequest");
            if (requests == null || !requests.isArray() || requests.isEmpty()) {
                throw CompositeResults.invalidInput("Graph " + graphId.asText()
                        + " needs a non-empty compositeRequest array");
            }
            List<String> referenceIds = CompositeResource.referenceIds(requests);
            nodes += requests.size();
            int depth = depth(requests, referenceIds);
            if (depth > MAX_DEPTH) {
                throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED", "Graph " + graphId.asText()
                        + " has a depth of " + depth + "; the maximum depth of a graph is " + MAX_DEPTH));
            }
            for (JsonNode request : requests) {
                sObjectType(request.path("url").asText("")).ifPresent(t -> types.add(t.toLowerCase(Locale.ROOT)));
            }
        }
        if (types.size() > MAX_NODE_TYPES) {
            throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED", "Composite graph request has " + types.size()
                    + " distinct node types; the maximum number of node types in one payload is " + MAX_NODE_TYPES));
        }
        if (nodes > MAX_NODES) {
            throw ApiException.badRequest(ApiError.of("LIMIT_EXCEEDED", "Composite graph request has " + nodes
                    + " nodes; the maximum number of nodes in one payload is " + MAX_NODES));
        }
    }

    /**
     * The number of nodes in the graph's longest reference chain: a node referring to no other node has depth 1, one
     * referring to others has one more than the deepest of them. A node can only refer to nodes before it (their
     * results must exist when it runs), so one pass in order suffices; a reference to an unknown id fails the node
     * when it runs and does not count here.
     */
    private static int depth(JsonNode requests, List<String> referenceIds) {
        Map<String, Integer> depths = new HashMap<>();
        int deepest = 0;
        for (int i = 0; i < requests.size(); i++) {
            int depth = 1;
            for (String referenced : References.referencedIds(requests.get(i))) {
                Integer before = depths.get(referenced);
                if (before != null) {
                    depth = Math.max(depth, before + 1);
                }
            }
            depths.put(referenceIds.get(i), depth);
            deepest = Math.max(deepest, depth);
        }
        return deepest;
    }

    /** The sObject a node's url addresses: the segment after {@code /sobjects/} (§2.10 nodes are sObject calls). */
    private static Optional<String> sObjectType(String url) {
        int at = url.indexOf("/sobjects/");
        if (at < 0) {
            return Optional.empty();
        }
        String rest = url.substring(at + "/sobjects/".length());
        int end = rest.length();
        for (char stop : new char[] {'/', '?'}) {
            int i = rest.indexOf(stop);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        return end == 0 ? Optional.empty() : Optional.of(rest.substring(0, end));
    }
}
