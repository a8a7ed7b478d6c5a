package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Console sessions kept in the store: a real server, an HTTP client, then the same store opened by a new server (a
 * restart), and the {@code console_session} table read back with plain JDBC.
 */
class ConsoleSessionStoreTest {

    private static final String FLOW = "clarity-order-to-salesforce";

    @TempDir
    Path dir;

    @Test
    void aSessionSurvivesARestartOfTheServerOnTheSameStore() {
        String secret;
        ConsoleSessionTest.Signed s;
        try (ApiTestServer first = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            secret = first.token("restart-operator", Role.OPERATOR);
            s = ConsoleSessionTest.signIn(first, secret);
            assertThat(ConsoleSessionTest.call(first, "GET", "/api/v1/flows", s.cookie(), null, null).statusCode())
                    .isEqualTo(200);
        }
        try (ApiTestServer second = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            HttpResponse<String> me = ConsoleSessionTest.call(second, "GET", "/api/v1/session", s.cookie(), null,
                    null);
            assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
            JsonNode body = ApiTestServer.json(me);
            assertThat(body.path("name").asText()).isEqualTo("restart-operator");
            assertThat(body.path("role").asText()).isEqualTo("operator");
            assertThat(body.path("csrfToken").asText()).isEqualTo(s.csrf());

            String pause = "/api/v1/flows/" + FLOW + "/pause";
            assertThat(ConsoleSessionTest.call(second, "POST", pause, s.cookie(), "wrong", "{}").statusCode())
                    .as("the CSRF check survives too").isEqualTo(403);
            HttpResponse<String> paused = ConsoleSessionTest.call(second, "POST", pause, s.cookie(), s.csrf(), "{}");
            assertThat(paused.statusCode()).as(paused.body()).isEqualTo(200);
            assertThat(second.server.runtime().pausedByOperator(FLOW)).isTrue();
        }
    }

    @Test
    void theTableHoldsNeitherTheCookieNorTheToken() throws SQLException {
        String secret;
        ConsoleSessionTest.Signed s;
        long tokenId;
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            secret = api.token("at-rest", Role.VIEWER);
            tokenId = api.server.adminApi().tokens().find("at-rest").orElseThrow().id();
            s = ConsoleSessionTest.signIn(api, secret);
        }
        List<List<String>> rows = rows("SELECT id_hash, token_id, role, csrf_token, created_at, last_seen_at, "
                + "expires_at FROM console_session");
        assertThat(rows).hasSize(1);
        List<String> row = rows.get(0);
        assertThat(row.get(0)).isEqualTo(ApiTokens.hash(s.cookie())).matches("[0-9a-f]{64}");
        assertThat(row.get(1)).isEqualTo(Long.toString(tokenId));
        assertThat(row.get(2)).isEqualTo("viewer");
        assertThat(Long.parseLong(row.get(6)) - Long.parseLong(row.get(4))).isEqualTo(8 * 3600 * 1000L);
        String secretPart = secret.substring(ApiTokens.PREFIX.length());
        for (String table : new String[]{"console_session", "api_token"}) {
            for (List<String> r : rows("SELECT * FROM " + table)) {
                for (String value : r) {
                    if (value != null) {
                        assertThat(value).as(table).doesNotContain(s.cookie()).doesNotContain(secretPart);
                    }
                }
            }
        }
    }

    @Test
    void signOutAndRevocationDeleteTheRowsAndTheCookieIs401Afterwards() throws SQLException {
        try (ApiTestServer api = ApiTestServer.start(dir, ApiTestServer.unlimited())) {
            ConsoleSessionTest.Signed out = ConsoleSessionTest.signIn(api, api.token("signs-out", Role.VIEWER));
            String admin = api.token("revoker", Role.ADMIN);
            String doomed = api.token("doomed", Role.OPERATOR);
            ConsoleSessionTest.Signed a = ConsoleSessionTest.signIn(api, doomed);
            ConsoleSessionTest.Signed b = ConsoleSessionTest.signIn(api, doomed);
            assertThat(count()).isEqualTo(3);

            assertThat(ConsoleSessionTest.call(api, "DELETE", "/api/v1/session", out.cookie(), out.csrf(), null)
                    .statusCode()).isEqualTo(204);
            assertThat(count()).isEqualTo(2);
            assertThat(ConsoleSessionTest.call(api, "GET", "/api/v1/flows", out.cookie(), null, null).statusCode())
                    .isEqualTo(401);

            long id = api.server.adminApi().tokens().find("doomed").orElseThrow().id();
            HttpResponse<String> revoked = api.send("DELETE", "/api/v1/tokens/" + id, admin, null);
            assertThat(revoked.statusCode()).as(revoked.body()).isBetween(200, 204);
            assertThat(count()).as("the revoked token's two sessions are gone").isZero();
            for (ConsoleSessionTest.Signed s : List.of(a, b)) {
                HttpResponse<String> r = ConsoleSessionTest.call(api, "GET", "/api/v1/flows", s.cookie(), null, null);
                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(ApiTestServer.json(r).path("code").asText()).isEqualTo("session_expired");
            }
        }
    }

    private long count() throws SQLException {
        return Long.parseLong(rows("SELECT COUNT(*) FROM console_session").get(0).get(0));
    }

    private List<List<String>> rows(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tandem.db"));
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }
}
