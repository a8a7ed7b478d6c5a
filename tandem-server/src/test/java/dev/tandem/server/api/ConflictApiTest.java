package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.sync.Conflict;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/conflicts} with bad, forged and hostile input; a conflict seeded in the store, and systems Tandem
 * cannot reach (so a resolution must fail as a connection problem, writing nothing and keeping the conflict open).
 * The successful resolutions run end to end in CustomerMasterPolicyEndToEndTest.
 */
class ConflictApiTest {

    @TempDir
    Path dir;
    private ApiTestServer api;
    private String viewer;
    private String operator;
    private long id;

    @BeforeEach
    void start() {
        api = ApiTestServer.start(dir, ApiTestServer.unlimited());
        viewer = api.token("viewer", Role.VIEWER);
        operator = api.token("operator", Role.OPERATOR);
        Instant now = Instant.parse("2026-12-02T06:00:00Z");
        id = api.server.stateStore().openConflict(new Conflict(0, "clarity-customer-to-salesforce", Conflict.OPEN,
                new Conflict.Side("clarity", "Contact", "9051", "CustomKey", "CON-9051", "Phone1"),
                new Conflict.Side("salesforce", "Contact", "003A", "Clarity_Contact_Key__c", "CON-9051", "Phone"),
                "\"+1 512 555 0101\"", "\"+1 737 555 0142\"", now, now.plusSeconds(20), "manual",
                "policy manual: a person decides", 3, now, now, "", "", null)).id();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void aViewerListsAndShowsConflictsWithBothValuesAndTimes() {
        JsonNode list = ApiTestServer.json(api.get("/api/v1/conflicts?state=open", viewer));
        assertThat(list.path("items")).hasSize(1);
        JsonNode c = ApiTestServer.json(api.get("/api/v1/conflicts/" + id, viewer));
        assertThat(c.path("state").asText()).isEqualTo("open");
        assertThat(c.path("source").path("value").asText()).isEqualTo("+1 512 555 0101");
        assertThat(c.path("target").path("field").asText()).isEqualTo("Phone");
        assertThat(c.path("target").path("modifiedAt").asText()).isEqualTo("2026-12-02T06:00:20Z");
        assertThat(ApiTestServer.json(api.get("/api/v1/conflicts?state=resolved", viewer)).path("items")).isEmpty();
        assertThat(ApiTestServer.json(api.get("/api/v1/conflicts?flow=other", viewer)).path("items")).isEmpty();
    }

    @Test
    void badInputIsAProblemThatSaysWhatIsWrong() {
        assertProblem(api.get("/api/v1/conflicts?state=%3Cscript%3E", viewer), 400, "state must be open or resolved");
        assertProblem(api.get("/api/v1/conflicts/abc", viewer), 404, "'abc' is not");
        assertProblem(api.get("/api/v1/conflicts/99999", viewer), 404, "no conflict 99999");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", viewer, "{\"take\":\"clarity\"}"), 403, "");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator, "{}"), 400, "take is required");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator, "[1,2]"), 400, "");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator, "{\"take\":\"erp\"}"), 422,
                "take must be one of [clarity, salesforce, value]");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator, "{\"take\":\"value\"}"), 422,
                "needs the value");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator,
                "{\"take\":\"value\",\"value\":{\"$ne\":1}}"), 422, "not an object");
        assertProblem(api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator,
                "{\"take\":\"" + "x".repeat(2_000_000) + "\"}"), 413, "");
        assertThat(api.server.stateStore().conflict(id).orElseThrow().open()).isTrue();
    }

    @Test
    void aSystemTandemCannotReachFailsTheResolutionAsSuchAndKeepsTheConflictOpen() {
        HttpResponse<String> r = api.send("POST", "/api/v1/conflicts/" + id + "/resolve", operator, "{\"take\":\"clarity\"}");
        assertProblem(r, 409, "cannot read");
        assertThat(ApiTestServer.json(r).path("detail").asText()).contains("nothing was written");
        assertThat(api.server.stateStore().conflict(id).orElseThrow().open()).isTrue();
    }

    private static void assertProblem(HttpResponse<String> r, int status, String detail) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(ApiTestServer.json(r).path("detail").asText()).contains(detail);
    }
}
