package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.LockFault;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.soql.QueryExecutor;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The versioned REST API ({@code /services/data/vXX.X/...}): routes a request to its resource and turns a
 * failure into Salesforce's error response after rolling back what the request wrote. Composite resources call
 * back into {@link #executeSubrequest} so sub-requests behave exactly like top-level ones.
 */
public final class RestApi {

    private static final Set<String> GRAPH_METHODS = Set.of("GET", "POST", "PATCH", "DELETE");
    private static final Set<String> COMPOSITE_METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final SObjectResource sobjects;
    private final QueryResource query;
    private final CompositeResource composite;
    private final CompositeGraphResource graph;
    private final SObjectCollectionsResource collections;
    private final SObjectTreeResource tree;
    private final PlatformEvents events;
    private final QueryLocators locators;
    private final ApiUsage usage;
    private final Supplier<String> identityUrl;

    public RestApi(SalesforceSchema schema, DmlEngine dml, IdGenerator ids, Clock clock, ApiUsage usage,
            Supplier<LockFault> lockFaults, Supplier<String> identityUrl) {
        this.locators = new QueryLocators(ids);
        this.events = new PlatformEvents(ids);
        this.sobjects = new SObjectResource(schema, dml, events);
        this.tree = new SObjectTreeResource(schema, dml);
        this.query = new QueryResource(new QueryExecutor(schema, clock), locators);
        this.composite = new CompositeResource(this);
        this.graph = new CompositeGraphResource(this, lockFaults);
        this.collections = new SObjectCollectionsResource(schema, dml);
        this.usage = usage;
        this.identityUrl = identityUrl;
    }

    /** Runs a request; an error rolls back everything the request wrote and becomes the response. */
    public ApiResponse execute(ApiRequest request, CallScope scope) {
        int savepoint = scope.tx().savepoint();
        try {
            return dispatch(request, scope);
        } catch (ApiException e) {
            scope.tx().rollbackTo(savepoint);
            return ApiResponse.error(e);
        } catch (SObjectTreeResource.TreeFailure e) {
            scope.tx().rollbackTo(savepoint);
            return e.response();
        }
    }

    /** Drops open query cursors and published events (sandbox reset). */
    public void clearCursors() {
        locators.clear();
        events.clear();
    }

    /** Platform events published through {@code POST /sobjects/X__e} (spec §4.7). */
    public PlatformEvents platformEvents() {
        return events;
    }

    /**
     * Runs one composite sub-request ({@code method, url, body, httpHeaders}) after resolving its references.
     * Graph nodes may only address sObject resources (§2.10: graphs are made of sObject operations).
     */
    ApiResponse executeSubrequest(JsonNode node, References references, CallScope scope, boolean graphNode) {
        int savepoint = scope.tx().savepoint();
        try {
            String method = node.path("method").asText("");
            if (!(graphNode ? GRAPH_METHODS : COMPOSITE_METHODS).contains(method)) {
                throw CompositeResults.invalidInput("Unsupported method for a " + (graphNode ? "graph node" : "subrequest")
                        + ": '" + method + "'");
            }
            String url = references.resolve(node.path("url").asText(""));
            JsonNode body = references.resolve(node.get("body"));
            Map<String, String> headers = new LinkedHashMap<>();
            node.path("httpHeaders").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
            ApiRequest request = SubRequests.fromUrl(method, url, body, headers).orElseThrow(Responses::notFound);
            if (request.depth() == 0 || request.segment(0).equals("composite") && !(request.depth() >= 2
                    && request.segment(1).equals("sobjects") && !graphNode)) {
                throw CompositeResults.invalidInput("Composite requests cannot be nested: " + url);
            }
            if (graphNode && !request.segment(0).equals("sobjects")) {
                // The documented graph node resources are sObject operations; the error code is inferred.
                throw CompositeResults.invalidInput("Composite graph nodes support only sObject resources: " + url);
            }
            return dispatch(request, scope);
        } catch (ApiException e) {
            scope.tx().rollbackTo(savepoint);
            return ApiResponse.error(e);
        }
    }

    private ApiResponse dispatch(ApiRequest request, CallScope scope) {
        if (request.depth() == 0) {
            if (!request.method().equals("GET")) {
                throw Responses.methodNotAllowed(request, "GET", "HEAD");
            }
            return ApiResponse.of(200, resources(request.version()));
        }
        return switch (request.segment(0)) {
            case "sobjects" -> sobjects.handle(request, scope);
            case "query" -> query.handle(request, scope, false);
            case "queryAll" -> query.handle(request, scope, true);
            case "limits" -> limits(request);
            case "composite" -> {
                if (request.depth() == 1) {
                    yield composite.handle(request, scope);
                }
                yield switch (request.segment(1)) {
                    case "graph" -> {
                        if (request.depth() != 2) {
                            throw Responses.notFound();
                        }
                        yield graph.handle(request, scope);
                    }
                    case "sobjects" -> collections.handle(request, scope);
                    case "tree" -> {
                        if (request.depth() != 3) {
                            throw Responses.notFound();
                        }
                        yield tree.handle(request, scope);
                    }
                    default -> throw Responses.notFound();
                };
            }
            default -> throw Responses.notFound();
        };
    }

    /** {@code GET /services/data/vXX.X/}: the resources of that version; clients read {@code identity} (§9). */
    private ObjectNode resources(String version) {
        String base = "/services/data/v" + version + "/";
        ObjectNode body = Json.object();
        body.put("sobjects", base + "sobjects");
        body.put("query", base + "query");
        body.put("queryAll", base + "queryAll");
        body.put("composite", base + "composite");
        body.put("limits", base + "limits");
        body.put("jobs", base + "jobs");
        body.put("identity", identityUrl.get());
        return body;
    }

    private ApiResponse limits(ApiRequest request) {
        if (request.depth() != 1) {
            throw Responses.notFound();
        }
        if (!request.method().equals("GET")) {
            throw Responses.methodNotAllowed(request, "GET", "HEAD");
        }
        ObjectNode body = Json.object();
        ObjectNode daily = body.putObject("DailyApiRequests");
        daily.put("Max", usage.max());
        daily.put("Remaining", Math.max(0, usage.max() - usage.used()));
        return ApiResponse.of(200, body);
    }
}
