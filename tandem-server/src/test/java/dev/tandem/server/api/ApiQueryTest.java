package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tandem.server.api.AdminApiSecurityTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query helpers as an endpoint uses them, on routes registered after the server started (as other parts of
 * Tandem register theirs through {@code TandemServer.api()}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiQueryTest {

    private ApiTestServer api;
    private String token;

    @BeforeAll
    void start(@TempDir Path dir) {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
        token = api.token("reader", Role.VIEWER);
        api.server.api().get("/test/filters", Role.VIEWER, ctx -> {
            Map<String, Object> seen = new LinkedHashMap<>();
            seen.put("flow", ApiQuery.oneOf(ctx, "flow", Set.of("orders", "customers")).orElse(null));
            seen.put("offset", ApiQuery.number(ctx, "offset").orElse(null));
            seen.put("since", ApiQuery.instant(ctx, "since").map(Object::toString).orElse(null));
            seen.put("q", ApiQuery.text(ctx, "q").orElse(null));
            seen.put("limit", ApiQuery.page(ctx).limit());
            ctx.json(seen);
        });
        api.server.api().post("/test/echo", Role.OPERATOR, ctx -> ctx.json(AdminApi.body(ctx, Map.class)));
        api.server.api().get("/test/fails", Role.VIEWER, ctx -> {
            throw new IllegalStateException("secret internals");
        });
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void goodValuesArriveTyped() {
        HttpResponse<String> r = api.get("/api/v1/test/filters?flow=ORDERS&offset=12&since=2026-12-01T00:00:00Z"
                + "&q=caf%C3%A9&limit=7", token);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = ApiTestServer.json(r);
        assertThat(body.path("flow").asText()).isEqualTo("orders");
        assertThat(body.path("offset").asLong()).isEqualTo(12);
        assertThat(body.path("since").asText()).isEqualTo("2026-12-01T00:00:00Z");
        assertThat(body.path("q").asText()).isEqualTo("café");
        assertThat(body.path("limit").asInt()).isEqualTo(7);
    }

    @Test
    void absentFiltersAreEmptyAndTheLimitDefaults() {
        JsonNode body = ApiTestServer.json(api.get("/api/v1/test/filters", token));

        assertThat(body.path("flow").isNull()).isTrue();
        assertThat(body.path("limit").asInt()).isEqualTo(ApiQuery.DEFAULT_LIMIT);
    }

    @Test
    void badValuesAre400sNamingTheParameter() {
        Map<String, String> bad = Map.of(
                "flow=invoices", "flow",
                "offset=12abc", "offset",
                "offset=-3", "offset",
                "since=yesterday", "since",
                "q=a%00b", "q",
                "q=" + "x".repeat(201), "q",
                "limit=0", "limit");
        bad.forEach((query, parameter) -> {
            HttpResponse<String> r = api.get("/api/v1/test/filters?" + query, token);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(assertProblem(r, "bad_request").path("detail").asText()).as(query).startsWith(parameter);
        });
    }

    @Test
    void aHandlersUnexpectedFailureIsA500ProblemWithoutItsDetails() {
        HttpResponse<String> r = api.get("/api/v1/test/fails", token);

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(assertProblem(r, "internal_error").toString()).doesNotContain("secret internals");
    }

    @Test
    void malformedJsonBodiesAre400s() {
        String operator = api.token("op-" + System.nanoTime(), Role.OPERATOR);
        for (String body : List.of("{", "{\"a\":1}}", "nul", "{\"a\":\"\\u00\"}")) {
            HttpResponse<String> r = api.send("POST", "/api/v1/test/echo", operator, body);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertProblem(r, "malformed_json");
        }
        assertThat(api.send("POST", "/api/v1/test/echo", operator, "{\"a\":1}").statusCode()).isEqualTo(200);
    }

    @Test
    void aRegisteredRouteIsRecordedWithItsRole() {
        assertThat(api.server.adminApi().registrations())
                .contains(new AdminApi.Registration("GET", "/test/filters", "viewer"),
                        new AdminApi.Registration("POST", "/test/echo", "operator"));
    }

    @Test
    void aPathOutsideTheApiOrWithoutASlashCannotBeRegistered() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.server.api().get("/api/v1/x", Role.VIEWER,
                ctx -> { })).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.server.api().get("x", Role.VIEWER,
                ctx -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aWrongMethodOnAnApiPathIsAProblem() {
        HttpResponse<String> r = api.send("PUT", "/api/v1/status", token, "{}");

        assertThat(r.statusCode()).isIn(404, 405);
        assertProblem(r, null);
    }
}
