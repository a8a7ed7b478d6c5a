package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The web console's sign-in: a session cookie as an alternative to the bearer header, the same role checks, a CSRF
 * token on state-changing calls, expiry and sign-out.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleSessionTest {

    private static final String FLOW = "clarity-order-to-salesforce";
    private ApiTestServer api;

    @BeforeAll
    void start(@TempDir Path dir) {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
    }

    @AfterAll
    void stop() {
        api.close();
    }

    /** A signed-in session: its cookie value and CSRF token. */
    record Signed(String cookie, String csrf, HttpResponse<String> response) {
    }

    static Signed signIn(ApiTestServer api, String token, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.uri("/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = api.send(b.build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
        return new Signed(cookie, ApiTestServer.json(r).path("csrfToken").asText(), r);
    }

    static HttpResponse<String> call(ApiTestServer api, String method, String path, String cookie, String csrf,
                                     String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (cookie != null) {
            b.header("Cookie", ConsoleSessions.COOKIE + "=" + cookie);
        }
        if (csrf != null) {
            b.header(ConsoleSessions.CSRF_HEADER, csrf);
        }
        return api.send(b.build());
    }

    private static String code(HttpResponse<String> r) {
        return ApiTestServer.json(r).path("code").asText();
    }

    @Test
    void signingInSetsAnHttpOnlySameSiteStrictCookieAndAnswersTheRoleAndACsrfToken() {
        Signed s = signIn(api, api.token("cookie-viewer", Role.VIEWER));

        String setCookie = s.response().headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(ConsoleSessions.COOKIE + "=").contains("; Path=/", "; HttpOnly",
                "; SameSite=Strict", "; Max-Age=28800").doesNotContain("Secure");
        assertThat(s.cookie()).matches("[A-Za-z0-9_-]{43}");
        JsonNode body = ApiTestServer.json(s.response());
        assertThat(body.path("name").asText()).isEqualTo("cookie-viewer");
        assertThat(body.path("role").asText()).isEqualTo("viewer");
        assertThat(s.csrf()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(s.cookie());
        assertThat(s.response().body()).doesNotContain(s.cookie());

        // The cookie works in place of the bearer header, and GET /session says who and gives the CSRF token again.
        assertThat(call(api, "GET", "/api/v1/flows", s.cookie(), null, null).statusCode()).isEqualTo(200);
        JsonNode me = ApiTestServer.json(call(api, "GET", "/api/v1/session", s.cookie(), null, null));
        assertThat(me.path("role").asText()).isEqualTo("viewer");
        assertThat(me.path("csrfToken").asText()).isEqualTo(s.csrf());
    }

    @Test
    void overHttpsTheCookieIsSecure() {
        Signed s = signIn(api, api.token("https-viewer", Role.VIEWER), "X-Forwarded-Proto", "https");
        assertThat(s.response().headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
    }

    @Test
    void withoutASessionTheConsolesCallsAre401() {
        for (String path : new String[]{"/api/v1/session", "/api/v1/flows", "/api/v1/dead-letters",
                "/api/v1/metrics/summary"}) {
            HttpResponse<String> r = call(api, "GET", path, null, null, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
        }
        assertThat(call(api, "POST", "/api/v1/flows/" + FLOW + "/pause", null, null, "{}").statusCode())
                .isEqualTo(401);
    }

    @Test
    void aForgedOrUnknownCookieIs401() {
        for (String forged : new String[]{"A".repeat(43), "garbage", "../../etc", "x".repeat(5000)}) {
            HttpResponse<String> r = call(api, "GET", "/api/v1/flows", forged, null, null);
            assertThat(r.statusCode()).as(forged).isEqualTo(401);
            assertThat(code(r)).isEqualTo("session_expired");
        }
    }

    @Test
    void aRefusedTokenOpensNoSession() {
        String forged = ApiTokens.PREFIX + "B".repeat(43);
        for (String body : new String[]{"{\"token\":\"" + forged + "\"}", "{\"token\":\"nope\"}", "{}"}) {
            HttpResponse<String> r = api.send("POST", "/api/v1/session", null, body);
            assertThat(r.statusCode()).as(body).isEqualTo(401);
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
        }
        assertThat(api.send("POST", "/api/v1/session", null, "{\"token\": ").statusCode()).isEqualTo(400);
        assertThat(api.send("POST", "/api/v1/session", null, "{\"token\":\"x\",\"extra\":1}").statusCode())
                .isEqualTo(400);
    }

    @Test
    void theSessionHasItsTokensRole() {
        Signed viewer = signIn(api, api.token("role-viewer", Role.VIEWER));

        HttpResponse<String> r = call(api, "POST", "/api/v1/flows/" + FLOW + "/pause", viewer.cookie(), viewer.csrf(),
                "{}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertThat(code(r)).isEqualTo("forbidden");
        Signed operator = signIn(api, api.token("role-operator", Role.OPERATOR));
        assertThat(call(api, "GET", "/api/v1/tokens", operator.cookie(), null, null).statusCode()).isEqualTo(403);
    }

    @Test
    void aStateChangingCallWithTheCookieNeedsTheCsrfToken() {
        Signed op = signIn(api, api.token("csrf-operator", Role.OPERATOR));
        Signed other = signIn(api, api.token("csrf-other", Role.OPERATOR));
        String pause = "/api/v1/flows/" + FLOW + "/pause";

        HttpResponse<String> missing = call(api, "POST", pause, op.cookie(), null, "{}");
        assertThat(missing.statusCode()).isEqualTo(403);
        assertThat(code(missing)).isEqualTo("csrf_failed");
        for (String forged : new String[]{"forged", op.csrf() + "x", other.csrf(), op.cookie(), ""}) {
            HttpResponse<String> r = call(api, "POST", pause, op.cookie(), forged, "{}");
            assertThat(r.statusCode()).as(forged).isEqualTo(403);
            assertThat(code(r)).isEqualTo("csrf_failed");
        }
        assertThat(api.server.runtime().pausedByOperator(FLOW)).isFalse();

        HttpResponse<String> ok = call(api, "POST", pause, op.cookie(), op.csrf(), "{\"reason\":\"console test\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        assertThat(api.server.runtime().pausedByOperator(FLOW)).isTrue();
        assertThat(call(api, "POST", "/api/v1/flows/" + FLOW + "/resume", op.cookie(), op.csrf(), "{}").statusCode())
                .isEqualTo(200);
        // The action is the token's: audited under its name.
        assertThat(api.server.adminApi().tokens().store().auditPage(Long.MAX_VALUE, java.util.Optional.of("csrf-operator"), 10))
                .anySatisfy(e -> assertThat(e.path()).endsWith("/pause"));
    }

    @Test
    void signingOutEndsTheSession() {
        Signed s = signIn(api, api.token("bye", Role.VIEWER));

        HttpResponse<String> noCsrf = call(api, "DELETE", "/api/v1/session", s.cookie(), null, null);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        HttpResponse<String> out = call(api, "DELETE", "/api/v1/session", s.cookie(), s.csrf(), null);
        assertThat(out.statusCode()).as(out.body()).isEqualTo(204);
        assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0", "HttpOnly");

        HttpResponse<String> after = call(api, "GET", "/api/v1/flows", s.cookie(), null, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(code(after)).isEqualTo("session_expired");
    }

    @Test
    void revokingTheTokenEndsItsSessions() {
        String secret = api.token("to-revoke", Role.OPERATOR);
        Signed s = signIn(api, secret);
        assertThat(call(api, "GET", "/api/v1/flows", s.cookie(), null, null).statusCode()).isEqualTo(200);

        ApiTokens tokens = api.server.adminApi().tokens();
        tokens.store().revoke(tokens.find("to-revoke").orElseThrow().id(), Instant.now());

        assertThat(call(api, "GET", "/api/v1/flows", s.cookie(), null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aBearerHeaderWinsOverACookieAndNeedsNoCsrf() {
        String operator = api.token("bearer-and-cookie", Role.OPERATOR);
        HttpResponse<String> r = api.send(HttpRequest.newBuilder(api.uri("/api/v1/flows/" + FLOW + "/resume"))
                .header("Authorization", "Bearer " + operator)
                .header("Cookie", ConsoleSessions.COOKIE + "=" + "A".repeat(43))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // and DELETE /session with a bearer token has no session to end
        assertThat(api.send("DELETE", "/api/v1/session", operator, null).statusCode()).isEqualTo(400);
    }

    @Test
    void anExpiredSessionIs401(@TempDir Path dir) {
        try (ApiTestServer shortLived = ApiTestServer.start(dir, ApiTestServer.unlimited()
                .withSessions(Duration.ofMinutes(30), Duration.ofMillis(800)))) {
            Signed s = signIn(shortLived, shortLived.token("short", Role.VIEWER));
            assertThat(call(shortLived, "GET", "/api/v1/flows", s.cookie(), null, null).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
                    call(shortLived, "GET", "/api/v1/flows", s.cookie(), null, null).statusCode() == 401);
            HttpResponse<String> r = call(shortLived, "GET", "/api/v1/session", s.cookie(), null, null);
            assertThat(code(r)).isEqualTo("session_expired");
        }
    }
}
