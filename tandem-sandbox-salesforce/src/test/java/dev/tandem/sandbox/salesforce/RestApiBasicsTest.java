package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RestApiBasicsTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.dailyApiLimit(5);
    }

    @Test
    void versionsListNeedsNoSessionAndIsNotMetered() {
        SandboxClient.Response response = client.send("GET", "/services/data/", null, Map.of());

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Sforce-Limit-Info")).isNull();
        JsonNode versions = response.json();
        assertThat(versions.get(0).get("version").asText()).isEqualTo("50.0");
        assertThat(versions.get(versions.size() - 1).get("version").asText()).isEqualTo("66.0");
        assertThat(versions).anySatisfy(v -> {
            assertThat(v.get("label").asText()).isEqualTo("Summer '24");
            assertThat(v.get("url").asText()).isEqualTo("/services/data/v61.0");
        });
        assertThat(sandbox.apiRequestCount()).isZero();
    }

    @Test
    void versionRootListsResourcesIncludingIdentity() {
        JsonNode resources = client.get(V + "/").json();

        assertThat(resources.get("query").asText()).isEqualTo(V + "/query");
        assertThat(resources.get("identity").asText()).endsWith("/id/" + sandbox.orgId() + "/" + sandbox.userId());
    }

    @Test
    void unsupportedVersionIsNotFound() {
        SandboxClient.Response response = client.get("/services/data/v49.0/limits");

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.text()).isEqualTo(
                "[{\"message\":\"The requested resource does not exist\",\"errorCode\":\"NOT_FOUND\"}]");
    }

    @Test
    void everyDataCallCountsAndReportsUsage() {
        client.get(V + "/limits");
        SandboxClient.Response second = client.get(V + "/limits");

        assertThat(second.header("Sforce-Limit-Info")).isEqualTo("api-usage=2/5");
        assertThat(second.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
        assertThat(second.json().get("DailyApiRequests").get("Remaining").asInt()).isEqualTo(3);
    }

    @Test
    void exhaustedAllocationIsRequestLimitExceeded() {
        for (int i = 0; i < 5; i++) {
            assertThat(client.get(V + "/limits").status()).isEqualTo(200);
        }

        SandboxClient.Response response = client.get(V + "/limits");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.text()).isEqualTo(
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");
        assertThat(response.header("Sforce-Limit-Info")).isEqualTo("api-usage=5/5");
    }

    @Test
    void malformedJsonIsJsonParserError() {
        SandboxClient.Response response = client.post(sobject("Account"), "{\"Name\": ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("JSON_PARSER_ERROR");
    }

    @Test
    void wrongMethodIsMethodNotAllowed() {
        SandboxClient.Response response = client.send("PUT", sobject("Account"), "{}",
                Map.of("Authorization", "Bearer " + client.login()));

        assertThat(response.status()).isEqualTo(405);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    @Test
    void unknownResourceIsNotFoundAsJson() {
        SandboxClient.Response response = client.get(V + "/nothing/here");
        SandboxClient.Response outside = client.send("GET", "/favicon.ico", null, Map.of());

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(outside.status()).isEqualTo(404);
        assertThat(outside.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
    }

    @Test
    void describeListsFieldsWithTheirProperties() {
        JsonNode describe = client.get(sobject("Account") + "/describe").json();

        assertThat(describe.get("keyPrefix").asText()).isEqualTo("001");
        assertThat(describe.get("fields")).anySatisfy(f -> {
            assertThat(f.get("name").asText()).isEqualTo("Clarity_Account_Key__c");
            assertThat(f.get("externalId").asBoolean()).isTrue();
            assertThat(f.get("unique").asBoolean()).isTrue();
            assertThat(f.get("length").asInt()).isEqualTo(128);
        });
    }
}
