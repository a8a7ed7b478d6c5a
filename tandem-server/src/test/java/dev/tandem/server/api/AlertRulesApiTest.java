package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.server.TandemServer;
import dev.tandem.server.alerts.AlertRule;
import dev.tandem.server.alerts.AlertsSettings;
import dev.tandem.server.alerts.ChannelSettings;
import dev.tandem.server.alerts.Condition;
import dev.tandem.server.alerts.Severity;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console's Alerts page needs of {@code /api/v1/alerts/rules}: the channels and conditions a new rule may
 * use, and {@code PUT /alerts/rules/{name}} to change a rule added through the API — validated as tandem.yaml's,
 * refused for tandem.yaml's own rules, for unknown names, bad bodies, no session and the wrong role. The channel is
 * {@code type: log}, so a test alert's delivery is real and observable in the history.
 */
class AlertRulesApiTest {

    @TempDir
    Path dir;
    private TandemServer server;
    private String admin;
    private String operator;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        var log = new ChannelSettings.Log("log", Duration.ofSeconds(5));
        var fromFile = new AlertRule("flow-paused", Condition.FLOW_PAUSED, Severity.CRITICAL, null, Duration.ofMinutes(15),
                null, false, Duration.ofMinutes(30), null, 10, List.of("log"));
        TandemConfig config = new TandemConfig(
                new TandemConfig.Server("127.0.0.1", 0),
                new TandemConfig.Store(dir.resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create("http://127.0.0.1:9/api"), "tandem", "secret",
                        Duration.ofSeconds(2), List.of("whsec-test"), Duration.ofMinutes(5)),
                new TandemConfig.Salesforce(URI.create("http://127.0.0.1:9/services/oauth2/token"), "client",
                        "secret", "64.0", "tandem", Duration.ofSeconds(2)),
                new TandemConfig.Runtime(50, Duration.ofMillis(20), Duration.ofMillis(200)),
                new TandemConfig.Retry(Duration.ofMillis(50), 2.0, Duration.ofMillis(500), 3, 0.2))
                .withApi(ApiTestServer.unlimited())
                .withAlerts(new AlertsSettings(null, Duration.ofHours(1), Duration.ofHours(1), 50, Map.of("log", log),
                        List.of(fromFile)));
        server = TandemServer.start(config);
        admin = server.adminApi().tokens().create("alert-admin", Role.ADMIN).secret();
        operator = server.adminApi().tokens().create("alert-operator", Role.OPERATOR).secret();
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
    }

    private HttpResponse<String> call(String token, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return ApiTestServer.JSON.readTree(r.body());
    }

    @Test
    void theRulesListSaysWhichChannelsAndConditionsANewRuleMayUse() throws Exception {
        JsonNode rules = json(call(operator, "GET", "/alerts/rules", null));
        assertThat(rules.path("enabled").asBoolean()).isTrue();
        assertThat(rules.path("channels").get(0).asText()).isEqualTo("log");
        assertThat(rules.path("items").get(0).path("source").asText()).isEqualTo("config");
        JsonNode deadLetters = null;
        for (JsonNode c : rules.path("conditions")) {
            if (c.path("name").asText().equals("deadLetters")) {
                deadLetters = c;
            }
        }
        assertThat(deadLetters).isNotNull();
        assertThat(deadLetters.path("thresholdRequired").asBoolean()).isTrue();
        assertThat(deadLetters.path("keys").toString()).contains("threshold", "window", "perFlow");
        assertThat(rules.path("conditions")).hasSize(Condition.values().length);
    }

    @Test
    void anAdminChangesARuleAddedThroughTheApiValidatedAsTandemYamlRulesAre() throws Exception {
        String rule = "{\"name\":\"many-dead\",\"condition\":\"deadLetters\",\"threshold\":5,\"window\":\"10m\",\"channels\":[\"log\"]}";
        assertThat(call(admin, "POST", "/alerts/rules", rule).statusCode()).isEqualTo(201);

        HttpResponse<String> changed = call(admin, "PUT", "/alerts/rules/many-dead",
                "{\"condition\":\"deadLetters\",\"threshold\":20,\"window\":\"1h\",\"perFlow\":true,\"severity\":\"critical\",\"channels\":[\"log\"]}");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(json(changed).path("threshold").asDouble()).isEqualTo(20.0);
        JsonNode listed = json(call(admin, "GET", "/alerts/rules", null)).path("items");
        assertThat(listed.findValuesAsText("name")).containsExactly("flow-paused", "many-dead");
        assertThat(listed.get(1).path("describe").asText()).isEqualTo("many-dead (deadLetters > 20 in 1h, per flow)");
        assertThat(listed.get(1).path("severity").asText()).isEqualTo("critical");
        // kept in the store for the next start
        assertThat(server.stateStore().alertRules()).singleElement()
                .satisfies(s -> assertThat(s.definition()).contains("\"threshold\":20"));

        // the server's validation errors, named by member, for the form to show
        HttpResponse<String> percent = call(admin, "PUT", "/alerts/rules/many-dead",
                "{\"condition\":\"errorRate\",\"threshold\":140,\"channels\":[\"log\"]}");
        assertThat(percent.statusCode()).isEqualTo(422);
        assertThat(json(percent).path("detail").asText()).contains("threshold", "between 0 and 100");
        HttpResponse<String> channel = call(admin, "PUT", "/alerts/rules/many-dead",
                "{\"condition\":\"deadLetters\",\"threshold\":1,\"channels\":[\"pager\"]}");
        assertThat(channel.statusCode()).isEqualTo(422);
        assertThat(json(channel).path("detail").asText()).contains("pager", "alerts.channels does not define");
        assertThat(call(admin, "PUT", "/alerts/rules/many-dead",
                "{\"condition\":\"flowPaused\",\"window\":\"5m\",\"channels\":[\"log\"]}").statusCode()).isEqualTo(422);
        // nothing of the refused changes took
        assertThat(json(call(admin, "GET", "/alerts/rules", null)).path("items").get(1).path("threshold").asDouble())
                .isEqualTo(20.0);

        HttpResponse<String> renamed = call(admin, "PUT", "/alerts/rules/many-dead",
                "{\"name\":\"other\",\"condition\":\"deadLetters\",\"threshold\":1,\"channels\":[\"log\"]}");
        assertThat(renamed.statusCode()).isEqualTo(400);
        assertThat(json(renamed).path("detail").asText()).contains("cannot change");
        assertThat(call(admin, "PUT", "/alerts/rules/many-dead", "{not json").statusCode()).isEqualTo(400);
        assertThat(call(admin, "PUT", "/alerts/rules/many-dead", "[1]").statusCode()).isEqualTo(400);
        HttpResponse<String> big = call(admin, "PUT", "/alerts/rules/many-dead",
                "{\"condition\":\"deadLetters\",\"threshold\":1,\"channels\":[\"log\"],\"x\":\"" + "a".repeat(1_100_000) + "\"}");
        assertThat(big.statusCode()).isEqualTo(413);
    }

    @Test
    void aRuleOfTandemYamlOrAnUnknownNameIsNotChangedAndRolesAreChecked() throws Exception {
        String body = "{\"condition\":\"flowPaused\",\"channels\":[\"log\"]}";
        HttpResponse<String> fromFile = call(admin, "PUT", "/alerts/rules/flow-paused", body);
        assertThat(fromFile.statusCode()).isEqualTo(409);
        assertThat(json(fromFile).path("detail").asText()).contains("tandem.yaml");
        assertThat(call(admin, "PUT", "/alerts/rules/nope", body).statusCode()).isEqualTo(404);
        assertThat(call(admin, "PUT", "/alerts/rules/%3Cscript%3E", body).statusCode()).isEqualTo(404);
        assertThat(call(null, "PUT", "/alerts/rules/flow-paused", body).statusCode()).isEqualTo(401);
        assertThat(call("tdm_forged", "PUT", "/alerts/rules/flow-paused", body).statusCode()).isEqualTo(401);
        assertThat(call(operator, "PUT", "/alerts/rules/flow-paused", body).statusCode()).isEqualTo(403);
        assertThat(call(operator, "POST", "/alerts/rules", body).statusCode()).isEqualTo(403);
    }

    @Test
    void theLogChannelDeliversATestAlertSeenInTheHistory() throws Exception {
        HttpResponse<String> sent = call(operator, "POST", "/alerts/test", "{\"rule\":\"flow-paused\"}");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        assertThat(json(sent).path("delivered").asBoolean()).isTrue();
        JsonNode history = json(call(operator, "GET", "/alerts/history", null)).path("items");
        assertThat(history.get(0).path("alert").path("rule").asText()).isEqualTo("flow-paused");
        assertThat(history.get(0).path("deliveries").get(0).path("detail").asText()).isEqualTo("written to Tandem's log");
    }
}
