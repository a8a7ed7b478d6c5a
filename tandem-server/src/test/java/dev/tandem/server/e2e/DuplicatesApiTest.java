package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.server.api.Role;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code /api/v1/duplicates} over HTTP on both sandboxes: the scan of Salesforce and Clarity, the merge's dry run
 * and apply, and the problems (RFC 9457) for bad input, unknown records, blockers and a viewer's merge.
 */
class DuplicatesApiTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private TandemStack stack;
    private final HttpClient http = HttpClient.newHttpClient();
    private String operator;
    private String viewer;

    @BeforeEach
    void start() {
        stack = TandemStack.start(dir, new TandemConfig.Flows(null, Map.of()));
        operator = stack.tandem().adminApi().tokens().create("ops", Role.OPERATOR).secret();
        viewer = stack.tandem().adminApi().tokens().create("view", Role.VIEWER).secret();
    }

    @AfterEach
    void stop() {
        stack.close();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(stack.tandem().baseUrl() + "/api/v1" + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    @Test
    void theScanReportsSalesforceAndClarityDuplicates() throws Exception {
        String a = stack.salesforceRest().create("Contact", "{\"LastName\":\"Doe\",\"Email\":\"dup@example.com\"}");
        String b = stack.salesforceRest().create("Contact", "{\"LastName\":\"Doe\",\"Email\":\"Dup@Example.com\"}");
        var contacts = stack.clarity.store().contacts().all();
        var first = contacts.get(0);
        var second = contacts.get(1);
        stack.clarity.store().contacts().modify(second.id(), t -> t.put("Email1", " " + first.email1().toUpperCase()));

        HttpResponse<String> r = call("GET", "/duplicates?object=Contact", viewer, null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("counts").path("salesforce").asInt()).isEqualTo(1);
        assertThat(body.path("counts").path("clarity").asInt()).isPositive();
        JsonNode sf = body.path("sets").get(0);
        assertThat(sf.path("system").asText()).isEqualTo("salesforce");
        assertThat(sf.path("records").findValuesAsText("id")).containsExactly(a, b);
        boolean clarityPair = false;
        for (JsonNode s : body.path("sets")) {
            if (s.path("system").asText().equals("clarity") && s.path("object").asText().equals("Contact")
                    && s.path("records").findValuesAsText("id").containsAll(
                            java.util.List.of(String.valueOf(first.id()), String.valueOf(second.id())))) {
                clarityPair = true;
            }
        }
        assertThat(clarityPair).as("the two Clarity contacts with one e-mail: " + body).isTrue();
    }

    @Test
    void badInputUnknownRecordsBlockersAndAViewersMergeAreProblems() throws Exception {
        HttpResponse<String> noObject = call("GET", "/duplicates", viewer, null);
        assertThat(noObject.statusCode()).isEqualTo(400);
        assertThat(noObject.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(json(noObject).path("detail").asText()).contains("Account or Contact");
        assertThat(call("GET", "/duplicates?object=Lead", viewer, null).statusCode()).isEqualTo(400);
        assertThat(call("GET", "/duplicates?object=Contact&system=sap", viewer, null).statusCode()).isEqualTo(400);

        String a = stack.salesforceRest().create("Contact", "{\"LastName\":\"A\",\"Clarity_Contact_Key__c\":\"K-1\"}");
        String b = stack.salesforceRest().create("Contact", "{\"LastName\":\"B\",\"Clarity_Contact_Key__c\":\"K-2\"}");
        String merge = "{\"object\":\"Contact\",\"survivor\":\"" + a + "\",\"loser\":\"" + b + "\"";

        assertThat(call("POST", "/duplicates/merge", viewer, merge + "}").statusCode()).isEqualTo(403);
        assertThat(call("POST", "/duplicates/merge", operator, "{\"object\":\"Contact\"}").statusCode()).isEqualTo(400);
        HttpResponse<String> injection = call("POST", "/duplicates/merge", operator,
                "{\"object\":\"Contact\",\"survivor\":\"" + a + "\",\"loser\":\"x' OR Id != '\"}");
        assertThat(injection.statusCode()).isEqualTo(400);
        assertThat(json(injection).path("detail").asText()).contains("15 or 18");
        String unknown = a.substring(0, 3) + "0".repeat(12) + "ZZZ";
        assertThat(call("POST", "/duplicates/merge", operator, "{\"object\":\"Contact\",\"survivor\":\"" + a
                + "\",\"loser\":\"" + unknown + "\"}").statusCode()).isEqualTo(404);

        HttpResponse<String> dry = call("POST", "/duplicates/merge", operator, merge + "}");
        assertThat(dry.statusCode()).isEqualTo(200);
        assertThat(json(dry).path("dryRun").asBoolean()).isTrue();
        assertThat(json(dry).path("blockers").get(0).asText()).contains("K-1", "K-2");
        HttpResponse<String> apply = call("POST", "/duplicates/merge", operator, merge + ",\"apply\":true}");
        assertThat(apply.statusCode()).isEqualTo(409);
        assertThat(json(apply).path("detail").asText()).contains("cannot be applied");
        assertThat(stack.salesforceRest().count("SELECT Id FROM Contact")).isEqualTo(2);
    }
}
