package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.salesforce.model.ApiUsage;
import dev.tandem.store.jdbc.JdbcStores;
import io.javalin.Javalin;
import io.javalin.http.Handler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the dashboard's charts read from {@code GET /metrics/summary}, on the real SQLite store: every bucket of the
 * window (empty ones as zeros), events in per bucket from the event log, each bucket's latency percentiles, the
 * change sources' health with their lag, and the org's daily API budget.
 */
class MetricsApiChartsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private JdbcStores stores;
    private Javalin app;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, SourceHealth> health = new LinkedHashMap<>();
    private final AtomicReference<Optional<ApiUsage>> usage = new AtomicReference<>(Optional.empty());

    @BeforeEach
    void start() {
        stores = JdbcStores.openSqlite(dir.resolve("t.db"));
        Map<String, Handler> gets = new LinkedHashMap<>();
        ApiRoutes collect = new ApiRoutes() {
            public void get(String p, Role r, Handler h) { gets.put(p, h); }
            public void post(String p, Role r, Handler h) { }
            public void put(String p, Role r, Handler h) { }
            public void patch(String p, Role r, Handler h) { }
            public void delete(String p, Role r, Handler h) { }
        };
        new MetricsApi(stores.stateStore(), () -> 9, () -> 3, Clock.systemUTC())
                .reportIngest(stores.eventLog(), () -> Map.copyOf(health),
                        system -> system.equals("clarity") ? Optional.of(Instant.parse("2026-01-01T00:00:00Z")) : Optional.empty())
                .reportApiUsage(usage::get)
                .register(collect);
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            gets.forEach((p, h) -> cfg.routes.get("/api/v1" + p, h));
        }).start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        stores.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/v1" + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode summary(String query) throws Exception {
        HttpResponse<String> r = get("/metrics/summary" + query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private long append(String source, String id, Duration late) {
        return stores.eventLog().append(new InboundEvent(source, source + "-" + id, "SalesOrder.Updated", "SalesOrder",
                id, "SO-" + id, Instant.now().minus(late), "{}")).offset();
    }

    private static long sum(JsonNode series, String field) {
        long n = 0;
        for (JsonNode b : series) {
            n += b.path(field).asLong();
        }
        return n;
    }

    @Test
    void theOverallSeriesHasEveryBucketWithEventsInOutcomesAndItsOwnPercentiles() throws Exception {
        long a = append("clarity", "1", Duration.ofSeconds(3));
        append("clarity", "2", Duration.ZERO);
        append("salesforce", "3", Duration.ofMillis(1500));
        Instant now = Instant.now();
        stores.stateStore().audit(new AuditEntry(a, "orders", "", "settle", "", 0, 120, "OK", "", now));
        stores.stateStore().audit(new AuditEntry(a, "orders", "", "settle", "", 0, 40, "RETRY", "503", now));
        stores.stateStore().audit(new AuditEntry(a, "customers", "", "settle", "", 0, 30, "DEAD_LETTER", "x", now));

        JsonNode s = summary("?window=1h&bucket=5m");
        JsonNode series = s.path("overall").path("series");
        // One hour of five-minute buckets: 12, or 13 when the hour does not start on a bucket boundary.
        assertThat(series.size()).isBetween(12, 13);
        for (int i = 1; i < series.size(); i++) {
            assertThat(Duration.between(Instant.parse(series.get(i - 1).path("at").asText()),
                    Instant.parse(series.get(i).path("at").asText()))).isEqualTo(Duration.ofMinutes(5));
        }
        assertThat(sum(series, "eventsIn")).isEqualTo(3);
        assertThat(sum(series, "synced")).isEqualTo(1);
        assertThat(sum(series, "retried")).isEqualTo(1);
        assertThat(sum(series, "deadLettered")).isEqualTo(1);
        JsonNode last = series.get(series.size() - 1);
        assertThat(last.path("eventsIn").asLong()).isEqualTo(3);
        // 30, 40 and 120 ms: the median is within 50 ms, p99 within 250 ms (the histogram's bounds).
        assertThat(last.path("p50").asLong()).isEqualTo(50);
        assertThat(last.path("p99").asLong()).isEqualTo(250);
        assertThat(series.get(0).path("p50").isNull()).as("an empty bucket has no percentile").isTrue();
        assertThat(s.path("flows").path("orders").path("series").get(0).path("p95").asLong()).isEqualTo(250);

        JsonNode clarity = s.path("ingest").path("series").path("clarity");
        assertThat(clarity.size()).isEqualTo(series.size());
        assertThat(sum(clarity, "received")).isEqualTo(2);
        assertThat(clarity.get(clarity.size() - 1).path("maxLagMs").asLong()).isBetween(3000L, 60_000L);
        assertThat(sum(s.path("ingest").path("series").path("salesforce"), "received")).isEqualTo(1);
    }

    @Test
    void theSourcesShowTheirHealthLastArrivalAndLag() throws Exception {
        health.put("clarity.webhook", SourceHealth.up());
        health.put("salesforce.cdc", SourceHealth.degraded("reconnecting").withDetails(Map.of("/data/ContactChangeEvent", "RECONNECTING")));
        append("salesforce", "9", Duration.ofSeconds(2));

        JsonNode sources = summary("?window=15m&bucket=1m").path("ingest").path("sources");
        assertThat(sources.size()).isEqualTo(2);
        JsonNode webhook = sources.get(0);
        assertThat(webhook.path("name").asText()).isEqualTo("clarity.webhook");
        assertThat(webhook.path("system").asText()).isEqualTo("clarity");
        assertThat(webhook.path("state").asText()).isEqualTo("UP");
        assertThat(webhook.path("lastEventAt").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(webhook.path("lagMs").isNull()).as("no clarity event in the window").isTrue();
        JsonNode cdc = sources.get(1);
        assertThat(cdc.path("state").asText()).isEqualTo("DEGRADED");
        assertThat(cdc.path("message").asText()).isEqualTo("reconnecting");
        assertThat(cdc.path("details").path("/data/ContactChangeEvent").asText()).isEqualTo("RECONNECTING");
        assertThat(cdc.path("lagMs").asLong()).isBetween(2000L, 60_000L);
        assertThat(cdc.path("lastEventAt").isNull()).isTrue();
    }

    @Test
    void theApiBudgetIsWhatSalesforceLastReportedOrNullBeforeTheFirstCall() throws Exception {
        assertThat(summary("").path("salesforceApi").path("budget").isNull()).isTrue();
        usage.set(Optional.of(new ApiUsage(1_234, 15_000)));
        JsonNode api = summary("?window=7d&bucket=1h").path("salesforceApi");
        assertThat(api.path("budget").path("used").asLong()).isEqualTo(1_234);
        assertThat(api.path("budget").path("max").asLong()).isEqualTo(15_000);
        assertThat(api.path("budget").path("percent").asDouble()).isEqualTo(8.2);
        assertThat(api.path("callsPerSyncedRecord").asDouble()).isEqualTo(3.0);
    }

    @Test
    void aWeekHasHourlyBucketsAndHostileParametersAreRefused() throws Exception {
        assertThat(summary("?window=7d").path("overall").path("series").size()).isBetween(168, 169);
        assertThat(summary("?window=24h&bucket=15m").path("bucketSeconds").asLong()).isEqualTo(900);
        for (String q : new String[]{"?window=%00", "?bucket=1s", "?window=7d&bucket=1m", "?window=" + "9".repeat(500),
                "?bucket=%27%20OR%201%3D1"}) {
            HttpResponse<String> r = get("/metrics/summary" + q);
            assertThat(r.statusCode()).as(q).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(q).startsWith("application/problem+json");
            assertThat(JSON.readTree(r.body()).path("detail").asText()).as(q).containsAnyOf("must be one of", "more than 2000 buckets");
        }
    }
}
