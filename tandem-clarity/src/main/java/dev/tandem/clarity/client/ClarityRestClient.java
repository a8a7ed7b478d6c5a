package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.auth.ClaritySession;
import dev.tandem.clarity.auth.SessionToken;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.ClarityPageSource;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.Availability;
import dev.tandem.core.connector.AvailabilityTracker;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Talks to CEF's REST API (clarity-api.md §5): reads records ({@code GET {base}/<Module>/<Entity>/ID/{ID}} and
 * {@code .../Key/{Key}}), pages through lists ({@code GET /<M>/<E>s}, §3) and sends writes for
 * {@link dev.tandem.clarity.write.ClarityWriter}. Every call carries the integration user's session
 * ({@link ClaritySession}); a 401 logs in again and replays the call once.
 *
 * <p>Resilience ({@link ClarityResilience}): calls safe to repeat are retried a few times with exponential backoff on
 * 5xx, 408, 429, timeouts and connection failures; every call goes through one resilience4j circuit breaker per client
 * (named after the base URL), which opens when Clarity keeps failing and then fails calls at once with the retryable
 * {@value #CIRCUIT_OPEN}. The same answers feed {@link #availability()}, with a refused login
 * ({@value ClaritySession#LOGIN_FAILED}) as a configuration fault: the flow runtime pauses the Clarity flows then and
 * probes with one authenticated GET.
 *
 * <p>Thread-safe: one instance (and one {@link HttpClient}) is shared by all threads, virtual ones included.
 */
public final class ClarityRestClient implements RecordReader, ClarityPageSource, AutoCloseable {

    /** The error code of a call refused because the circuit breaker is open. */
    public static final String CIRCUIT_OPEN = "CLARITY_CIRCUIT_OPEN";
    /** A larger answer is refused rather than buffered: no page or record Tandem reads comes near it. */
    public static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(ClarityRestClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The most ids {@link #fetchByIds} puts in one list request (keeps the URL far below common limits). */
    public static final int MAX_IDS_PER_REQUEST = 100;
    /**
     * A product's price as CEF's pricing provider calculates it for one unit
     * ({@code GET /Pricing/Prices/ForProduct/{ProductID}/Quantity/1} → {@code CEFActionResponse<CalculatedPrice>},
     * clarity-api.md §5.1 notes: "ProductModel has no flat price field; prices live in the pricing provider"): read
     * by the flows as the entity {@value} with the product's id, e.g. a {@code fetch} step's related record.
     */
    public static final String CALCULATED_PRICE = "CalculatedPrice";
    /**
     * A product's stock rows, read by product id as the entity {@value}:
     * {@code {"ProductID": 301, "Locations": [ProductInventoryLocationSectionModel, ...]}}, from
     * {@code GET /Products/ProductInventoryLocationSections?ProductIDs=..} (the list's typed filter, §9), up to
     * {@value #MAX_IDS_PER_REQUEST} products per request. A product without stock rows gets an empty list.
     */
    public static final String PRODUCT_STOCK = "ProductStock";
    /** CEF ids are {@code int} (§2). */
    private static final Pattern ID = Pattern.compile("\\d{1,10}");

    private final ClarityConfig config;
    private final ClaritySession session;
    private final HttpClient http;
    private final boolean ownsHttpClient;
    private final ClarityResilience resilience;
    private final CircuitBreaker breaker;
    private final AvailabilityTracker availability;

    public ClarityRestClient(ClarityConfig config, ClaritySession session, HttpClient http) {
        this(config, session, http, ClarityResilience.DEFAULTS);
    }

    public ClarityRestClient(ClarityConfig config, ClaritySession session, HttpClient http,
                             ClarityResilience resilience) {
        this(config, session, http, false, resilience);
    }

    private ClarityRestClient(ClarityConfig config, ClaritySession session, HttpClient http, boolean ownsHttpClient,
                              ClarityResilience resilience) {
        this.config = Objects.requireNonNull(config, "config");
        this.session = Objects.requireNonNull(session, "session");
        this.http = Objects.requireNonNull(http, "http");
        this.ownsHttpClient = ownsHttpClient;
        this.resilience = Objects.requireNonNull(resilience, "resilience");
        this.breaker = CircuitBreaker.of(config.baseUrl().toString(), CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(resilience.breakerMinimumCalls() * 2)
                .minimumNumberOfCalls(resilience.breakerMinimumCalls())
                .failureRateThreshold(resilience.breakerFailureRate())
                .waitDurationInOpenState(resilience.breakerOpenWait())
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        this.availability = new AvailabilityTracker(ErrorClassifier.SYSTEM, java.time.Clock.systemUTC(),
                AvailabilityTracker.DEFAULT_FAILURE_THRESHOLD, this::probe);
    }

    /** Whether Clarity can be used now, as this client's calls show (outage, 429, a refused login). */
    public Availability availability() {
        return availability;
    }

    /**
     * The probe: one authenticated GET, through the breaker but without the retries (logging in first when there is
     * no session, so fixed credentials show at once). Any answer but 5xx/408/429 is Clarity up; a 404 for the id
     * that never exists included.
     */
    private void probe() {
        String path = dev.tandem.clarity.model.ClarityEntity.SALES_ORDER.routePrefix() + "/ID/0";
        ClarityReply reply = guarded("GET", path, null);
        if (ErrorClassifier.isRetryable(reply.status())) {
            throw ErrorClassifier.toException("GET " + path, reply.status(), reply.json());
        }
    }

    /** A client with its own {@link HttpClient} (closed by {@link #close()}) and session. */
    public static ClarityRestClient create(ClarityConfig config) {
        return create(config, ClarityResilience.DEFAULTS);
    }

    /** A client with its own {@link HttpClient} (closed by {@link #close()}), session and these resilience settings. */
    public static ClarityRestClient create(ClarityConfig config, ClarityResilience resilience) {
        HttpClient http = newHttpClient(config);
        return new ClarityRestClient(config, new ClaritySession(config, http), http, true, resilience);
    }

    /** An {@link HttpClient} suited to CEF: connect timeout from the config, redirects never followed. */
    public static HttpClient newHttpClient(ClarityConfig config) {
        // Redirects are not followed: DNN answers some unauthenticated requests with a redirect to its login page,
        // which must surface as an error rather than be parsed as a record.
        return HttpClient.newBuilder()
                .connectTimeout(config.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** The breaker's state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, ...), for health and metrics. */
    public String circuitState() {
        return breaker.getState().name();
    }

    /**
     * {@code GET {base}/<Module>/<Entity>/ID/{id}}: the record as CEF serialises it (PascalCase, nulls omitted, §2),
     * or empty when it does not exist.
     *
     * @param entity a {@link ClarityEntity} name, e.g. {@code SalesOrder}, {@code Account}, {@code Product}
     * @param id     the CEF id (an integer)
     * @throws IllegalArgumentException for another entity or a non-numeric id
     * @throws IntegrationException     retryable for 5xx, timeouts and connection failures; permanent for other
     *                                  refusals, with CEF's error code and message
     */
    @Override
    public Optional<ObjectNode> fetch(String entity, String id) {
        if (CALCULATED_PRICE.equals(entity)) {
            return price(requireId(id));
        }
        if (PRODUCT_STOCK.equals(entity)) {
            return Optional.ofNullable(stock(List.of(requireId(id))).get(Long.toString(Long.parseLong(id))));
        }
        ClarityEntity e = ClarityEntity.fromName(entity);
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a Clarity id is an integer, got: " + id);
        }
        return getRecord(e.routePrefix() + "/ID/" + id);
    }

    /**
     * Many records in as few calls as the list route allows: {@code GET {base}/<M>/<E>s?IDs=1&IDs=2&...&Paging=
     * {Size:n,StartIndex:1}} (clarity-api.md §3: {@code IDs} is a {@code BaseSearchModel} filter, "Array params are
     * repeated keys"), at most {@value #MAX_IDS_PER_REQUEST} ids per call and a page size of the chunk's size, so
     * one call per chunk. Each call is retried like {@link #fetch} (5xx, 408, 429, timeouts, a 401 logs in again).
     *
     * <p>The list's rows are the records CEF's list mapping gives. The spec does not document which fields the
     * default ("lite", {@code AsListing=false}) mapping leaves out; the sandbox serves the same record as
     * {@code /<M>/<E>/ID/{ID}}. A caller that needs nested data (e.g. {@code SalesItems}) should check that it is
     * there [inferred].
     *
     * @param entity a {@link ClarityEntity} name, e.g. {@code SalesOrder}
     * @param ids    CEF ids (integers as strings); duplicates are asked for once
     * @return the records found, keyed by their {@code ID} as a decimal string (e.g. {@code "5001"}), in the order
     *     of {@code ids}; ids without a record are absent
     * @throws IllegalArgumentException for another entity or a non-numeric id
     * @throws IntegrationException     as {@link #page}
     */
    /**
     * A batch's records in few requests: the flow engine's {@code fetch} step reads a whole batch through this
     * (CEF's list with repeated {@code IDs} filters, clarity-api.md §3), instead of one GET per record.
     */
    @Override
    public Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
        if (CALCULATED_PRICE.equals(entity)) {
            // CEF's batch route (/Pricing/Prices/ForProducts) documents no request shape: one call per product.
            Map<String, ObjectNode> found = new LinkedHashMap<>();
            for (String id : new LinkedHashSet<>(ids)) {
                price(requireId(id)).ifPresent(p -> found.put(id, p));
            }
            return found;
        }
        if (PRODUCT_STOCK.equals(entity)) {
            Map<String, ObjectNode> byCanonical = stock(ids.stream().map(ClarityRestClient::requireId).toList());
            Map<String, ObjectNode> found = new LinkedHashMap<>();
            for (String id : ids) {
                ObjectNode stock = byCanonical.get(Long.toString(Long.parseLong(id)));
                if (stock != null) {
                    found.put(id, stock);
                }
            }
            return found;
        }
        return fetchByIds(entity, ids);
    }

    private static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a Clarity id is an integer, got: " + id);
        }
        return id;
    }

    /** The {@link #CALCULATED_PRICE} of one product: the {@code Result} of CEF's answer; empty for a 404. */
    private Optional<ObjectNode> price(String productId) {
        String path = "/Pricing/Prices/ForProduct/" + Long.parseLong(productId) + "/Quantity/1";
        ClarityReply reply = send("GET", path, null, true);
        if (reply.status() == 404 || reply.status() == 204) {
            return Optional.empty();
        }
        if (reply.status() / 100 != 2) {
            throw ErrorClassifier.toException("GET /Pricing/Prices/ForProduct", reply.status(), reply.json());
        }
        JsonNode body = reply.json();
        if (body == null || !body.isObject()) {
            throw unexpected("GET /Pricing/Prices/ForProduct", reply.status(), "no CEFActionResponse object");
        }
        if (!body.path("ActionSucceeded").asBoolean(false)) {
            // CEF reports a product it cannot price as a failed action (e.g. no price defined): no price, not an outage.
            return Optional.empty();
        }
        if (!(body.get("Result") instanceof ObjectNode result)) {
            throw unexpected("GET /Pricing/Prices/ForProduct", reply.status(), "a CEFActionResponse without a Result object");
        }
        result.put("ProductID", Long.parseLong(productId));
        return Optional.of(result);
    }

    /** The {@link #PRODUCT_STOCK} of each product, keyed by its id as a decimal string. */
    private Map<String, ObjectNode> stock(List<String> productIds) {
        List<String> all = productIds.stream().map(id -> Long.toString(Long.parseLong(id))).distinct().toList();
        Map<String, ObjectNode> stock = new LinkedHashMap<>();
        for (String id : all) {
            ObjectNode record = JSON.createObjectNode();
            record.put("ProductID", Long.parseLong(id));
            record.putArray("Locations");
            stock.put(id, record);
        }
        for (int from = 0; from < all.size(); from += MAX_IDS_PER_REQUEST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_REQUEST));
            ListQuery query = ListQuery.all().sortedBy("ID", true);
            for (String id : chunk) {
                query = query.with("ProductIDs", id);
            }
            stream(ClarityEntity.PRODUCT_INVENTORY_LOCATION_SECTION, query, 1000).forEach(row -> {
                ObjectNode record = stock.get(row.path("MasterID").asText());
                // Rows of products not asked for (a server that ignored the filter) are not this call's answer.
                if (record != null) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) record.get("Locations")).add(row);
                }
            });
        }
        return stock;
    }

    public Map<String, ObjectNode> fetchByIds(String entity, Collection<String> ids) {
        ClarityEntity e = ClarityEntity.fromName(entity);
        Objects.requireNonNull(ids, "ids");
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        for (String id : ids) {
            if (id == null || !ID.matcher(id).matches()) {
                throw new IllegalArgumentException("a Clarity id is an integer, got: " + id);
            }
            wanted.add(Long.toString(Long.parseLong(id)));
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        List<String> all = List.copyOf(wanted);
        for (int from = 0; from < all.size(); from += MAX_IDS_PER_REQUEST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_REQUEST));
            ListQuery query = ListQuery.all();
            for (String id : chunk) {
                query = query.with("IDs", id);
            }
            // Page 1 of size chunk.size() holds every match (§3 paging), so one call answers the chunk.
            for (ObjectNode row : page(e, query.paged(chunk.size(), 1)).results()) {
                String id = row.path("ID").asText();
                // Rows not asked for (a server that ignored the filter) are not this call's answer.
                if (wanted.contains(id)) {
                    found.putIfAbsent(id, row);
                }
            }
        }
        Map<String, ObjectNode> ordered = new LinkedHashMap<>();
        for (String id : all) {
            ObjectNode row = found.get(id);
            if (row != null) {
                ordered.put(id, row);
            }
        }
        return ordered;
    }

    /**
     * Records found by a search field of the entity's list route instead of their ids ({@code GET {base}/<M>/<E>s?
     * <field>=v1&<field>=v2...}, repeated keys as {@code IDs}, clarity-api.md §3; e.g. {@code AccountContact} by
     * {@code SlaveID}): for each value the active row with the lowest ID whose {@code field} holds it, keyed by the
     * value. At most {@value #MAX_IDS_PER_REQUEST} values per request, every page read.
     *
     * @throws IllegalArgumentException for another entity, a field that is no plain name, or a non-numeric value of an
     *                                  {@code ...ID} field
     * @throws IntegrationException     as {@link #page}
     */
    @Override
    public Map<String, ObjectNode> findAllBy(String entity, String field, Collection<String> values) {
        ClarityEntity e = ClarityEntity.fromName(entity);
        if (field == null || !field.matches("[A-Z][A-Za-z0-9]{0,63}")) {
            throw new IllegalArgumentException("a Clarity search field is a PascalCase name, got: " + field);
        }
        LinkedHashSet<String> wanted = new LinkedHashSet<>();
        for (String v : Objects.requireNonNull(values, "values")) {
            if (v == null || v.isBlank() || (field.endsWith("ID") && !ID.matcher(v).matches())) {
                throw new IllegalArgumentException("a value of " + field + " must be " + (field.endsWith("ID")
                        ? "an integer" : "non-blank") + ", got: " + v);
            }
            wanted.add(field.endsWith("ID") ? Long.toString(Long.parseLong(v)) : v);
        }
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        List<String> all = List.copyOf(wanted);
        for (int from = 0; from < all.size(); from += MAX_IDS_PER_REQUEST) {
            ListQuery query = ListQuery.all();
            for (String v : all.subList(from, Math.min(all.size(), from + MAX_IDS_PER_REQUEST))) {
                query = query.with(field, v);
            }
            stream(e, query, MAX_IDS_PER_REQUEST).forEach(row -> {
                String v = row.path(field).asText();
                if (wanted.contains(v) && row.path("Active").asBoolean(true)) {
                    found.merge(v, row, (a, b) -> a.path("ID").asLong() <= b.path("ID").asLong() ? a : b);
                }
            });
        }
        return found;
    }

    /**
     * {@code GET {base}/<Module>/<Entity>/Key/{key}}: the record with this {@code CustomKey}, or empty. The key is
     * URL-encoded as one path segment.
     */
    public Optional<ObjectNode> fetchByKey(String entity, String key) {
        ClarityEntity e = ClarityEntity.fromName(entity);
        if (key == null || key.isBlank()) {
            throw new IllegalArgumentException("a Clarity key must not be blank");
        }
        return getRecord(e.routePrefix() + "/Key/" + URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20"));
    }

    /**
     * One page of {@code GET {base}/<M>/<E>s?<query>} (§3, §5): with {@link ListQuery#paged} one page, without it
     * every row in one answer.
     *
     * @throws IntegrationException for a failed call, or permanent {@code UNEXPECTED_RESPONSE} when the answer is no
     *                              {@code PagedResults} object
     */
    @Override
    public ClarityPage page(ClarityEntity entity, ListQuery query) {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(query, "query");
        String qs = query.toQueryString();
        String path = entity.listPath() + (qs.isEmpty() ? "" : "?" + qs);
        ClarityReply reply = send("GET", path, null, true);
        String what = "GET " + entity.listPath();
        if (reply.status() / 100 != 2) {
            throw ErrorClassifier.toException(what, reply.status(), reply.json());
        }
        JsonNode body = reply.json();
        if (body == null || !body.isObject() || !body.path("Results").isArray()) {
            throw unexpected(what, reply.status(), "no PagedResults object with a Results array");
        }
        List<ObjectNode> rows = new ArrayList<>(body.path("Results").size());
        for (JsonNode row : body.path("Results")) {
            if (!(row instanceof ObjectNode record)) {
                throw unexpected(what, reply.status(), "a Results element that is not an object");
            }
            rows.add(record);
        }
        return new ClarityPage(body.path("TotalPages").asInt(1), body.path("CurrentPage").asInt(1),
                body.path("TotalCount").asInt(rows.size()), body.path("CurrentCount").asInt(rows.size()), rows);
    }

    /**
     * Every row of the list, fetched lazily {@code pageSize} rows at a time (pages 1, 2, ... as §3 numbers them), so
     * memory stays at one page whatever the list's length. Stops after a page with fewer rows than asked for, or at
     * {@code TotalPages}. Any paging in {@code query} is replaced. Failures surface from the stream's terminal
     * operation as {@link IntegrationException}.
     */
    public Stream<ObjectNode> stream(ClarityEntity entity, ListQuery query, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive, got: " + pageSize);
        }
        Iterator<ObjectNode> rows = new Iterator<>() {
            private Iterator<ObjectNode> current = java.util.Collections.emptyIterator();
            private int nextPage = 1;
            private boolean more = true;

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && more) {
                    ClarityPage page = page(entity, query.paged(pageSize, nextPage));
                    // a short page is the last; so is TotalPages, and a server that ignored the paging (more rows
                    // than asked for) has sent everything at once
                    more = page.results().size() == pageSize && nextPage < page.totalPages();
                    nextPage++;
                    current = page.results().iterator();
                }
                return current.hasNext();
            }

            @Override
            public ObjectNode next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(rows,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    /**
     * Sends one call with the session, the retries and the circuit breaker, and returns CEF's answer whatever its
     * status (the caller decides what a status means). For {@link dev.tandem.clarity.write.ClarityWriter}.
     *
     * @param method    {@code GET}, {@code POST}, {@code PUT}, {@code PATCH} or {@code DELETE}
     * @param path      below the base URL, query included
     * @param jsonBody  the request body, or null
     * @param retrySafe whether repeating the call cannot do harm (reads, Upsert, Update; not Create)
     * @throws IntegrationException when no answer came (timeout, connection failure, circuit open), or when the
     *                              session could not be renewed
     */
    public ClarityReply send(String method, String path, String jsonBody, boolean retrySafe) {
        int attempts = retrySafe ? resilience.maxAttempts() : 1;
        for (int attempt = 1; ; attempt++) {
            try {
                ClarityReply reply = guarded(method, path, jsonBody);
                if (attempt < attempts && ErrorClassifier.isRetryable(reply.status())) {
                    LOG.info("Clarity answered {} to {} {}; retry {} of {}", reply.status(), method, stripQuery(path),
                            attempt, attempts - 1);
                    pause(attempt, method + " " + stripQuery(path));
                    continue;
                }
                return reply;
            } catch (IntegrationException e) {
                if (attempt >= attempts || !e.retryable() || CIRCUIT_OPEN.equals(e.errorCode())
                        || e.httpStatus() == 401) {
                    throw e;
                }
                LOG.info("Clarity {} {} failed ({}); retry {} of {}", method, stripQuery(path), e.errorCode(),
                        attempt, attempts - 1);
                pause(attempt, method + " " + stripQuery(path));
            }
        }
    }

    /** Closes the {@link HttpClient} when this client created it ({@link #create}); otherwise does nothing. */
    @Override
    public void close() {
        if (ownsHttpClient) {
            http.close();
        }
    }

    private Optional<ObjectNode> getRecord(String path) {
        String what = "GET " + path;
        ClarityReply reply = send("GET", path, null, true);
        int status = reply.status();
        // 404 is CEF's answer for a missing id/key (§9); a ServiceStack service returning null answers 204
        if (status == 404 || status == 204) {
            return Optional.empty();
        }
        if (status / 100 != 2) {
            throw ErrorClassifier.toException(what, status, reply.json());
        }
        if (reply.json() == null || reply.json().isNull()) {
            return Optional.empty();
        }
        if (reply.json() instanceof ObjectNode record) {
            return Optional.of(record);
        }
        throw unexpected(what, status, "no JSON object");
    }

    private static IntegrationException unexpected(String what, int status, String detail) {
        return IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                "Clarity " + what + " returned " + detail, status);
    }

    /** One attempt through the circuit breaker: 5xx, 408, 429 and no answer count as failures, the rest as success. */
    private ClarityReply guarded(String method, String path, String jsonBody) {
        try {
            breaker.acquirePermission();
        } catch (CallNotPermittedException open) {
            IntegrationException refused = IntegrationException.transientFailure(ErrorClassifier.SYSTEM, CIRCUIT_OPEN,
                    "Clarity at " + config.baseUrl() + " keeps failing; not calling it for up to "
                            + resilience.breakerOpenWait() + " (circuit open): " + method + " " + stripQuery(path),
                    0, open);
            availability.failed(refused);
            throw refused;
        }
        long start = System.nanoTime();
        try {
            ClarityReply reply = authenticated(method, path, jsonBody);
            long took = System.nanoTime() - start;
            if (ErrorClassifier.isRetryable(reply.status())) {
                IntegrationException failure = ErrorClassifier.toException(method + " " + stripQuery(path),
                        reply.status(), reply.json());
                breaker.onError(took, TimeUnit.NANOSECONDS, failure);
                availability.failed(failure);
            } else {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
                availability.succeeded();
            }
            return reply;
        } catch (IntegrationException e) {
            long took = System.nanoTime() - start;
            availability.failed(e);
            if (e.retryable() && e.httpStatus() != 401) {
                breaker.onError(took, TimeUnit.NANOSECONDS, e);
            } else {
                breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            }
            throw e;
        } catch (RuntimeException e) {
            breaker.releasePermission();
            throw e;
        }
    }

    /** Sends with the current session; on 401 logs in again and replays once. */
    private ClarityReply authenticated(String method, String path, String jsonBody) {
        SessionToken token = session.current();
        ClarityReply reply = exchange(method, path, jsonBody, token);
        if (reply.status() != 401) {
            return reply;
        }
        LOG.info("Clarity answered 401 to {} {}; logging in again once", method, stripQuery(path));
        session.invalidate(token);
        SessionToken fresh = session.current();
        reply = exchange(method, path, jsonBody, fresh);
        if (reply.status() != 401) {
            return reply;
        }
        session.invalidate(fresh);
        ErrorClassifier.CefError error = ErrorClassifier.cefError(401, reply.json());
        throw IntegrationException.transientFailure(ErrorClassifier.SYSTEM, error.code(),
                "Clarity refused " + method + " " + stripQuery(path) + " right after a new login: " + error.message(),
                401, null);
    }

    private ClarityReply exchange(String method, String path, String jsonBody, SessionToken token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(config.resolve(path))
                .timeout(config.requestTimeout())
                .header("Accept", "application/json");
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
        }
        token.applyTo(request);
        String what = method + " " + stripQuery(path);
        HttpResponse<InputStream> response;
        byte[] body;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_RESPONSE_BYTES + 1);
            }
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(what, e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
        LOG.debug("Clarity {} -> {}", what, response.statusCode());
        if (body.length > MAX_RESPONSE_BYTES) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "RESPONSE_TOO_LARGE",
                    "Clarity " + what + " answered with more than " + MAX_RESPONSE_BYTES + " bytes",
                    response.statusCode());
        }
        return new ClarityReply(response.statusCode(), parse(body));
    }

    private void pause(int retry, String what) {
        Duration wait = resilience.backoff(retry);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
    }

    /** Queries can carry filter values; logs and messages name the route only. */
    private static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(body);
            return json == null || json.isMissingNode() ? null : json;
        } catch (IOException e) {
            return null;
        }
    }
}
