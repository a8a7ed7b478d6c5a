package dev.tandem.salesforce.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.port.ApiError;
import dev.tandem.core.port.Graph;
import dev.tandem.core.port.GraphNode;
import dev.tandem.core.port.GraphResult;
import dev.tandem.core.port.NodeResult;
import dev.tandem.core.port.SalesforceApi;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessToken;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.model.ApiUsage;
import dev.tandem.salesforce.model.UpsertResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * The Salesforce REST API over {@link HttpClient} (salesforce-api.md §2).
 *
 * <p>Every request goes to {@code <instance_url>/services/data/v<apiVersion>/...} with the bearer token,
 * {@code Accept: application/json} and {@code Sforce-Call-Options: client=<callOptionsClient>} (§2.7: the client
 * name comes back in CDC {@code changeOrigin}, which is how Tandem suppresses echoes of its own writes).
 * A 401 invalidates the token and replays the request once with a new one (§1.7). Every response's
 * {@code Sforce-Limit-Info} header updates {@link #apiUsage()} and the {@code tandem.salesforce.api.usage.*} gauges.
 *
 * <p>Thread-safe: one instance (and one {@link HttpClient}) is shared by all threads, virtual ones included.
 */
public final class SalesforceRestClient implements SalesforceApi, AutoCloseable {

    public static final String METRIC_API_CALLS = "tandem.salesforce.api.calls";
    public static final String METRIC_USAGE_USED = "tandem.salesforce.api.usage.used";
    public static final String METRIC_USAGE_MAX = "tandem.salesforce.api.usage.max";

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceRestClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SalesforceConfig config;
    private final AccessTokenProvider tokens;
    private final HttpClient http;
    private final boolean ownsHttpClient;
    private final ErrorClassifier classifier;
    private final Counter callCounter;
    private final AtomicLong callCount = new AtomicLong();
    private final AtomicReference<ApiUsage> usage = new AtomicReference<>();

    public SalesforceRestClient(SalesforceConfig config, AccessTokenProvider tokens, HttpClient http,
                                MeterRegistry meters) {
        this(config, tokens, http, meters, new ErrorClassifier(), false);
    }

    public SalesforceRestClient(SalesforceConfig config, AccessTokenProvider tokens, HttpClient http,
                                MeterRegistry meters, ErrorClassifier classifier) {
        this(config, tokens, http, meters, classifier, false);
    }

    private SalesforceRestClient(SalesforceConfig config, AccessTokenProvider tokens, HttpClient http,
                                 MeterRegistry meters, ErrorClassifier classifier, boolean ownsHttpClient) {
        this.config = Objects.requireNonNull(config, "config");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.http = Objects.requireNonNull(http, "http");
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        this.ownsHttpClient = ownsHttpClient;
        Objects.requireNonNull(meters, "meters");
        this.callCounter = Counter.builder(METRIC_API_CALLS)
                .description("Requests sent to the Salesforce data API, retries and replays included")
                .register(meters);
        Gauge.builder(METRIC_USAGE_USED, usage, u -> u.get() == null ? Double.NaN : u.get().used())
                .description("API requests used in the org's rolling 24 h window (Sforce-Limit-Info)")
                .strongReference(true)
                .register(meters);
        Gauge.builder(METRIC_USAGE_MAX, usage, u -> u.get() == null ? Double.NaN : u.get().max())
                .description("The org's API request allocation for the rolling 24 h window (Sforce-Limit-Info)")
                .strongReference(true)
                .register(meters);
    }

    /**
     * A client authenticating with the client-credentials flow, with its own {@link HttpClient} (closed by
     * {@link #close()}).
     */
    public static SalesforceRestClient create(SalesforceConfig config, MeterRegistry meters) {
        HttpClient http = newHttpClient(config);
        return new SalesforceRestClient(config, new ClientCredentialsTokenProvider(config, http), http, meters,
                new ErrorClassifier(), true);
    }

    /** An {@link HttpClient} suited to Salesforce: connect timeout from the config, redirects never followed. */
    public static HttpClient newHttpClient(SalesforceConfig config) {
        // Redirects are not followed: a 300 from an upsert is an answer (§2.4), and a bearer token must not be
        // carried to another host.
        return HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    // ------------------------------------------------------------------------------------------------ SalesforceApi

    /** §2.5: {@code GET /query?q=}, then {@code nextRecordsUrl} until {@code done}. Records keep {@code attributes}. */
    @Override
    public List<ObjectNode> query(String soql) {
        PathSegments.value(soql, "soql");
        String path = config.dataPathPrefix() + "query?q=" + PathSegments.encode(soql);
        List<ObjectNode> records = new ArrayList<>();
        while (true) {
            JsonNode page = requireObject(success(call("GET", path, null)), "query");
            for (JsonNode record : page.path("records")) {
                if (record instanceof ObjectNode object) {
                    records.add(object);
                }
            }
            String next = page.path("nextRecordsUrl").asText("");
            if (page.path("done").asBoolean(true) || next.isEmpty()) {
                return records;
            }
            path = nextRecordsPath(next);
        }
    }

    /**
     * §2.10: one {@code POST /composite/graph} carrying every graph. Each graph is all-or-nothing; a failed graph comes
     * back with its node errors classified, the others are unaffected. Results are in request order.
     *
     * @throws IllegalArgumentException over {@value #MAX_GRAPHS_PER_REQUEST} graphs or {@value #MAX_NODES_PER_REQUEST}
     *                                  nodes, an empty graph, or a blank or repeated graph id (checked before any call)
     */
    @Override
    public List<GraphResult> compositeGraph(List<Graph> graphs) {
        validate(graphs);
        if (graphs.isEmpty()) {
            return List.of();
        }
        ObjectNode request = JSON.createObjectNode();
        ArrayNode graphsJson = request.putArray("graphs");
        for (Graph graph : graphs) {
            ObjectNode g = graphsJson.addObject();
            g.put("graphId", graph.graphId());
            ArrayNode nodes = g.putArray("compositeRequest");
            for (GraphNode node : graph.nodes()) {
                ObjectNode n = nodes.addObject();
                n.put("method", node.method());
                // §2.9: a subrequest url "must start with /services/data/vXX.X/"
                n.put("url", config.dataPathPrefix() + stripLeadingSlash(node.path()));
                n.put("referenceId", node.referenceId());
                if (node.body() != null) {
                    n.set("body", node.body());
                }
            }
        }
        JsonNode response = requireObject(success(call("POST", config.dataPathPrefix() + "composite/graph", request)),
                "composite graph");
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode g : response.path("graphs")) {
            byId.put(g.path("graphId").asText(), g);
        }
        List<GraphResult> results = new ArrayList<>(graphs.size());
        for (Graph graph : graphs) {
            JsonNode g = byId.get(graph.graphId());
            results.add(g == null ? missingGraph(graph) : graphResult(graph.graphId(), g));
        }
        return results;
    }

    /** §2.3: {@code POST /sobjects/<sobject>} → 201 {@code {id, success, errors}}; returns the new id. */
    @Override
    public String create(String sobject, ObjectNode fields) {
        Objects.requireNonNull(fields, "fields");
        String path = config.dataPathPrefix() + "sobjects/" + PathSegments.apiName(sobject, "sobject");
        JsonNode body = success(call("POST", path, fields));
        String id = body == null ? "" : body.path("id").asText("");
        if (id.isEmpty()) {
            throw unexpected("create " + sobject + " returned no id");
        }
        return id;
    }

    @Override
    public long apiCallCount() {
        return callCount.get();
    }

    // ------------------------------------------------------------------------------------------------ more REST

    /**
     * §2.4: {@code PATCH /sobjects/<sobject>/<extIdField>/<url-encoded value>}: 201 created, 200 updated. Several
     * records with that external id (300) is a permanent {@code MULTIPLE_CHOICES} failure listing their URLs; an
     * unknown external-id field is a permanent {@code NOT_FOUND} (404). The body must not contain {@code Id} or the
     * external-id field (§2.4 "Do not specify Id or an external ID field in the request body").
     */
    public UpsertResult upsert(String sobject, String extIdField, String extIdValue, ObjectNode fields) {
        Objects.requireNonNull(fields, "fields");
        String path = config.dataPathPrefix() + "sobjects/" + PathSegments.apiName(sobject, "sobject") + "/"
                + PathSegments.apiName(extIdField, "extIdField") + "/"
                + PathSegments.encode(PathSegments.value(extIdValue, "extIdValue"));
        Reply reply = call("PATCH", path, fields);
        return switch (reply.status()) {
            case 201 -> new UpsertResult(requireId(reply, sobject), true);
            // "created" is in the body from API 46.0 (§2.4); 200 means an existing record was updated
            case 200 -> new UpsertResult(requireId(reply, sobject), reply.json().path("created").asBoolean(false));
            // API 45.0 and earlier answer an update with 204 and no body; the config requires 50.0+, so only a
            // non-conforming server gets here, and there is no id to return
            case 204 -> new UpsertResult("", false);
            case 300 -> throw multipleChoices(sobject, extIdField, reply);
            default -> throw failure(reply);
        };
    }

    /**
     * §2.3: {@code GET /sobjects/<sobject>/<id>[?fields=...]}; empty when the record does not exist or was deleted
     * (404 {@code NOT_FOUND} / {@code ENTITY_IS_DELETED}).
     */
    public Optional<ObjectNode> get(String sobject, String id, String... fields) {
        StringBuilder path = new StringBuilder(config.dataPathPrefix()).append("sobjects/")
                .append(PathSegments.apiName(sobject, "sobject")).append('/')
                .append(PathSegments.encode(PathSegments.value(id, "id")));
        if (fields.length > 0) {
            path.append("?fields=").append(Arrays.stream(fields).map(f -> PathSegments.apiName(f, "field"))
                    .collect(Collectors.joining(",")));
        }
        Reply reply = call("GET", path.toString(), null);
        if (reply.status() == 404) {
            return Optional.empty();
        }
        return Optional.of((ObjectNode) requireObject(success(reply), "get " + sobject));
    }

    /** §2.3: {@code PATCH /sobjects/<sobject>/<id>} → 204. */
    public void update(String sobject, String id, ObjectNode fields) {
        Objects.requireNonNull(fields, "fields");
        String path = config.dataPathPrefix() + "sobjects/" + PathSegments.apiName(sobject, "sobject") + "/"
                + PathSegments.encode(PathSegments.value(id, "id"));
        success(call("PATCH", path, fields));
    }

    /**
     * §2.3: {@code DELETE /sobjects/<sobject>/<id>} → 204. Returns {@code false} when the record was already gone
     * (404), so a retried delete is not a failure.
     */
    public boolean delete(String sobject, String id) {
        String path = config.dataPathPrefix() + "sobjects/" + PathSegments.apiName(sobject, "sobject") + "/"
                + PathSegments.encode(PathSegments.value(id, "id"));
        Reply reply = call("DELETE", path, null);
        if (reply.status() == 404) {
            return false;
        }
        success(reply);
        return true;
    }

    /** The org's API usage from the last {@code Sforce-Limit-Info} header, empty before the first response. */
    public Optional<ApiUsage> apiUsage() {
        return Optional.ofNullable(usage.get());
    }

    /** Closes the {@link HttpClient} when this client created it ({@link #create}); otherwise does nothing. */
    @Override
    public void close() {
        if (ownsHttpClient) {
            http.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ HTTP

    private record Reply(int status, JsonNode json, String text) {
    }

    /** Sends with the current token; on 401 invalidates it and replays once with a new one (§1.7). */
    private Reply call(String method, String pathAndQuery, JsonNode body) {
        AccessToken token = tokens.token();
        Reply reply = exchange(method, token, pathAndQuery, body);
        if (reply.status() != 401) {
            return reply;
        }
        LOG.info("Salesforce answered 401 to {} {}; re-authenticating once", method, withoutQuery(pathAndQuery));
        tokens.invalidate(token);
        AccessToken fresh = tokens.token();
        reply = exchange(method, fresh, pathAndQuery, body);
        if (reply.status() != 401) {
            return reply;
        }
        // A new token refused at once: a session policy or a revoked app. Retrying later (with yet another token)
        // is the only useful move; the retry policy dead-letters it when it persists.
        tokens.invalidate(fresh);
        List<ApiError> errors = classifier.errors(401, reply.json(), reply.text());
        ApiError error = errors.getFirst();
        throw new IntegrationException(ErrorClassifier.SYSTEM,
                error.errorCode().startsWith("HTTP_") ? "INVALID_SESSION_ID" : error.errorCode(),
                "Salesforce refused a newly obtained access token: " + error.message(), 401, true,
                List.of(), null, null);
    }

    private Reply exchange(String method, AccessToken token, String pathAndQuery, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(token.instanceUrl() + pathAndQuery))
                .timeout(config.requestTimeout())
                .header("Authorization", "Bearer " + token.value())
                .header("Accept", "application/json")
                .header("Sforce-Call-Options", "client=" + config.callOptionsClient());
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(toBytes(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + withoutQuery(pathAndQuery);
        callCount.incrementAndGet();
        callCounter.increment();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(what, e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
        response.headers().firstValue(LimitInfoHeader.NAME).flatMap(LimitInfoHeader::parse).ifPresent(usage::set);
        String text = new String(response.body(), StandardCharsets.UTF_8);
        LOG.debug("Salesforce {} -> {}", what, response.statusCode());
        return new Reply(response.statusCode(), parse(text), text);
    }

    private JsonNode success(Reply reply) {
        if (reply.status() / 100 != 2) {
            throw failure(reply);
        }
        return reply.json();
    }

    private IntegrationException failure(Reply reply) {
        return classifier.toException(reply.status(), reply.json(), reply.text());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private GraphResult graphResult(String graphId, JsonNode g) {
        List<NodeResult> nodes = new ArrayList<>();
        for (JsonNode n : g.path("graphResponse").path("compositeResponse")) {
            int status = n.path("httpStatusCode").asInt(0);
            JsonNode body = n.hasNonNull("body") ? n.get("body") : NullNode.instance;
            List<ApiError> errors = status / 100 == 2 ? List.of()
                    : classifier.errors(status, body, body.isNull() ? "" : body.toString());
            nodes.add(new NodeResult(n.path("referenceId").asText(""), status, body, errors));
        }
        boolean successful = g.has("isSuccessful")
                ? g.get("isSuccessful").asBoolean(false)
                : nodes.stream().allMatch(NodeResult::successful);
        return new GraphResult(graphId, successful, nodes);
    }

    /**
     * A graph Salesforce did not report on. Writes are idempotent upserts (invariant 2), so it is marked retryable
     * rather than failing the graphs that did come back.
     */
    private static GraphResult missingGraph(Graph graph) {
        ApiError error = new ApiError("MISSING_GRAPH_RESULT",
                "Salesforce returned no result for graph " + graph.graphId(), List.of(), true);
        return new GraphResult(graph.graphId(), false,
                List.of(new NodeResult(graph.nodes().getFirst().referenceId(), 0, NullNode.instance, List.of(error))));
    }

    private static void validate(List<Graph> graphs) {
        Objects.requireNonNull(graphs, "graphs");
        if (graphs.size() > MAX_GRAPHS_PER_REQUEST) {
            throw new IllegalArgumentException("a composite graph request holds at most " + MAX_GRAPHS_PER_REQUEST
                    + " graphs, got " + graphs.size());
        }
        int nodes = graphs.stream().mapToInt(g -> g.nodes().size()).sum();
        if (nodes > MAX_NODES_PER_REQUEST) {
            throw new IllegalArgumentException("a composite graph request holds at most " + MAX_NODES_PER_REQUEST
                    + " nodes, got " + nodes);
        }
        Set<String> ids = new HashSet<>();
        for (Graph graph : graphs) {
            if (graph.graphId() == null || graph.graphId().isBlank()) {
                throw new IllegalArgumentException("graphId must not be blank");
            }
            if (!ids.add(graph.graphId())) {
                throw new IllegalArgumentException("graphId repeated in one request: " + graph.graphId());
            }
            if (graph.nodes().isEmpty()) {
                throw new IllegalArgumentException("graph " + graph.graphId() + " has no nodes");
            }
        }
    }

    private IntegrationException multipleChoices(String sobject, String extIdField, Reply reply) {
        List<String> urls = new ArrayList<>();
        if (reply.json() != null) {
            reply.json().forEach(u -> urls.add(u.asText()));
        }
        return IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "MULTIPLE_CHOICES",
                "External ID " + sobject + "." + extIdField + " matches several records: "
                        + (urls.isEmpty() ? reply.text() : String.join(", ", urls)), 300);
    }

    private static String requireId(Reply reply, String sobject) {
        String id = reply.json() == null ? "" : reply.json().path("id").asText("");
        if (id.isEmpty()) {
            throw unexpected("upsert " + sobject + " returned no id");
        }
        return id;
    }

    /**
     * §2.5 gives {@code nextRecordsUrl} as a path ({@code /services/data/v66.0/query/01gD...-2000}). It is followed
     * only as a path on the instance, so a response can never send the bearer token to another host.
     */
    private static String nextRecordsPath(String next) {
        if (!next.startsWith("/services/data/") || next.contains("://") || next.startsWith("//")) {
            throw unexpected("query returned an unexpected nextRecordsUrl");
        }
        return next;
    }

    private static JsonNode requireObject(JsonNode json, String what) {
        if (json == null || !json.isObject()) {
            throw unexpected(what + " returned no JSON object");
        }
        return json;
    }

    private static IntegrationException unexpected(String message) {
        return IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                "Unexpected Salesforce response: " + message, 0);
    }

    private static String stripLeadingSlash(String path) {
        return path.startsWith("/") ? path.substring(1) : path;
    }

    private static String withoutQuery(String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    private static byte[] toBytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be serialised", e);
        }
    }

    private static JsonNode parse(String text) {
        if (text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
