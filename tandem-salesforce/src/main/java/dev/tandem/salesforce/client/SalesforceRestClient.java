package dev.tandem.salesforce.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.NodeResult;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.api.SalesforceCollections;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.core.connector.Availability;
import dev.tandem.core.connector.AvailabilityTracker;
import dev.tandem.salesforce.auth.AccessToken;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.model.ApiUsage;
import dev.tandem.salesforce.model.UpsertResult;
import dev.tandem.salesforce.model.CompositeResult;
import dev.tandem.salesforce.model.CompositeSubrequest;
import dev.tandem.salesforce.model.OrgLimits;
import dev.tandem.salesforce.model.PublishResult;
import dev.tandem.salesforce.model.QueryPage;
import dev.tandem.salesforce.model.TreeResult;
import dev.tandem.salesforce.read.DescribeCache;
import dev.tandem.salesforce.read.QueryCursor;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
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
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.LinkedHashMap;
import java.util.stream.Stream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Salesforce REST API over {@link HttpClient} (salesforce-api.md §2).
 *
 * <p>Every request goes to {@code <instance_url>/services/data/v<apiVersion>/...} with the bearer token,
 * {@code Accept: application/json} and {@code Sforce-Call-Options: client=<callOptionsClient>} (§2.7: the client
 * name comes back in CDC {@code changeOrigin}, which is how Tandem suppresses echoes of its own writes).
 * A 401 invalidates the token and replays the request once with a new one (§1.7). Every response's
 * {@code Sforce-Limit-Info} header updates {@link #apiUsage()} and the {@code tandem.salesforce.api.usage.*} gauges.
 * Every answer and failure also feeds {@link #availability()}: consecutive 5xx/timeouts mean an outage,
 * REQUEST_LIMIT_EXCEEDED a used-up limit, a refused client secret or grant a configuration fault; the flow runtime
 * pauses the Salesforce flows then and probes with {@code GET /limits}.
 *
 * <p>Thread-safe: one instance (and one {@link HttpClient}) is shared by all threads, virtual ones included.
 */
public final class SalesforceRestClient implements SalesforceApi, SalesforceCollections, AutoCloseable {

    public static final String METRIC_API_CALLS = "tandem.salesforce.api.calls";
    public static final String METRIC_USAGE_USED = "tandem.salesforce.api.usage.used";
    public static final String METRIC_USAGE_MAX = "tandem.salesforce.api.usage.max";

    /** §2.10 "max depth 15": nodes in a graph's longest chain of {@code @{ref}} references. */
    public static final int MAX_GRAPH_DEPTH = 15;
    /** §2.10 "max distinct node types/payload 15": sObject types across every graph of one request. */
    public static final int MAX_GRAPH_NODE_TYPES = 15;
    /** §2.9: "You can have up to 25 subrequests in a single call." */
    public static final int MAX_COMPOSITE_SUBREQUESTS = 25;
    /** §2.11: "Up to a total of 200 records across all trees". */
    public static final int MAX_TREE_RECORDS = 200;
    /** §9: a collections retrieve takes up to 2,000 ids (in a POST body). */
    public static final int MAX_RETRIEVE_IDS = 2000;
    /** §9: "≈800 ids before the URL is too long"; kept lower so field lists fit too. */
    public static final int MAX_RETRIEVE_IDS_IN_URL = 500;

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceRestClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** §2.9 {@code @{referenceId.field}}: the reference id is the part up to the first {@code .} or {@code [}. */
    private static final Pattern REFERENCE = Pattern.compile("@\\{([A-Za-z0-9][A-Za-z0-9_]*)");

    private final SalesforceConfig config;
    private final AccessTokenProvider tokens;
    private final HttpClient http;
    private final boolean ownsHttpClient;
    private final ErrorClassifier classifier;
    private final Counter callCounter;
    private final AtomicLong callCount = new AtomicLong();
    private final AtomicReference<ApiUsage> usage = new AtomicReference<>();
    private final DescribeCache describeCache = new DescribeCache(this::loadDescribe, this::loadDescribeGlobal);
    private final AvailabilityTracker availability = new AvailabilityTracker(ErrorClassifier.SYSTEM,
            java.time.Clock.systemUTC(), AvailabilityTracker.DEFAULT_FAILURE_THRESHOLD, this::probeLimits);

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
     * A client authenticating with the configured OAuth flow ({@link AccessTokenProviders#forConfig}), with its own
     * {@link HttpClient} (closed by {@link #close()}).
     */
    public static SalesforceRestClient create(SalesforceConfig config, MeterRegistry meters) {
        HttpClient http = newHttpClient(config);
        return new SalesforceRestClient(config, AccessTokenProviders.forConfig(config, http), http, meters,
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
     * §2.9 and §2.5: the queries {@value SalesforceApi#MAX_QUERIES_PER_COMPOSITE} at a time in ONE
     * {@code POST /composite} of {@code GET query?q=} subrequests (one API call for up to five queries, §5), without
     * {@code allOrNone} (a read changes nothing to roll back); a result that is not {@code done} is followed through
     * its {@code nextRecordsUrl}, one call per further page. A single query goes as a plain {@code GET}. A refused
     * subrequest fails the whole call as {@link #query} would fail, with Salesforce's error classified.
     */
    @Override
    public List<List<ObjectNode>> queries(List<String> soqls) {
        Objects.requireNonNull(soqls, "soqls");
        soqls.forEach(q -> PathSegments.value(q, "soql"));
        List<List<ObjectNode>> out = new ArrayList<>(soqls.size());
        for (int from = 0; from < soqls.size(); from += MAX_QUERIES_PER_COMPOSITE) {
            List<String> part = soqls.subList(from, Math.min(soqls.size(), from + MAX_QUERIES_PER_COMPOSITE));
            if (part.size() == 1) {
                out.add(query(part.getFirst()));
                continue;
            }
            List<CompositeSubrequest> subrequests = new ArrayList<>(part.size());
            for (int i = 0; i < part.size(); i++) {
                subrequests.add(CompositeSubrequest.of("GET", "query?q=" + PathSegments.encode(part.get(i)),
                        "q" + i, null));
            }
            List<CompositeResult> results = composite(subrequests, false);
            if (results.size() != part.size()) {
                throw unexpected("composite returned " + results.size() + " results for " + part.size()
                        + " queries");
            }
            for (int i = 0; i < part.size(); i++) {
                CompositeResult r = results.get(i);
                if (!"q".concat(String.valueOf(i)).equals(r.referenceId())) {
                    throw unexpected("composite returned its results out of order");
                }
                if (!r.successful()) {
                    String text = r.body() == null ? "" : r.body().toString();
                    throw observed(classifier.toException(r.httpStatus(), r.body(), text));
                }
                JsonNode page = requireObject(r.body(), "query");
                List<ObjectNode> records = new ArrayList<>();
                while (true) {
                    for (JsonNode record : page.path("records")) {
                        if (record instanceof ObjectNode object) {
                            records.add(object);
                        }
                    }
                    String next = page.path("nextRecordsUrl").asText("");
                    if (page.path("done").asBoolean(true) || next.isEmpty()) {
                        break;
                    }
                    page = requireObject(success(call("GET", nextRecordsPath(next), null)), "query");
                }
                out.add(records);
            }
        }
        return out;
    }

    /** {@inheritDoc} Here: {@code <dataPathPrefix>query?q=<encoded soql>}, with this client's API version. */
    @Override
    public int queryUriBytes(String soql) {
        return (config.dataPathPrefix() + "query?q=" + PathSegments.encode(soql)).getBytes(StandardCharsets.UTF_8)
                .length;
    }

    /**
     * §2.10: one {@code POST /composite/graph} carrying every graph. Each graph is all-or-nothing; a failed graph comes
     * back with its node errors classified, the others are unaffected. Results are in request order.
     *
     * @throws IllegalArgumentException over {@value #MAX_GRAPHS_PER_REQUEST} graphs or {@value #MAX_NODES_PER_REQUEST}
     *                                  nodes, a graph deeper than {@value #MAX_GRAPH_DEPTH}, over
     *                                  {@value #MAX_GRAPH_NODE_TYPES} distinct sObject types in all, an empty graph, or
     *                                  a blank or repeated graph id (checked before any call)
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

    // ------------------------------------------------------------------------------------------------ sObject Collections

    /**
     * §2.8: {@code PATCH /composite/sobjects/<sobject>/<externalIdField>} upserting up to 200 records of one type. Each
     * record carries its external-id value in the body (unlike single-record upsert); {@code attributes.type} is added
     * when missing. One result per record, in order; with {@code allOrNone} a single failure rolls back all of them
     * ({@code ALL_OR_NONE_OPERATION_ROLLED_BACK}, retryable). Caller's nodes are not modified.
     *
     * @throws IllegalArgumentException over 200 records, a record of another type, or one without the external id
     */
    @Override
    public List<SaveResult> upsert(String sobject, String externalIdField, List<ObjectNode> records,
                                   boolean allOrNone) {
        PathSegments.apiName(sobject, "sobject");
        PathSegments.apiName(externalIdField, "externalIdField");
        checkCollectionSize(records);
        if (records.isEmpty()) {
            return List.of();
        }
        ObjectNode request = collectionRequest(allOrNone);
        ArrayNode array = request.putArray("records");
        for (ObjectNode record : records) {
            ObjectNode typed = typed(record, sobject);
            if (!typed.hasNonNull(externalIdField)) {
                throw new IllegalArgumentException("every record of a collections upsert needs its " + externalIdField
                        + " value in the body (§2.8)");
            }
            array.add(typed);
        }
        String path = config.dataPathPrefix() + "composite/sobjects/" + sobject + "/" + externalIdField;
        return SaveResults.parse(success(call("PATCH", path, request)), records.size(), classifier,
                "collections upsert of " + sobject);
    }

    /**
     * §2.8: {@code POST /composite/sobjects} creating up to 200 records, possibly of several types; each record
     * needs {@code attributes.type}. One result per record, in order.
     */
    public List<SaveResult> createRecords(List<ObjectNode> records, boolean allOrNone) {
        return writeCollection("POST", records, allOrNone, false);
    }

    /**
     * §2.8: {@code PATCH /composite/sobjects} updating up to 200 records; each needs {@code attributes.type} and its
     * {@code id}. One result per record, in order.
     */
    public List<SaveResult> updateRecords(List<ObjectNode> records, boolean allOrNone) {
        return writeCollection("PATCH", records, allOrNone, true);
    }

    /**
     * §2.8: {@code DELETE /composite/sobjects?ids=..&allOrNone=..} deleting up to 200 records by id. One result per
     * id, in order.
     */
    public List<SaveResult> deleteRecords(List<String> ids, boolean allOrNone) {
        Objects.requireNonNull(ids, "ids");
        checkCollectionSize(ids);
        if (ids.isEmpty()) {
            return List.of();
        }
        String path = config.dataPathPrefix() + "composite/sobjects?ids="
                + ids.stream().map(id -> PathSegments.encode(PathSegments.value(id, "id")))
                .collect(Collectors.joining(",")) + "&allOrNone=" + allOrNone;
        return SaveResults.parse(success(call("DELETE", path, null)), ids.size(), classifier, "collections delete");
    }

    /**
     * §9: retrieves up to 2,000 records of one type by id. Up to {@value #MAX_RETRIEVE_IDS_IN_URL} ids use
     * {@code GET /composite/sobjects/<sobject>?ids=&fields=} (the URL stays under the 16,384-byte limit of §5); more
     * use {@code POST} with {@code {"ids":[..],"fields":[..]}}. Ids that are invalid or not visible come back empty.
     */
    public List<Optional<ObjectNode>> retrieveRecords(String sobject, List<String> ids, List<String> fields) {
        PathSegments.apiName(sobject, "sobject");
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(fields, "fields");
        if (ids.size() > MAX_RETRIEVE_IDS) {
            throw new IllegalArgumentException("a collections retrieve holds at most " + MAX_RETRIEVE_IDS
                    + " ids, got " + ids.size());
        }
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a collections retrieve needs at least one field");
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        fields.forEach(f -> PathSegments.apiName(f, "field"));
        ids.forEach(id -> PathSegments.value(id, "id"));
        String path = config.dataPathPrefix() + "composite/sobjects/" + sobject;
        Reply reply;
        if (ids.size() <= MAX_RETRIEVE_IDS_IN_URL) {
            reply = call("GET", path + "?ids=" + ids.stream().map(PathSegments::encode).collect(Collectors.joining(","))
                    + "&fields=" + String.join(",", fields), null);
        } else {
            ObjectNode body = JSON.createObjectNode();
            ids.forEach(body.putArray("ids")::add);
            fields.forEach(body.putArray("fields")::add);
            reply = call("POST", path, body);
        }
        JsonNode array = success(reply);
        if (array == null || !array.isArray() || array.size() != ids.size()) {
            throw unexpected("collections retrieve of " + sobject + " returned no list of " + ids.size() + " entries");
        }
        List<Optional<ObjectNode>> records = new ArrayList<>(ids.size());
        array.forEach(r -> records.add(r instanceof ObjectNode o ? Optional.of(o) : Optional.empty()));
        return records;
    }

    private List<SaveResult> writeCollection(String method, List<ObjectNode> records, boolean allOrNone,
                                             boolean needsId) {
        checkCollectionSize(records);
        if (records.isEmpty()) {
            return List.of();
        }
        ObjectNode request = collectionRequest(allOrNone);
        ArrayNode array = request.putArray("records");
        for (ObjectNode record : records) {
            Objects.requireNonNull(record, "record");
            PathSegments.apiName(record.path("attributes").path("type").asText(""), "attributes.type of a record");
            if (needsId && !record.hasNonNull("id") && !record.hasNonNull("Id")) {
                throw new IllegalArgumentException("every record of a collections update needs its id");
            }
            array.add(record);
        }
        return SaveResults.parse(success(call(method, config.dataPathPrefix() + "composite/sobjects", request)),
                records.size(), classifier, "collections " + (needsId ? "update" : "create"));
    }

    private static ObjectNode collectionRequest(boolean allOrNone) {
        ObjectNode request = JSON.createObjectNode();
        request.put("allOrNone", allOrNone);
        return request;
    }

    /** A copy carrying {@code attributes.type = sobject}; a record declaring another type is refused. */
    private static ObjectNode typed(ObjectNode record, String sobject) {
        Objects.requireNonNull(record, "record");
        String declared = record.path("attributes").path("type").asText("");
        if (!declared.isEmpty() && !declared.equals(sobject)) {
            throw new IllegalArgumentException("a collections upsert of " + sobject + " got a record of type "
                    + declared);
        }
        if (!declared.isEmpty()) {
            return record;
        }
        ObjectNode copy = JSON.createObjectNode();
        copy.putObject("attributes").put("type", sobject);
        record.properties().forEach(e -> {
            if (!e.getKey().equals("attributes")) {
                copy.set(e.getKey(), e.getValue());
            }
        });
        return copy;
    }

    private static void checkCollectionSize(List<?> items) {
        Objects.requireNonNull(items, "records");
        if (items.size() > MAX_RECORDS_PER_REQUEST) {
            throw new IllegalArgumentException("an sObject Collections request holds at most "
                    + MAX_RECORDS_PER_REQUEST + " records, got " + items.size());
        }
    }

    // ------------------------------------------------------------------------------------------------ composite, tree

    /**
     * §2.9: {@code POST /composite} with up to 25 subrequests, later ones referring to earlier results with
     * {@code @{referenceId.field}}. One result per subrequest in response order. With {@code allOrNone} a failure
     * rolls back the whole request and the other subrequests report 400 {@code PROCESSING_HALTED} (retryable); without
     * it, subrequests that do not depend on the failed one still run.
     *
     * @throws IllegalArgumentException over 25 subrequests or a repeated reference id (checked before any call)
     */
    public List<CompositeResult> composite(List<CompositeSubrequest> subrequests, boolean allOrNone) {
        Objects.requireNonNull(subrequests, "subrequests");
        if (subrequests.size() > MAX_COMPOSITE_SUBREQUESTS) {
            throw new IllegalArgumentException("a composite request holds at most " + MAX_COMPOSITE_SUBREQUESTS
                    + " subrequests, got " + subrequests.size());
        }
        if (subrequests.isEmpty()) {
            return List.of();
        }
        Set<String> referenceIds = new HashSet<>();
        ObjectNode request = JSON.createObjectNode();
        request.put("allOrNone", allOrNone);
        ArrayNode array = request.putArray("compositeRequest");
        for (CompositeSubrequest sub : subrequests) {
            if (!referenceIds.add(sub.referenceId())) {
                throw new IllegalArgumentException("referenceId repeated in one composite request: "
                        + sub.referenceId());
            }
            ObjectNode node = array.addObject();
            node.put("method", sub.method());
            // §2.9: a subrequest url "must start with /services/data/vXX.X/"
            node.put("url", sub.url().startsWith("/services/data/") ? sub.url()
                    : config.dataPathPrefix() + stripLeadingSlash(sub.url()));
            node.put("referenceId", sub.referenceId());
            if (sub.body() != null) {
                node.set("body", sub.body());
            }
            if (!sub.httpHeaders().isEmpty()) {
                ObjectNode headers = node.putObject("httpHeaders");
                sub.httpHeaders().forEach(headers::put);
            }
        }
        JsonNode response = requireObject(success(call("POST", config.dataPathPrefix() + "composite", request)),
                "composite");
        List<CompositeResult> results = new ArrayList<>();
        for (JsonNode r : response.path("compositeResponse")) {
            int status = r.path("httpStatusCode").asInt(0);
            JsonNode body = r.hasNonNull("body") ? r.get("body") : NullNode.instance;
            Map<String, String> headers = new LinkedHashMap<>();
            r.path("httpHeaders").properties().forEach(e -> headers.put(e.getKey(), e.getValue().asText()));
            List<ApiError> errors = status / 100 == 2 ? List.of()
                    : classifier.errors(status, body, body.isNull() ? "" : body.toString());
            results.add(new CompositeResult(r.path("referenceId").asText(""), status, body, headers, errors));
        }
        return results;
    }

    /**
     * §2.11: {@code POST /composite/tree/<sobject>} creating trees of records (children nested under their
     * relationship name as {@code {"records":[...]}}), each record with {@code attributes.type} and
     * {@code attributes.referenceId}. All or nothing: a failed tree comes back with {@code hasErrors} and the errors
     * per reference id (Salesforce answers 400 for it, which is read rather than thrown).
     *
     * @throws IllegalArgumentException over 200 records in all, counting nested children
     */
    public TreeResult createTree(String sobject, List<ObjectNode> records) {
        PathSegments.apiName(sobject, "sobject");
        Objects.requireNonNull(records, "records");
        int count = 0;
        for (ObjectNode record : records) {
            count += countTreeRecords(record);
        }
        if (count > MAX_TREE_RECORDS) {
            throw new IllegalArgumentException("an sObject tree request holds at most " + MAX_TREE_RECORDS
                    + " records across all trees, got " + count);
        }
        ObjectNode request = JSON.createObjectNode();
        ArrayNode array = request.putArray("records");
        records.forEach(array::add);
        Reply reply = call("POST", config.dataPathPrefix() + "composite/tree/" + sobject, request);
        JsonNode body = reply.json();
        boolean treeAnswer = body != null && body.isObject() && body.has("hasErrors");
        if (!treeAnswer) {
            throw reply.status() / 100 == 2 ? unexpected("sObject tree returned no hasErrors") : failure(reply);
        }
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, List<ApiError>> errors = new LinkedHashMap<>();
        for (JsonNode r : body.path("results")) {
            String ref = r.path("referenceId").asText("");
            if (r.path("errors").isArray() && !r.path("errors").isEmpty()) {
                List<ApiError> list = new ArrayList<>();
                r.path("errors").forEach(e -> list.add(classifier.error(reply.status(), e)));
                errors.put(ref, list);
            } else if (r.path("id").isTextual()) {
                ids.put(ref, r.get("id").asText());
            }
        }
        boolean hasErrors = body.path("hasErrors").asBoolean(true);
        return new TreeResult(hasErrors, hasErrors ? Map.of() : ids, errors);
    }

    /** Counts a tree record and its nested children ({@code {"Rel":{"records":[...]}}}, §2.11). */
    private static int countTreeRecords(JsonNode record) {
        int count = 1;
        for (Map.Entry<String, JsonNode> field : record.properties()) {
            JsonNode children = field.getValue().path("records");
            if (field.getValue().isObject() && children.isArray()) {
                for (JsonNode child : children) {
                    count += countTreeRecords(child);
                }
            }
        }
        return count;
    }

    // ------------------------------------------------------------------------------------------------ query pages

    /**
     * §2.5: the records of a query, fetched page by page as the stream is consumed, so memory stays at one page
     * however large the result (unlike {@link #query}, which collects the list). Each page is one API call.
     */
    public Stream<ObjectNode> stream(String soql) {
        return cursor(soql, false).stream();
    }

    /** {@link #stream} over {@code /queryAll}: deleted and archived records too (§2.5). */
    public Stream<ObjectNode> streamAll(String soql) {
        return cursor(soql, true).stream();
    }

    /** A lazy cursor over {@code /query} or (with {@code includeDeleted}) {@code /queryAll}. */
    public QueryCursor cursor(String soql, boolean includeDeleted) {
        PathSegments.value(soql, "soql");
        String path = config.dataPathPrefix() + (includeDeleted ? "queryAll" : "query") + "?q="
                + PathSegments.encode(soql);
        return new QueryCursor(() -> page(path), next -> page(nextRecordsPath(next)));
    }

    /** §2.5: {@code GET /queryAll?q=}, all pages collected; records deleted into the recycle bin are included. */
    public List<ObjectNode> queryAll(String soql) {
        return cursor(soql, true).stream().toList();
    }

    private QueryPage page(String path) {
        JsonNode page = requireObject(success(call("GET", path, null)), "query");
        List<ObjectNode> records = new ArrayList<>();
        for (JsonNode record : page.path("records")) {
            if (record instanceof ObjectNode object) {
                records.add(object);
            }
        }
        return new QueryPage(page.path("totalSize").asLong(records.size()), page.path("done").asBoolean(true),
                page.path("nextRecordsUrl").asText(""), records);
    }

    // ------------------------------------------------------------------------------------------------ describe, limits

    /** §2.6: {@code GET /sobjects/<sobject>/describe}, cached per client until {@link #describeCache()} invalidation. */
    public ObjectNode describe(String sobject) {
        return describeCache.describe(PathSegments.apiName(sobject, "sobject"));
    }

    /** §2.6: {@code GET /sobjects} (global describe), cached like {@link #describe}. */
    public ObjectNode describeGlobal() {
        return describeCache.describeGlobal();
    }

    /** The describe cache, to invalidate after a schema change. */
    public DescribeCache describeCache() {
        return describeCache;
    }

    private ObjectNode loadDescribe(String sobject) {
        return (ObjectNode) requireObject(success(call("GET",
                config.dataPathPrefix() + "sobjects/" + sobject + "/describe", null)), "describe " + sobject);
    }

    private ObjectNode loadDescribeGlobal() {
        return (ObjectNode) requireObject(success(call("GET", config.dataPathPrefix() + "sobjects", null)),
                "global describe");
    }

    /** Whether Salesforce can be used now, as this client's calls show; {@link Availability#probe()} reads /limits. */
    public Availability availability() {
        return availability;
    }

    /**
     * The probe: {@code GET /limits} is cheap and tells whether the daily allocation has room
     * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_limits.htm). A token
     * refused on the way (invalid_client) or no answer fails it like any call; {@code Remaining: 0} keeps the limit
     * closed.
     */
    private void probeLimits() {
        limits().dailyApiRequests().filter(l -> l.remaining() <= 0).ifPresent(l -> {
            throw new IntegrationException(ErrorClassifier.SYSTEM, "REQUEST_LIMIT_EXCEEDED",
                    "DailyApiRequests: 0 of " + l.max() + " remaining", 403, true, List.of(), null, null);
        });
    }

    /** §2.7: {@code GET /limits}, every {@code {"Max":..,"Remaining":..}} entry by name. */
    public OrgLimits limits() {
        JsonNode body = requireObject(success(call("GET", config.dataPathPrefix() + "limits", null)), "limits");
        Map<String, OrgLimits.Limit> limits = new LinkedHashMap<>();
        body.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (v.path("Max").isNumber() && v.path("Remaining").isNumber()) {
                limits.put(e.getKey(), new OrgLimits.Limit(v.get("Max").asLong(), v.get("Remaining").asLong()));
            }
        });
        return new OrgLimits(limits);
    }

    // ------------------------------------------------------------------------------------------------ platform events

    /**
     * §4.7: publishes one platform event with {@code POST /sobjects/<eventName>} ({@code eventName} ends in
     * {@code __e}). A refused publish (e.g. {@code LIMIT_EXCEEDED}) comes back as an unsuccessful result when
     * Salesforce answers with a save result, and as an {@link IntegrationException} when it answers with an error array.
     */
    public PublishResult publishEvent(String eventName, ObjectNode payload) {
        PathSegments.apiName(eventName, "eventName");
        if (!eventName.endsWith("__e")) {
            throw new IllegalArgumentException("a platform event API name ends in __e, got: " + eventName);
        }
        Objects.requireNonNull(payload, "payload");
        Reply reply = call("POST", config.dataPathPrefix() + "sobjects/" + eventName, payload);
        JsonNode body = reply.json();
        if (body == null || !body.isObject() || !body.has("success")) {
            throw reply.status() / 100 == 2 ? unexpected("publish " + eventName + " returned no save result")
                    : failure(reply);
        }
        String uuid = "";
        List<ApiError> errors = new ArrayList<>();
        for (JsonNode e : body.path("errors")) {
            // §4.7: success is reported as an OPERATION_ENQUEUED entry whose message is the EventUuid.
            if ("OPERATION_ENQUEUED".equals(e.path("statusCode").asText())) {
                uuid = e.path("message").asText("");
            } else if (e.isObject()) {
                errors.add(classifier.error(reply.status(), e));
            }
        }
        return new PublishResult(body.path("id").asText(""), body.path("success").asBoolean(false), uuid, errors);
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

    record Reply(int status, JsonNode json, String text) {
    }

    /**
     * Sends one call to the data API exactly as this client's own operations do, for resources it has no typed method
     * for (Bulk API 2.0 jobs, §5): the bearer token, {@code Sforce-Call-Options}, one replay with a new token after a
     * 401 (§1.7), {@code Sforce-Limit-Info} into {@link #apiUsage()}, and the call counted in {@link #apiCallCount()}
     * and {@value #METRIC_API_CALLS} (Bulk calls draw on the same daily allocation, §5).
     *
     * @param method      the HTTP method
     * @param dataPath    the resource under {@code /services/data/vXX.X/} (e.g. {@code jobs/ingest}), query string
     *                    included; a path already starting with {@code /services/data/} is taken as it is
     * @param body        the request body, or {@code null} for none; a supplier because a replay after a 401 needs a
     *                    fresh publisher (a file or stream publisher can be read once)
     * @param contentType the body's {@code Content-Type}; required with a body
     * @param accept      the {@code Accept} header, e.g. {@code application/json} or {@code text/csv}
     * @return the 2xx response with its body unread; the caller closes the stream
     * @throws IntegrationException any other status, classified by this client's {@link ErrorClassifier}, or a
     *                              transport failure (retryable)
     */
    public HttpResponse<InputStream> send(String method, String dataPath, Supplier<HttpRequest.BodyPublisher> body,
                                          String contentType, String accept) {
        PathSegments.value(method, "method");
        PathSegments.value(accept, "accept");
        if (body != null) {
            PathSegments.value(contentType, "contentType");
        }
        HttpResponse<InputStream> response = authorized(method, dataPath(dataPath), body, contentType, accept);
        if (response.statusCode() / 100 != 2) {
            String text = readText(response, method, dataPath);
            throw observed(classifier.toException(response.statusCode(), parse(text), text));
        }
        return response;
    }

    /** A path relative to the data API, or one under {@code /services/data/}; never another host (§1.7 token). */
    private String dataPath(String path) {
        PathSegments.value(path, "dataPath");
        if (path.contains("://") || path.startsWith("//") || path.contains("\\")) {
            throw new IllegalArgumentException("dataPath must be a path on the instance, got: " + withoutQuery(path));
        }
        if (path.startsWith("/")) {
            if (!path.startsWith("/services/data/")) {
                throw new IllegalArgumentException("dataPath must be under /services/data/, got: "
                        + withoutQuery(path));
            }
            return path;
        }
        return config.dataPathPrefix() + path;
    }

    /** Sends a JSON call (or none) and reads the whole answer. */
    private Reply call(String method, String pathAndQuery, JsonNode body) {
        Supplier<HttpRequest.BodyPublisher> publisher = null;
        if (body != null) {
            byte[] bytes = toBytes(body);
            publisher = () -> HttpRequest.BodyPublishers.ofByteArray(bytes);
        }
        HttpResponse<InputStream> response = authorized(method, pathAndQuery, publisher,
                body == null ? null : "application/json", "application/json");
        String text = readText(response, method, pathAndQuery);
        return new Reply(response.statusCode(), parse(text), text);
    }

    /**
     * {@link #reauthorizing} fed into {@link #availability()}: a refused token request, no answer, or a token refused
     * twice is a failure; any answer below 500 other than 401/403 says Salesforce is up (5xx and 403 are judged
     * where they are classified, by {@link #observed}).
     */
    private HttpResponse<InputStream> authorized(String method, String pathAndQuery,
                                                 Supplier<HttpRequest.BodyPublisher> body, String contentType,
                                                 String accept) {
        HttpResponse<InputStream> response;
        try {
            response = reauthorizing(method, pathAndQuery, body, contentType, accept);
        } catch (IntegrationException e) {
            availability.failed(e);
            throw e;
        }
        int status = response.statusCode();
        if (status < 500 && status != 401 && status != 403) {
            availability.succeeded();
        }
        return response;
    }

    /** A classified failure, told to {@link #availability()} (which ignores errors about a record). */
    private IntegrationException observed(IntegrationException failure) {
        availability.failed(failure);
        return failure;
    }

    /** Sends with the current token; on 401 invalidates it and replays once with a new one (§1.7). */
    private HttpResponse<InputStream> reauthorizing(String method, String pathAndQuery,
                                                    Supplier<HttpRequest.BodyPublisher> body, String contentType,
                                                    String accept) {
        AccessToken token = tokens.token();
        HttpResponse<InputStream> response = exchange(method, token, pathAndQuery, body, contentType, accept);
        if (response.statusCode() != 401) {
            return response;
        }
        readText(response, method, pathAndQuery);
        LOG.info("Salesforce answered 401 to {} {}; re-authenticating once", method, withoutQuery(pathAndQuery));
        tokens.invalidate(token);
        AccessToken fresh = tokens.token();
        response = exchange(method, fresh, pathAndQuery, body, contentType, accept);
        if (response.statusCode() != 401) {
            return response;
        }
        // A new token refused at once: a session policy or a revoked app. Retrying later (with yet another token)
        // is the only useful move; the retry policy dead-letters it when it persists.
        tokens.invalidate(fresh);
        String text = readText(response, method, pathAndQuery);
        List<ApiError> errors = classifier.errors(401, parse(text), text);
        ApiError error = errors.getFirst();
        throw new IntegrationException(ErrorClassifier.SYSTEM,
                error.errorCode().startsWith("HTTP_") ? "INVALID_SESSION_ID" : error.errorCode(),
                "Salesforce refused a newly obtained access token: " + error.message(), 401, true,
                List.of(), null, null);
    }

    private HttpResponse<InputStream> exchange(String method, AccessToken token, String pathAndQuery,
                                               Supplier<HttpRequest.BodyPublisher> body, String contentType,
                                               String accept) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(token.instanceUrl() + pathAndQuery))
                .timeout(config.requestTimeout())
                .header("Authorization", "Bearer " + token.value())
                .header("Accept", accept)
                .header("Sforce-Call-Options", "client=" + config.callOptionsClient());
        if (body != null) {
            request.header("Content-Type", contentType).method(method, body.get());
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        String what = method + " " + withoutQuery(pathAndQuery);
        callCount.incrementAndGet();
        callCounter.increment();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(what, e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
        response.headers().firstValue(LimitInfoHeader.NAME).flatMap(LimitInfoHeader::parse).ifPresent(usage::set);
        LOG.debug("Salesforce {} -> {}", what, response.statusCode());
        return response;
    }

    /** Reads and closes a response body; a connection lost mid-body is a transport failure like a failed send. */
    private static String readText(HttpResponse<InputStream> response, String method, String pathAndQuery) {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(method + " " + withoutQuery(pathAndQuery), e);
        }
    }

    private JsonNode success(Reply reply) {
        if (reply.status() / 100 != 2) {
            throw failure(reply);
        }
        return reply.json();
    }

    private IntegrationException failure(Reply reply) {
        return observed(classifier.toException(reply.status(), reply.json(), reply.text()));
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
            int depth = depth(graph);
            if (depth > MAX_GRAPH_DEPTH) {
                throw new IllegalArgumentException("a composite graph is at most " + MAX_GRAPH_DEPTH
                        + " nodes deep (max depth), graph " + graph.graphId() + " is " + depth);
            }
        }
        Set<String> types = new HashSet<>();
        graphs.forEach(g -> g.nodes().forEach(n -> sObjectType(n.path()).ifPresent(types::add)));
        if (types.size() > MAX_GRAPH_NODE_TYPES) {
            throw new IllegalArgumentException("a composite graph request holds at most " + MAX_GRAPH_NODE_TYPES
                    + " distinct node types (sObjects), got " + types.size() + ": " + new TreeSet<>(types));
        }
    }

    /**
     * §2.10 depth: the nodes in the longest {@code @{ref}} chain. A node refers only to nodes before it (their
     * results must exist when it runs, §2.9), so one pass in order suffices; references to unknown ids are left to
     * Salesforce to report.
     */
    private static int depth(Graph graph) {
        Map<String, Integer> depths = new HashMap<>();
        int deepest = 0;
        for (GraphNode node : graph.nodes()) {
            Set<String> referenced = new HashSet<>();
            references(node.path(), referenced);
            if (node.body() != null) {
                references(node.body(), referenced);
            }
            int depth = 1;
            for (String id : referenced) {
                Integer before = depths.get(id);
                if (before != null) {
                    depth = Math.max(depth, before + 1);
                }
            }
            depths.put(node.referenceId(), depth);
            deepest = Math.max(deepest, depth);
        }
        return deepest;
    }

    private static void references(JsonNode json, Set<String> into) {
        if (json.isTextual()) {
            references(json.asText(), into);
        } else {
            json.forEach(child -> references(child, into));
        }
    }

    private static void references(String text, Set<String> into) {
        Matcher matcher = REFERENCE.matcher(text);
        while (matcher.find()) {
            into.add(matcher.group(1));
        }
    }

    /** The sObject a graph node addresses, {@code Account} in {@code sobjects/Account/...}; case-insensitive. */
    private static Optional<String> sObjectType(String path) {
        String rest = stripLeadingSlash(path);
        if (!rest.startsWith("sobjects/")) {
            return Optional.empty();
        }
        rest = rest.substring("sobjects/".length());
        int end = rest.length();
        for (int i = 0; i < rest.length(); i++) {
            if (rest.charAt(i) == '/' || rest.charAt(i) == '?') {
                end = i;
                break;
            }
        }
        return end == 0 ? Optional.empty() : Optional.of(rest.substring(0, end).toLowerCase(Locale.ROOT));
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
