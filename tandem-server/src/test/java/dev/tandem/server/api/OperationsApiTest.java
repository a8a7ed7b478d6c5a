package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.flow.RecordEdit;
import dev.tandem.core.ops.DeadLetterAutoRetry;
import dev.tandem.core.ops.DeadLetterService;
import dev.tandem.core.retry.RetryPolicy;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.runtime.RuntimeSettings;
import dev.tandem.store.jdbc.JdbcStores;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dead-letter, retry, flow and timeline endpoints over HTTP, on the real SQLite store and flow runtime, with a
 * flow whose failures the test controls: a record fails with REQUIRED_FIELD_MISSING until its data is fixed (by an
 * operator's edit, or because the test marks it fixed, as a later change in Clarity would).
 */
class OperationsApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOW = "orders";

    @TempDir
    Path dir;
    private JdbcStores stores;
    private FlowRuntime runtime;
    private Javalin app;
    private DeadLetterService service;
    private final HttpClient http = HttpClient.newHttpClient();
    /** Entity ids whose data the test considers fixed. */
    private final Set<String> fixed = ConcurrentHashMap.newKeySet();
    /** Edits the flow was given, by offset. */
    private final Map<Long, RecordEdit> seenEdits = new ConcurrentHashMap<>();

    /** Fails records whose payload says {"lastName": ""} unless fixed or edited with a last name. */
    final class MissingNameFlow implements Flow {
        @Override
        public String name() {
            return FLOW;
        }

        @Override
        public boolean handles(InboundEvent event) {
            return event.type().startsWith("SalesOrder.");
        }

        @Override
        public List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state) {
            return process(batch, state, Map.of());
        }

        @Override
        public List<FlowOutcome> process(List<LoggedEvent> batch, FlowState state, Map<Long, RecordEdit> edits) {
            List<FlowOutcome> out = new ArrayList<>();
            for (LoggedEvent e : batch) {
                RecordEdit edit = edits.get(e.offset());
                if (edit != null) {
                    seenEdits.put(e.offset(), edit);
                }
                boolean edited = edit != null && edit.source() != null && !edit.source().path("lastName").asText("").isEmpty();
                if (e.event().payload().contains("\"lastName\":\"\"") && !fixed.contains(e.event().entityId()) && !edited) {
                    out.add(new FlowOutcome.Failed(e.offset(), "REQUIRED_FIELD_MISSING",
                            "Required fields are missing: [LastName]", false, Duration.ZERO, e.event().payload(),
                            new FlowOutcome.FailureDetails("validate", 0, List.of("LastName"),
                                    "{\"records\":[{\"ref\":\"order\",\"entity\":\"Order\",\"keyField\":\"K\",\"key\":\""
                                            + e.event().entityKey() + "\",\"fields\":{}}]}",
                                    List.of("Contact/" + (700 + Integer.parseInt(e.event().entityId()))))));
                } else {
                    out.add(new FlowOutcome.Synced(e.offset(), "Order 801" + e.event().entityId()));
                }
            }
            return out;
        }
    }

    @BeforeEach
    void start() {
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
        runtime = new FlowRuntime(stores.eventLog(), stores.stateStore(), List.of(new MissingNameFlow()),
                new RetryPolicy(Duration.ofMillis(10), 2.0, Duration.ofMillis(40), 3, 0),
                new RuntimeSettings(10, Duration.ZERO, Duration.ofMillis(20)),
                new ProcessingMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
        runtime.start();
        service = new DeadLetterService(stores.stateStore(), runtime::retriesChanged, (d, e) ->
                e.source() != null && e.source().path("lastName").asText("").isEmpty()
                        ? new DeadLetterService.Validation(List.of("with this edit the record still fails: lastName is empty"), null)
                        : DeadLetterService.Validation.ok(e.request()), Clock.systemUTC());
        TimelineApi timeline = new TimelineApi(stores.eventLog(), stores.stateStore());
        List<Object[]> routes = new ArrayList<>();
        ApiRoutes collect = new ApiRoutes() {
            public void get(String p, Role r, Handler h) { routes.add(new Object[]{"GET", p, h}); }
            public void post(String p, Role r, Handler h) { routes.add(new Object[]{"POST", p, h}); }
            public void put(String p, Role r, Handler h) { routes.add(new Object[]{"PUT", p, h}); }
            public void patch(String p, Role r, Handler h) { routes.add(new Object[]{"PATCH", p, h}); }
            public void delete(String p, Role r, Handler h) { routes.add(new Object[]{"DELETE", p, h}); }
        };
        new DeadLetterApi(stores.stateStore(), stores.eventLog(), service, timeline).register(collect);
        new FlowApi(runtime, stores.eventLog(), stores.stateStore()).register(collect);
        timeline.register(collect);
        new MetricsApi(stores.stateStore(), () -> 7, () -> 3, Clock.systemUTC()).register(collect);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.before("/api/v1/*", ctx -> ctx.attribute(ApiRoutes.ACTOR_ATTRIBUTE, "test-operator"));
            for (Object[] r : routes) {
                String path = "/api/v1" + r[1];
                Handler h = (Handler) r[2];
                switch ((String) r[0]) {
                    case "GET" -> cfg.routes.get(path, h);
                    case "POST" -> cfg.routes.post(path, h);
                    case "PUT" -> cfg.routes.put(path, h);
                    case "PATCH" -> cfg.routes.patch(path, h);
                    default -> cfg.routes.delete(path, h);
                }
            }
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        runtime.close();
        stores.close();
    }

    private long order(String id, String lastName) {
        return stores.eventLog().append(new InboundEvent("clarity", "ev-" + id + "-" + System.nanoTime(), "SalesOrder.Updated",
                "SalesOrder", id, "SO-" + id, Instant.now(), "{\"ID\":" + id + ",\"lastName\":\"" + lastName + "\"}")).offset();
    }

    private void wake() {
        runtime.wake();
    }

    private Response call(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()), r.headers().firstValue("Content-Type").orElse(""));
    }

    record Response(int status, JsonNode body, String contentType) {
    }

    private JsonNode deadLetters(String query) throws Exception {
        Response r = call("GET", "/dead-letters" + query, null);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        return r.body();
    }

    private long onlyDeadLetter() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("?state=open").path("total").asLong() == 1);
        return deadLetters("?state=open").path("items").get(0).path("id").asLong();
    }

    @Test
    void aFailedRecordIsADeadLetterWithEverythingAnOperatorNeedsAndCanBeFoundByFilters() throws Exception {
        long offset = order("5", "");
        wake();
        long id = onlyDeadLetter();

        JsonNode d = call("GET", "/dead-letters/" + id, null).body();
        assertThat(d.path("state").asText()).isEqualTo("open");
        assertThat(d.path("errorClass").asText()).isEqualTo("missing_field");
        assertThat(d.path("step").asText()).isEqualTo("validate");
        assertThat(d.path("entityKey").asText()).isEqualTo("SO-5");
        assertThat(d.path("response").path("fields").get(0).asText()).isEqualTo("LastName");
        assertThat(d.path("request").path("records").get(0).path("key").asText()).isEqualTo("SO-5");
        assertThat(d.path("source").path("ID").asInt()).isEqualTo(5);
        assertThat(d.path("event").path("offset").asLong()).isEqualTo(offset);
        assertThat(d.path("event").path("type").asText()).isEqualTo("SalesOrder.Updated");
        assertThat(d.path("history").get(0).path("action").asText()).isEqualTo("dead-lettered");
        assertThat(d.path("relatedRecords").get(0).asText()).isEqualTo("Contact/705");
        assertThat(d.path("timeline").path("events").get(0).path("steps")).isNotEmpty();

        assertThat(deadLetters("?class=missing_field&flow=orders").path("total").asLong()).isEqualTo(1);
        assertThat(deadLetters("?class=duplicate").path("total").asLong()).isZero();
        assertThat(deadLetters("?code=REQUIRED_FIELD_MISSING&step=validate").path("total").asLong()).isEqualTo(1);
        assertThat(deadLetters("?key=SO-5").path("total").asLong()).isEqualTo(1);
        assertThat(deadLetters("?key=Contact/705").path("total").asLong()).isEqualTo(1);
        assertThat(deadLetters("?q=" + URLEncoder.encode("lastname missing", StandardCharsets.UTF_8)).path("total").asLong()).isEqualTo(1);
        assertThat(call("GET", "/dead-letters/counts", null).body().path("byFlow").path(FLOW)
                .path("REQUIRED_FIELD_MISSING").asLong()).isEqualTo(1);
        JsonNode timeline = call("GET", "/timeline?key=SO-5", null).body();
        assertThat(timeline.path("deadLetters").get(0).path("id").asLong()).isEqualTo(id);
        assertThat(timeline.path("events").get(0).path("steps").findValuesAsText("decision")).contains("dead-lettered");
    }

    @Test
    void retryAsIsAfterTheCauseIsFixedResolvesTheDeadLetter() throws Exception {
        order("6", "");
        wake();
        long id = onlyDeadLetter();
        fixed.add("6");

        Response r = call("POST", "/dead-letters/" + id + "/retry", "{\"mode\":\"from-start\",\"reason\":\"contact fixed\"}");
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body().path("state").asText()).isEqualTo("retrying");

        await().atMost(Duration.ofSeconds(10)).until(() ->
                call("GET", "/dead-letters/" + id, null).body().path("state").asText().equals("resolved"));
        JsonNode d = call("GET", "/dead-letters/" + id, null).body();
        assertThat(d.path("history").findValuesAsText("action")).containsExactly("dead-lettered", "retry-from-start", "auto-resolve");
        assertThat(d.path("history").get(1).path("actor").asText()).isEqualTo("test-operator");
        assertThat(d.path("history").get(1).path("detail").asText()).isEqualTo("contact fixed");
    }

    @Test
    void anEditIsValidatedKeptAndAppliedOnTheRetry() throws Exception {
        long offset = order("7", "");
        wake();
        long id = onlyDeadLetter();

        Response refused = call("POST", "/dead-letters/" + id + "/edit", "{\"edit\":{\"source\":{\"lastName\":\"\"}}}");
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().path("problems").get(0).asText()).contains("still fails");
        Response dry = call("POST", "/dead-letters/" + id + "/edit", "{\"edit\":{\"source\":{\"lastName\":\"Li\"}},\"dryRun\":true}");
        assertThat(dry.status()).isEqualTo(200);
        assertThat(dry.body().path("valid").asBoolean()).isTrue();
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("state").asText()).isEqualTo("open");

        Response r = call("POST", "/dead-letters/" + id + "/edit", "{\"edit\":{\"source\":{\"lastName\":\"Li\"}},\"reason\":\"typo\"}");
        assertThat(r.status()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(10)).until(() ->
                call("GET", "/dead-letters/" + id, null).body().path("state").asText().equals("resolved"));
        assertThat(seenEdits.get(offset).source().path("lastName").asText()).isEqualTo("Li");
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("edit").path("source").path("lastName").asText())
                .isEqualTo("Li");
    }

    @Test
    void aLaterSuccessOfTheSameRecordResolvesItAndRepeatedFailuresCollapse() throws Exception {
        order("8", "");
        order("8", "");
        wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("").path("items").path(0).path("occurrences").asInt() == 2
                || deadLetters("").path("total").asLong() == 1 && deadLetters("").path("items").path(0).path("occurrences").asInt() == 2);
        assertThat(deadLetters("").path("total").asLong()).isEqualTo(1);
        long id = deadLetters("").path("items").get(0).path("id").asLong();

        order("8", "Li");
        wake();

        await().atMost(Duration.ofSeconds(10)).until(() ->
                call("GET", "/dead-letters/" + id, null).body().path("state").asText().equals("resolved"));
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("resolution").asText()).contains("same record synced");
    }

    @Test
    void aChangeOfARelatedRecordRetriesTheDeadLetter() throws Exception {
        DeadLetterAutoRetry autoRetry = new DeadLetterAutoRetry(stores.eventLog(), stores.stateStore(), service, Duration.ofHours(1));
        order("9", "");
        wake();
        long id = onlyDeadLetter();
        autoRetry.runOnce(); // reads the order event itself: nothing to retry
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("state").asText()).isEqualTo("open");

        fixed.add("9");
        stores.eventLog().append(new InboundEvent("clarity", "contact-709", "Customer.Updated", "Contact", "709", "",
                Instant.now(), "{}"));
        autoRetry.runOnce();

        await().atMost(Duration.ofSeconds(10)).until(() ->
                call("GET", "/dead-letters/" + id, null).body().path("state").asText().equals("resolved"));
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("history").findValuesAsText("action"))
                .contains("retry-from-start");
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("history").findValuesAsText("detail").toString())
                .contains("auto-retry: Contact 709 changed");
    }

    @Test
    void deadLettersOfAnOutageAreRetriedWhenTheFlowResumes() throws Exception {
        long offset = order("30", "Li");
        wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/flows/orders", null).body().path("backlog").asLong() == 0);
        Instant now = Instant.now();
        long id = stores.stateStore().addDeadLetter(new dev.tandem.core.state.DeadLetter(0, offset, FLOW, "", "SalesOrder",
                "SO-30", "SalesOrder/30", "to", "IO_ERROR", null, "salesforce: connection refused (gave up after 8 attempts)",
                0, List.of(), "{}", null, List.of(), 8, 1, dev.tandem.core.state.DeadLetter.State.OPEN, null, null, now, now));
        Set<String> paused = ConcurrentHashMap.newKeySet();
        DeadLetterAutoRetry autoRetry = new DeadLetterAutoRetry(stores.eventLog(), stores.stateStore(), service,
                Duration.ofHours(1), () -> paused);
        paused.add(FLOW);
        assertThat(autoRetry.retryRecovered()).isZero();
        paused.clear();

        assertThat(autoRetry.retryRecovered()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                call("GET", "/dead-letters/" + id, null).body().path("state").asText().equals("resolved"));
        assertThat(call("GET", "/dead-letters/" + id, null).body().path("history").findValuesAsText("detail").toString())
                .contains("resumed");
    }

    @Test
    void bulkActionsCountFirstThenActWithAReason() throws Exception {
        order("10", "");
        order("11", "");
        order("12", "Li");
        wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("").path("total").asLong() == 2);

        Response dry = call("POST", "/dead-letters/bulk", "{\"action\":\"resolve\",\"filter\":{\"flow\":\"orders\",\"code\":\"REQUIRED_FIELD_MISSING\"}}");
        assertThat(dry.body().path("dryRun").asBoolean()).isTrue();
        assertThat(dry.body().path("matched").asLong()).isEqualTo(2);
        assertThat(deadLetters("?state=open").path("total").asLong()).isEqualTo(2);

        Response noReason = call("POST", "/dead-letters/bulk", "{\"action\":\"resolve\",\"dryRun\":false,\"filter\":{\"flow\":\"orders\"}}");
        assertThat(noReason.status()).isEqualTo(422);
        Response done = call("POST", "/dead-letters/bulk", "{\"action\":\"resolve\",\"dryRun\":false,\"reason\":\"fixed in Salesforce by hand\",\"filter\":{\"flow\":\"orders\"}}");
        assertThat(done.body().path("changed").asLong()).isEqualTo(2);
        assertThat(deadLetters("?state=resolved").path("total").asLong()).isEqualTo(2);

        fixed.add("10");
        fixed.add("11");
        Response retry = call("POST", "/dead-letters/bulk", "{\"action\":\"retry\",\"dryRun\":false,\"filter\":{\"state\":\"resolved\"}}");
        assertThat(retry.body().path("changed").asLong()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("?state=resolved").path("total").asLong() == 2
                && deadLetters("?state=retrying").path("total").asLong() == 0);
    }

    @Test
    void aConfirmedBulkActionChangesOnlyWhatItsDryRunCounted() throws Exception {
        order("50", "");
        order("51", "");
        wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("?state=open").path("total").asLong() == 2);
        String filter = "\"filter\":{\"flow\":\"orders\",\"code\":\"REQUIRED_FIELD_MISSING\"}";
        Response dry = call("POST", "/dead-letters/bulk", "{\"action\":\"ignore\"," + filter + "}");
        assertThat(dry.body().path("matched").asLong()).isEqualTo(2);
        long upTo = dry.body().path("upTo").asLong();
        assertThat(upTo).as("the newest id the dry run counted").isPositive();

        // A third matching dead letter arrives while the operator reads the confirmation.
        order("52", "");
        wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("?state=open").path("total").asLong() == 3);

        Response done = call("POST", "/dead-letters/bulk", "{\"action\":\"ignore\",\"dryRun\":false,\"upTo\":" + upTo
                + ",\"reason\":\"duplicates of a test order\"," + filter + "}");
        assertThat(done.status()).isEqualTo(200);
        assertThat(done.body().path("matched").asLong()).isEqualTo(2);
        assertThat(done.body().path("changed").asLong()).isEqualTo(2);
        assertThat(done.body().path("upTo").asLong()).isEqualTo(upTo);
        JsonNode open = deadLetters("?state=open");
        assertThat(open.path("total").asLong()).as("the one that arrived after the dry run is untouched").isEqualTo(1);
        assertThat(open.path("items").get(0).path("id").asLong()).isGreaterThan(upTo);

        for (String bad : new String[]{"0", "-1", "1.5", "\"12\"", "true"}) {
            Response refused = call("POST", "/dead-letters/bulk", "{\"action\":\"ignore\",\"dryRun\":false,\"upTo\":"
                    + bad + ",\"reason\":\"r\"," + filter + "}");
            assertThat(refused.status()).as("upTo " + bad).isEqualTo(400);
            assertThat(refused.body().path("detail").asText()).contains("upTo");
        }
    }

    @Test
    void pendingRetriesAreListedRunNowAndCancelledIntoADeadLetter() throws Exception {
        long offset = order("13", "x");
        stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(offset, FLOW, 2,
                Instant.now().plus(Duration.ofHours(1)), "UNABLE_TO_LOCK_ROW: locked"));
        JsonNode list = call("GET", "/retries?flow=orders", null).body();
        assertThat(list.path("items").findValuesAsText("eventOffset")).contains(String.valueOf(offset));

        Response cancelled = call("DELETE", "/retries/orders/" + offset + "?reason=stop", null);
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.body().path("errorCode").asText()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(cancelled.body().path("state").asText()).isEqualTo("open");
        assertThat(call("GET", "/retries", null).body().path("total").asLong()).isZero();
        assertThat(call("POST", "/retries/orders/" + offset + "/run", null).status()).isEqualTo(404);
    }

    @Test
    void theRetriesTotalOfOneFlowCountsThatFlowOnly() throws Exception {
        long first = order("40", "x");
        long second = order("41", "x");
        Instant later = Instant.now().plus(Duration.ofHours(1));
        stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(first, FLOW, 1, later, "UNABLE_TO_LOCK_ROW"));
        stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(second, FLOW, 1, later, "UNABLE_TO_LOCK_ROW"));
        stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(first, "customers", 1, later, "503"));

        JsonNode orders = call("GET", "/retries?flow=orders", null).body();
        assertThat(orders.path("items")).hasSize(2);
        assertThat(orders.path("total").asLong()).isEqualTo(2);
        JsonNode customers = call("GET", "/retries?flow=customers", null).body();
        assertThat(customers.path("items").findValuesAsText("flow")).containsExactly("customers");
        assertThat(customers.path("total").asLong()).isEqualTo(1);
        assertThat(call("GET", "/retries?flow=nope", null).body().path("total").asLong()).isZero();
        assertThat(call("GET", "/retries", null).body().path("total").asLong()).isEqualTo(3);
        // a page shorter than the total still says the whole flow's total
        JsonNode page = call("GET", "/retries?flow=orders&limit=1", null).body();
        assertThat(page.path("items")).hasSize(1);
        assertThat(page.path("total").asLong()).isEqualTo(2);
        assertThat(page.path("nextCursor").asText()).isNotBlank();
    }

    @Test
    void aFlowsPendingRetriesAreCountedPastOnePageOf500() throws Exception {
        Instant later = Instant.now().plus(Duration.ofHours(1));
        // Offsets the log never had: nothing picks them up, and the count does not need the events.
        stores.stateStore().inTransaction(() -> {
            for (long i = 1; i <= 620; i++) {
                stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(1_000_000 + i, FLOW, 1, later,
                        "UNABLE_TO_LOCK_ROW"));
            }
            stores.stateStore().scheduleRetry(new dev.tandem.core.state.PendingRetry(1_000_001, "customers", 1, later,
                    "503"));
        });

        assertThat(call("GET", "/flows/orders", null).body().path("pendingRetries").asLong()).isEqualTo(620);
        JsonNode list = call("GET", "/flows", null).body();
        assertThat(list.toString()).contains("\"pendingRetries\":620");
    }

    @Test
    void anOperatorPausesAndResumesAFlow() throws Exception {
        wake();
        Response paused = call("POST", "/flows/orders/pause", "{\"reason\":\"month end\"}");
        assertThat(paused.body().path("state").asText()).isEqualTo("paused");
        order("14", "Li");
        wake();
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() ->
                call("GET", "/flows/orders", null).body().path("backlog").asLong() == 1);

        Response resumed = call("POST", "/flows/orders/resume", "{}");
        assertThat(resumed.body().path("state").asText()).isEqualTo("running");
        await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", "/flows/orders", null).body().path("backlog").asLong() == 0);
        assertThat(call("GET", "/flows/nope", null).status()).isEqualTo(404);
    }

    @Test
    void theMetricsSummaryCountsSettlementsPerFlowAndBucketFromTheAuditTrail() throws Exception {
        order("20", "Li");
        order("21", "Li");
        order("22", "");
        wake();
        await().atMost(Duration.ofSeconds(10)).until(() -> deadLetters("").path("total").asLong() == 1
                && call("GET", "/flows/orders", null).body().path("backlog").asLong() == 0);

        JsonNode s = call("GET", "/metrics/summary?window=1h&bucket=1m", null).body();
        assertThat(s.path("flows").path(FLOW).path("synced").asLong()).isEqualTo(2);
        assertThat(s.path("flows").path(FLOW).path("deadLettered").asLong()).isEqualTo(1);
        assertThat(s.path("flows").path(FLOW).path("series")).isNotEmpty();
        assertThat(s.path("overall").path("latencyMsAtMost").path("p50").isNumber()).isTrue();
        assertThat(s.path("salesforceApi").path("callsPerSyncedRecord").asDouble()).isEqualTo(2.333);
        assertThat(call("GET", "/metrics/summary?window=100y", null).status()).isEqualTo(400);
        assertThat(call("GET", "/metrics/summary?window=7d&bucket=1m", null).status()).isEqualTo(400);
    }

    @Test
    void badInputGetsAProblemNamingWhatIsWrongNeverA500() throws Exception {
        order("15", "");
        wake();
        long id = onlyDeadLetter();
        List<String[]> cases = List.of(
                new String[]{"GET", "/dead-letters?limit=0", null, "400"},
                new String[]{"GET", "/dead-letters?limit=abc", null, "400"},
                new String[]{"GET", "/dead-letters?cursor=%27%20OR%201%3D1", null, "400"},
                new String[]{"GET", "/dead-letters?class=nonsense", null, "400"},
                new String[]{"GET", "/dead-letters?state=%00", null, "400"},
                new String[]{"GET", "/dead-letters?from=yesterday", null, "400"},
                new String[]{"GET", "/dead-letters?q=%00", null, "400"},
                new String[]{"GET", "/dead-letters?q=" + "x".repeat(600), null, "400"},
                new String[]{"GET", "/dead-letters/999999", null, "404"},
                new String[]{"GET", "/dead-letters/abc", null, "404"},
                new String[]{"POST", "/dead-letters/" + id + "/retry", "{\"mode\":\"sideways\"}", "400"},
                new String[]{"POST", "/dead-letters/" + id + "/retry", "[1,2]", "400"},
                new String[]{"POST", "/dead-letters/" + id + "/retry", "{not json", "400"},
                new String[]{"POST", "/dead-letters/" + id + "/resolve", "{}", "422"},
                new String[]{"POST", "/dead-letters/" + id + "/edit", "{\"edit\":{\"source\":5}}", "422"},
                new String[]{"POST", "/dead-letters/" + id + "/edit", "{\"edit\":{\"request\":{\"records\":[]}}}", "422"},
                new String[]{"POST", "/dead-letters/" + id + "/edit", "{\"edit\":{\"sql\":\"DROP\"}}", "422"},
                new String[]{"POST", "/dead-letters/" + id + "/retry", "{\"mode\":\"edited\"}", "409"},
                new String[]{"POST", "/dead-letters/bulk", "{\"action\":\"resolve\",\"filter\":{}}", "400"},
                new String[]{"POST", "/dead-letters/bulk", "{\"action\":\"resolve\",\"filter\":{\"flow\":5}}", "400"},
                new String[]{"POST", "/dead-letters/bulk", "{\"action\":\"resolve\",\"filter\":{\"drop\":\"x\"}}", "400"},
                new String[]{"GET", "/timeline", null, "400"},
                new String[]{"GET", "/retries?limit=9999", null, "400"});
        for (String[] c : cases) {
            Response r = call(c[0], c[1], c[2]);
            assertThat(r.status()).as(c[0] + " " + c[1] + " " + c[2] + " → " + r.body()).isEqualTo(Integer.parseInt(c[3]));
            assertThat(r.contentType()).as(c[1]).startsWith("application/problem+json");
            assertThat(r.body().path("detail").asText()).as(c[1]).isNotBlank();
        }
        // Hostile search text is data: it finds nothing and breaks nothing.
        assertThat(deadLetters("?q=" + URLEncoder.encode("' OR '1'='1", StandardCharsets.UTF_8)).path("total").asLong()).isZero();
        assertThat(deadLetters("?key=" + URLEncoder.encode("%", StandardCharsets.UTF_8)).path("total").asLong()).isZero();
        assertThat(deadLetters("").path("total").asLong()).isEqualTo(1);
        // a dead letter being retried cannot be retried twice
        call("POST", "/dead-letters/" + id + "/retry", "{}");
        Response twice = call("POST", "/dead-letters/" + id + "/retry", "{}");
        assertThat(twice.status()).isIn(202, 409);
    }
}
