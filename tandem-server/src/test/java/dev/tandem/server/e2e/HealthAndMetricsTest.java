package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.http.Readiness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Liveness, readiness, the metrics an operator scrapes and the meaning of /api/status, on a running server. */
class HealthAndMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;

    @BeforeEach
    void start() {
        stack = TandemStack.start(dir);
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    @Test
    void livenessAndReadinessAreUpOnAHealthyServer() throws Exception {
        HttpResponse<String> live = stack.get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(live.body()).path("status").asText()).isEqualTo("UP");

        HttpResponse<String> ready = stack.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(ready.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("store").asText()).isEqualTo("UP");
        assertThat(body.path("runtime").asText()).isEqualTo("UP");
        assertThat(body.path("clarityWebhook").asText()).isEqualTo("UP");
        assertThat(stack.get("/health").body()).as("/health is the readiness view").isEqualTo(ready.body());
    }

    @Test
    void aRegisteredCheckThatIsDownMakesReadiness503ButNotLiveness() throws Exception {
        AtomicBoolean credentialsValid = new AtomicBoolean(false);
        stack.tandem().readiness().register("salesforceAuth", () -> credentialsValid.get() ? Readiness.Check.up()
                : Readiness.Check.down("invalid_client from the token endpoint"));

        HttpResponse<String> ready = stack.get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(ready.body()).path("salesforceAuth").asText())
                .isEqualTo("DOWN: invalid_client from the token endpoint");
        assertThat(stack.get("/health").statusCode()).isEqualTo(503);
        assertThat(stack.get("/health/live").statusCode()).isEqualTo(200);

        credentialsValid.set(true);
        assertThat(stack.get("/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void theStoreIsLockedWhileTheServerRuns() {
        assertThatThrownBy(() -> dev.tandem.store.jdbc.JdbcStores.openSqlite(dir.resolve("tandem.db")))
                .hasMessageContaining("in use by another Tandem");
    }

    @Test
    void metricsCoverTheJvmTheListenerAndTheQueues() {
        stack.get("/health/ready");

        String metrics = stack.get("/metrics").body();

        assertThat(metrics).contains("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
                "jvm_classes_loaded_classes", "system_cpu_count", "process_uptime_seconds",
                "jetty_threads_current",
                "http_server_requests_seconds_count{method=\"GET\",status=\"200\",uri=\"/health/ready\"}",
                "tandem_retries_pending", "tandem_dead_letters",
                "tandem_flow_backlog{flow=\"clarity-order-to-salesforce\"}");
    }

    @Test
    void statusSeparatesDurableCountersFromSinceStartOnes() throws Exception {
        JsonNode status = JSON.readTree(stack.get("/api/status").body());

        assertThat(Instant.parse(status.path("startedAt").asText())).isBeforeOrEqualTo(Instant.now());
        assertThat(status.has("received")).isTrue();
        assertThat(status.has("settled")).isTrue();
        assertThat(status.has("retrying")).isTrue();
        assertThat(status.has("deadLettered")).isTrue();
        assertThat(status.has("syncedSinceStart")).isTrue();
        assertThat(status.has("skippedSinceStart")).isTrue();
        assertThat(status.has("salesforceApiCallsSinceStart")).isTrue();
        assertThat(status.has("cdcEventsSinceStart")).isTrue();
        assertThat(status.has("synced")).as("no unqualified in-memory counter").isFalse();
    }
}
