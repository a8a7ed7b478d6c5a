package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The sandbox's answers compared with fixtures written from the spec's documented examples
 * (src/test/resources/salesforce/fixtures): field names, JSON types, status codes and headers; values that must
 * differ (ids, dates, tokens) are ignored.
 */
class FixtureShapeTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.contactDuplicateRuleByEmail(true);
    }

    @Test
    void tokenResponseMatchesTheDocumentedShape() {
        SandboxClient.Response response = client.form(sandbox.tokenUrl(), "grant_type=client_credentials&client_id="
                + sandbox.clientId() + "&client_secret=" + sandbox.clientSecret(), null);

        assertShape(response, 200, "token_response.json", false); // §1.5
    }

    @Test
    void oauthAndSessionErrorsMatchTheDocumentedShape() {
        assertShape(client.form(sandbox.tokenUrl(), "grant_type=refresh_token&client_id=" + sandbox.clientId()
                + "&client_secret=" + sandbox.clientSecret() + "&refresh_token=x", null), 400, "oauth_error.json",
                true); // §1.6
        assertShape(client.send("GET", V + "/limits", null, Map.of("Authorization", "Bearer nope")), 401,
                "expired_session.json", true); // §1.7
    }

    @Test
    void restErrorsMatchTheDocumentedShape() {
        assertShape(client.get(sobject("Account") + "/001000000000000AAA"), 404, "not_found.json", true); // §2.2
        SandboxClient.Response malformed = client.get(sobject("Account") + "/001900K0001pPuOAAU");
        assertShape(malformed, 400, "malformed_id.json", true); // §2.2
        assertThat(malformed.header("Sforce-Limit-Info")).matches("api-usage=\\d+/\\d+");
    }

    @Test
    void upsertCreatedAndUpdatedMatchTheDocumentedShapes() {
        SandboxClient.Response created = client.patch(sobject("Account") + "/Clarity_Account_Key__c/K-1",
                Map.of("Name", "Acme"));
        assertShape(created, 201, "upsert_created.json", true); // §2.4
        assertThat(created.header("Location")).startsWith(V + "/sobjects/Account/001");
        assertShape(client.patch(sobject("Account") + "/Clarity_Account_Key__c/K-1", Map.of("Name", "Acme 2")),
                200, "upsert_updated.json", true);
    }

    @Test
    void queryPageMatchesTheDocumentedShape() {
        account("A-1");

        assertShape(client.get(V + "/query?q=" + URLEncoder.encode("SELECT Name FROM Account",
                StandardCharsets.UTF_8)), 200, "query_page.json", true); // §2.5
    }

    @Test
    void compositeGraphAndCompositeFailureMatchTheDocumentedShapes() {
        String graph = """
                {"graphs":[{"graphId":"1","compositeRequest":[{"url":"/services/data/v66.0/sobjects/Account/",
                "body":{"Name":"Cloudy"},"method":"POST","referenceId":"reference_id_account_1"}]}]}""";
        assertShape(client.post(V + "/composite/graph", graph), 200, "graph_response.json", true); // §2.10
        String composite = """
                {"allOrNone":true,"compositeRequest":[
                {"method":"POST","url":"/services/data/v66.0/sobjects/Account","referenceId":"NewPayment1","body":{"Name":"A"}},
                {"method":"POST","url":"/services/data/v66.0/sobjects/Account","referenceId":"NewPayment2","body":{}}]}""";
        assertShape(client.post(V + "/composite", composite), 200, "composite_failure.json", true); // §2.9
    }

    @Test
    void collectionsResultMatchesTheDocumentedShape() {
        String body = """
                {"allOrNone":true,"records":[{"attributes":{"type":"Account"},"Name":"ok"},
                {"attributes":{"type":"Account"}}]}""";
        SandboxClient.Response response = client.post(V + "/composite/sobjects", body);

        assertThat(response.status()).isEqualTo(200); // §2.8
        assertShapeOf(load("collections_result.json").get(1), response.json().get(0), "$[0]", true);
    }

    @Test
    void bulkJobLimitsDuplicatesEventsAndTreeMatchTheDocumentedShapes() {
        assertShape(client.post(V + "/jobs/ingest", Map.of("object", "Account", "operation", "upsert",
                "externalIdFieldName", "Clarity_Account_Key__c")), 200, "bulk_job_info.json", true); // §5
        assertShape(client.get(V + "/limits"), 200, "limits.json", false); // §2.7
        client.create("Contact", Map.of("LastName", "A", "Email", "a@example.com"));
        assertShape(client.post(sobject("Contact"), Map.of("LastName", "B", "Email", "a@example.com")), 400,
                "duplicates_detected.json", true); // §2.12
        assertShape(client.post(sobject("Low_Ink__e"), Map.of("Printer_Model__c", "XZO-5")), 201,
                "platform_event.json", true); // §4.7
        assertShape(client.post(V + "/composite/tree/Account",
                "{\"records\":[{\"attributes\":{\"type\":\"Account\",\"referenceId\":\"ref1\"},\"Name\":\"A\"}]}"),
                201, "tree_response.json", true); // §2.11
    }

    private static void assertShape(SandboxClient.Response response, int status, String fixture, boolean exactKeys) {
        assertThat(response.status()).as(fixture + ": " + response.text()).isEqualTo(status);
        assertThat(response.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
        assertShapeOf(load(fixture), response.json(), "$", exactKeys);
    }

    /** Same JSON types and field names; arrays: every element shaped like the fixture's first one. */
    private static void assertShapeOf(JsonNode expected, JsonNode actual, String path, boolean exactKeys) {
        if (expected.isNull()) {
            return;
        }
        assertThat(actual.getNodeType()).as(path).isEqualTo(expected.getNodeType());
        if (expected.isObject()) {
            Iterator<String> names = expected.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!actual.has(name)) {
                    fail(path + "." + name + " is missing in " + actual);
                }
                assertShapeOf(expected.get(name), actual.get(name), path + "." + name, exactKeys);
            }
            if (exactKeys) {
                assertThat(((ObjectNode) actual).properties()).as(path + " keys")
                        .extracting(Map.Entry::getKey).containsExactlyInAnyOrderElementsOf(
                                ((ObjectNode) expected).properties().stream().map(Map.Entry::getKey).toList());
            }
        } else if (expected.isArray() && !expected.isEmpty()) {
            assertThat(actual).as(path).isNotEmpty();
            for (int i = 0; i < actual.size(); i++) {
                assertShapeOf(expected.get(Math.min(i, expected.size() - 1)), actual.get(i), path + "[" + i + "]",
                        exactKeys);
            }
        }
    }

    private static JsonNode load(String fixture) {
        try (InputStream in = FixtureShapeTest.class.getResourceAsStream("/salesforce/fixtures/" + fixture)) {
            return SandboxClient.JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
