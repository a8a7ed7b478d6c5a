package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.spi.ApiTokenStore.AdminAuditEntry;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.tandem.server.api.AdminApiSecurityTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** The admin API's own endpoints and its frame: tokens, the audit log, paging, problems, the status alias. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiTest {

    private ApiTestServer api;
    private String admin;
    private String viewer;

    @BeforeAll
    void start(@TempDir Path dir) {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
        admin = api.token("root", Role.ADMIN);
        viewer = api.token("watcher", Role.VIEWER);
    }

    @AfterAll
    void stop() {
        api.close();
    }

    @Test
    void statusUnderApiV1IsTheBodyOfTheDeprecatedAlias() {
        HttpResponse<String> v1 = api.get("/api/v1/status", viewer);
        HttpResponse<String> alias = api.get("/api/status", null);

        assertThat(v1.statusCode()).isEqualTo(200);
        assertThat(alias.statusCode()).isEqualTo(200);
        assertThat(ApiTestServer.json(v1).fieldNames()).toIterable()
                .containsExactlyElementsOf(() -> ApiTestServer.json(alias).fieldNames());
        assertThat(ApiTestServer.json(v1).path("flows").isArray()).isTrue();
        assertThat(alias.headers().firstValue("Deprecation")).contains("true");
        assertThat(alias.headers().firstValue("Link").orElse("")).contains("/api/v1/status");
    }

    @Test
    void aTokenCreatedOverTheApiIsShownOnceWorksAndIsRefusedOnceRevoked() {
        HttpResponse<String> created = api.send("POST", "/api/v1/tokens", admin,
                "{\"name\":\"ci-bot\",\"role\":\"operator\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode body = ApiTestServer.json(created);
        String secret = body.path("token").asText();
        assertThat(secret).startsWith("tdm_");
        assertThat(body.path("role").asText()).isEqualTo("operator");
        assertThat(api.get("/api/v1/status", secret).statusCode()).isEqualTo(200);

        HttpResponse<String> list = api.get("/api/v1/tokens", admin);
        assertThat(list.body()).contains("ci-bot").doesNotContain(secret).doesNotContain(ApiTokens.hash(secret))
                .doesNotContain("tokenHash");

        long id = body.path("id").asLong();
        HttpResponse<String> revoked = api.send("DELETE", "/api/v1/tokens/" + id, admin, null);
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);
        assertThat(ApiTestServer.json(revoked).path("active").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/status", secret).statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenDifferingOnlyInLetterCaseIsRefusedOnTheSameConnection() {
        assertThat(api.get("/api/v1/status", viewer).statusCode()).isEqualTo(200);

        String flipped = "tdm_" + flipCase(viewer.substring(4));

        assertThat(api.get("/api/v1/status", flipped).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/v1/status", viewer).statusCode()).isEqualTo(200);
    }

    @Test
    void creatingATokenWithABadBodyIsA400ThatSaysWhy() {
        assertProblem(api.send("POST", "/api/v1/tokens", admin, "{\"name\":"), "malformed_json");
        assertProblem(api.send("POST", "/api/v1/tokens", admin, "[1,2]"), "malformed_json");
        assertProblem(api.send("POST", "/api/v1/tokens", admin, "{\"name\":\"x\",\"role\":\"viewer\",\"extra\":1}"),
                "malformed_json");
        assertProblem(api.send("POST", "/api/v1/tokens", admin, ""), "bad_request");
        HttpResponse<String> role = api.send("POST", "/api/v1/tokens", admin, "{\"name\":\"x\",\"role\":\"root\"}");
        assertThat(role.statusCode()).isEqualTo(400);
        assertThat(assertProblem(role, "bad_request").path("detail").asText()).contains("role");
        HttpResponse<String> name = api.send("POST", "/api/v1/tokens", admin,
                "{\"name\":\"'; DROP TABLE api_token;--\",\"role\":\"viewer\"}");
        assertThat(assertProblem(name, "bad_request").path("detail").asText()).contains("name");
        HttpResponse<String> taken = api.send("POST", "/api/v1/tokens", admin, "{\"name\":\"root\",\"role\":\"viewer\"}");
        assertThat(taken.statusCode()).isEqualTo(409);
    }

    @Test
    void revokingAnUnknownTokenIs404() {
        assertProblem(api.send("DELETE", "/api/v1/tokens/424242", admin, null), "not_found");
    }

    @Test
    void everyStateChangingCallIsInTheAdminAuditLogWithoutBodyOrToken() {
        HttpResponse<String> created = api.send("POST", "/api/v1/tokens", admin,
                "{\"name\":\"audited\",\"role\":\"viewer\"}");
        String secret = ApiTestServer.json(created).path("token").asText();
        api.send("POST", "/api/v1/tokens", viewer, "{\"name\":\"sneaky\",\"role\":\"admin\"}"); // 403, audited too

        List<AdminAuditEntry> log = api.server.adminApi().tokens().store().auditPage(Long.MAX_VALUE,
                Optional.empty(), 500);
        AdminAuditEntry creation = log.stream().filter(e -> e.action().contains("audited")).findFirst().orElseThrow();
        assertThat(creation.actor()).isEqualTo("root");
        assertThat(creation.role()).isEqualTo("admin");
        assertThat(creation.method()).isEqualTo("POST");
        assertThat(creation.path()).isEqualTo("/api/v1/tokens");
        assertThat(creation.status()).isEqualTo(201);
        assertThat(creation.remoteAddress()).isEqualTo("127.0.0.1");
        AdminAuditEntry refused = log.stream().filter(e -> e.actor().equals("watcher")).findFirst().orElseThrow();
        assertThat(refused.status()).isEqualTo(403);
        assertThat(log).allSatisfy(e -> assertThat(e.toString()).doesNotContain(secret).doesNotContain("sneaky"));
        assertThat(log).noneMatch(e -> e.method().equals("GET"));

        HttpResponse<String> page = api.get("/api/v1/admin-audit?actor=watcher", admin);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(ApiTestServer.json(page).path("items")).isNotEmpty()
                .allSatisfy(i -> assertThat(i.path("actor").asText()).isEqualTo("watcher"));
    }

    @Test
    void theAuditLogIsPagedWithAnOpaqueCursor() {
        for (int i = 0; i < 5; i++) {
            api.send("DELETE", "/api/v1/tokens/" + (900_000 + i), admin, null);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> r = api.get("/api/v1/admin-audit?limit=2&actor=root"
                    + (cursor == null ? "" : "&cursor=" + cursor), admin);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode page = ApiTestServer.json(r);
            assertThat(page.path("items").size()).isLessThanOrEqualTo(2);
            page.path("items").forEach(i -> seen.add(i.path("id").asText()));
            cursor = page.has("nextCursor") ? page.path("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 100);

        long total = api.server.adminApi().tokens().store().auditPage(Long.MAX_VALUE, Optional.of("root"), 500).size();
        assertThat(seen).hasSize((int) total).doesNotHaveDuplicates();
        assertThat(total).isGreaterThanOrEqualTo(5);
        assertThat(pages).as("full pages, and no empty page at the end").isEqualTo((int) ((total + 1) / 2));
    }

    @Test
    void badPagingParametersAre400sNamingTheParameter() {
        for (String query : List.of("limit=0", "limit=501", "limit=abc", "limit=-1", "limit=1.5",
                "limit=99999999999999999999")) {
            HttpResponse<String> r = api.get("/api/v1/admin-audit?" + query, admin);
            assertThat(r.statusCode()).as(query).isEqualTo(400);
            assertThat(assertProblem(r, "bad_request").path("detail").asText()).contains("limit");
        }
        for (String cursor : List.of("not-base64!", "Zm9v", ApiQuery.cursor("abc"), "x".repeat(300))) {
            HttpResponse<String> r = api.get("/api/v1/admin-audit?cursor=" + cursor, admin);
            assertThat(r.statusCode()).as(cursor).isEqualTo(400);
            assertThat(assertProblem(r, "bad_request").path("detail").asText()).contains("cursor");
        }
    }

    @Test
    void anUnmatchedPathUnderApiV1IsA404Problem() {
        assertProblem(api.get("/api/v1/no-such-thing", admin), "not_found");
        assertProblem(api.get("/api/v1/no-such-thing", null), "not_found");
    }

    @Test
    void lastUseIsRecordedAtMostOnceAMinute() {
        String secret = api.token("touchy", Role.VIEWER);
        ApiToken before = api.server.adminApi().tokens().find("touchy").orElseThrow();
        assertThat(before.lastUsedAt()).isNull();

        api.get("/api/v1/status", secret);
        ApiToken first = api.server.adminApi().tokens().find("touchy").orElseThrow();
        api.get("/api/v1/status", secret);
        ApiToken second = api.server.adminApi().tokens().find("touchy").orElseThrow();

        assertThat(first.lastUsedAt()).isNotNull();
        assertThat(second.lastUsedAt()).isEqualTo(first.lastUsedAt());
    }

    @Test
    void aPreflightGetsNoCorsHeadersByDefault() {
        HttpResponse<String> preflight = api.send(HttpRequest.newBuilder(api.uri("/api/v1/status"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build());
        HttpResponse<String> get = api.send(HttpRequest.newBuilder(api.uri("/api/v1/status"))
                .header("Origin", "https://evil.example").header("Authorization", "Bearer " + viewer).build());

        for (HttpResponse<String> r : List.of(preflight, get)) {
            assertThat(r.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
        }
    }

    private static String flipCase(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return b.toString();
    }
}
