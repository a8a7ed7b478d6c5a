package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.server.api.OpenApiOperations.Operation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every operation of the OpenAPI document against the token check: endpoints added later (and documented, which
 * {@link OpenApiDocumentTest} enforces) are covered without touching this test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminApiSecurityTest {

    private ApiTestServer api;
    private String viewer;
    private String operator;
    private String admin;
    private String revoked;

    @BeforeAll
    void start(@TempDir Path dir) {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
        viewer = api.token("viewer", Role.VIEWER);
        operator = api.token("operator", Role.OPERATOR);
        admin = api.token("admin", Role.ADMIN);
        String gone = "revoked-admin";
        revoked = api.token(gone, Role.ADMIN);
        api.server.adminApi().tokens().find(gone).ifPresent(t ->
                api.server.adminApi().tokens().store().revoke(t.id(), java.time.Instant.now()));
    }

    @AfterAll
    void stop() {
        api.close();
    }

    static List<Operation> securedOperations() {
        return OpenApiOperations.secured();
    }

    static List<Operation> operationsAboveViewer() {
        return OpenApiOperations.secured().stream().filter(o -> !o.role().equals("viewer")).toList();
    }

    static List<Operation> adminOperations() {
        return OpenApiOperations.secured().stream().filter(o -> o.role().equals("admin")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("securedOperations")
    void withoutATokenTheAnswerIs401WithABearerChallenge(Operation op) {
        HttpResponse<String> r = call(op, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertProblem(r, "unauthorized");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("securedOperations")
    void aGarbageOrForgedTokenIs401(Operation op) {
        String forged = ApiTokens.PREFIX + "A".repeat(43); // the right shape, never issued
        for (String token : List.of("garbage", forged, admin + "x", "' OR '1'='1", admin.toUpperCase())) {
            HttpResponse<String> r = call(op, token);
            assertThat(r.statusCode()).as(token + ": " + r.body()).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
            assertProblem(r, "invalid_token");
        }
        // Another scheme with a valid token is not a bearer token.
        HttpResponse<String> basic = api.send(java.net.http.HttpRequest.newBuilder(api.uri(op.samplePath()))
                .method(op.method(), java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Basic " + admin).build());
        assertThat(basic.statusCode()).isEqualTo(401);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("securedOperations")
    void aRevokedTokenIs401(Operation op) {
        HttpResponse<String> r = call(op, revoked);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
        assertProblem(r, "invalid_token");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("operationsAboveViewer")
    void aViewerTokenIsForbiddenAboveItsRole(Operation op) {
        HttpResponse<String> r = call(op, viewer);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        JsonNode problem = assertProblem(r, "forbidden");
        assertThat(problem.path("detail").asText()).contains("needs an " + op.role() + " token (you have viewer)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminOperations")
    void anOperatorTokenIsForbiddenForAdminOperations(Operation op) {
        HttpResponse<String> r = call(op, operator);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        assertProblem(r, "forbidden");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("securedOperations")
    void theRightRoleGetsPastTheTokenCheck(Operation op) {
        String token = switch (op.role()) {
            case "viewer" -> viewer;
            case "operator" -> operator;
            case "admin" -> admin;
            default -> throw new AssertionError(op + " has no x-tandem-role");
        };

        HttpResponse<String> r = call(op, token);

        assertThat(r.statusCode()).as(r.body()).isNotIn(401, 403, 429, 500);
        // Past the check an operation that calls Salesforce or Clarity (POST /reconcile/{object}: the test server's
        // systems are not there) may answer the upstream's outage, when it documents that answer.
        if (r.statusCode() >= 500) {
            assertThat(op.node().path("responses").has(String.valueOf(r.statusCode()))).as(op + " " + r.body())
                    .isTrue();
        }
    }

    @Test
    void theOpenApiDocumentNeedsNoToken() {
        for (Operation op : OpenApiOperations.all().stream().filter(Operation::isPublic).toList()) {
            HttpResponse<String> r = call(op, null);
            if (op.hasBody()) {
                // The console's sign-in (POST /session) checks the token in its body ({} has none), not a header.
                assertThat(r.statusCode()).as(op.toString()).isEqualTo(401);
                assertProblem(r, "invalid_token");
            } else {
                assertThat(r.statusCode()).as(op.toString()).isEqualTo(200);
            }
        }
    }

    static Stream<String> hostileValues() {
        return Stream.of("' OR '1'='1", "1; DROP TABLE api_token; --", "\" OR \"\"=\"", "%00", "a\u0000b",
                "x".repeat(5000), "☃𝄞ü日本", "../../etc/passwd", "<script>alert(1)</script>", "-1", "1e9",
                "99999999999999999999999", "${jndi:ldap://x}", "\\", "null", " ");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileValues")
    void hostileQueryParametersAreRefusedOrHarmlessNever500(String value) {
        List<String> tried = new ArrayList<>();
        for (Operation op : OpenApiOperations.secured().stream().filter(o -> o.method().equals("GET")).toList()) {
            String token = op.role().equals("viewer") ? viewer : op.role().equals("operator") ? operator : admin;
            for (String name : op.queryParameters()) {
                String url = op.samplePath() + "?" + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
                HttpResponse<String> r = api.get(url, token);
                tried.add(url);
                assertThat(r.statusCode()).as(url + " → " + r.body()).isIn(200, 400);
                if (r.statusCode() == 400) {
                    assertThat(assertProblem(r, null).path("detail").asText()).as(url).contains(name);
                }
            }
        }
        assertThat(tried).as("the document has GET operations with query parameters").isNotEmpty();
        // The tables are still there and answer.
        assertThat(api.get(AdminApi.BASE + "/tokens", admin).statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileValues")
    void hostilePathParametersAreRefusedOrNotFoundNever500(String value) {
        String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        HttpResponse<String> r = api.send("DELETE", AdminApi.BASE + "/tokens/" + encoded, admin, null);

        assertThat(r.statusCode()).as(r.body()).isIn(400, 404);
        assertThat(api.server.adminApi().tokens().find("admin")).isPresent();
    }

    private HttpResponse<String> call(Operation op, String token) {
        return api.send(op.method(), op.samplePath(), token, op.hasBody() ? "{}" : null);
    }

    /** The response is an RFC 9457 problem (of {@code code}, when given); its body. */
    static JsonNode assertProblem(HttpResponse<String> r, String code) {
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode body = ApiTestServer.json(r);
        assertThat(body.path("status").asInt()).isEqualTo(r.statusCode());
        assertThat(body.path("type").asText()).startsWith("https://tandem.dev/problems/");
        assertThat(body.path("title").asText()).isNotBlank();
        if (code != null) {
            assertThat(body.path("code").asText()).isEqualTo(code);
        }
        return body;
    }
}
