package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FaultInjectionTest extends SandboxTestSupport {

    @Test
    void serverErrorRateOfOneAnswers503AndStillCounts() {
        sandbox.faults().setServerErrorRate(1.0);

        SandboxClient.Response response = client.post(sobject("Account"), Map.of("Name", "Acme"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("SERVER_UNAVAILABLE");
        assertThat(response.header("Sforce-Limit-Info")).isEqualTo("api-usage=1/100000");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void lockErrorsFailWritesWithUnableToLockRowButNotReads() {
        String id = account("A-1");
        sandbox.faults().setLockErrorRate(1.0);

        SandboxClient.Response write = client.patch(sobject("Account") + "/" + id, Map.of("Name", "Changed"));
        SandboxClient.Response read = client.get(sobject("Account") + "/" + id);

        assertThat(write.status()).isEqualTo(400);
        assertThat(write.text()).isEqualTo("[{\"message\":\"unable to obtain exclusive access to this record or 1"
                + " records: " + id + "\",\"errorCode\":\"UNABLE_TO_LOCK_ROW\",\"fields\":[]}]");
        assertThat(read.status()).isEqualTo(200);
        assertThat(sandbox.record("Account", id).orElseThrow()).containsEntry("Name", "Account A-1");
    }

    @Test
    void lockErrorFailsAWholeGraphOnItsFirstWrite() {
        sandbox.faults().setLockErrorRate(1.0);

        JsonNode graph = client.post(V + "/composite/graph", CompositeGraphTest.graphs(CompositeGraphTest.graph("g",
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "a", Map.of("Name", "One")),
                CompositeGraphTest.node("POST", V + "/sobjects/Account", "b", Map.of("Name", "Two")))))
                .json().get("graphs").get(0);

        assertThat(graph.get("isSuccessful").asBoolean()).isFalse();
        JsonNode results = graph.get("graphResponse").get("compositeResponse");
        assertThat(results.get(0).get("body").get(0).get("errorCode").asText()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(results.get(1).get("body").get(0).get("errorCode").asText()).isEqualTo("PROCESSING_HALTED");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void partialLockErrorRateFailsSomeWritesAndIsReplayableWithTheSameSeed() {
        String first = lockFailurePattern(sandbox, client);
        String replay;
        try (SalesforceSandbox twin = SalesforceSandbox.builder().randomSeed(42).build().start()) {
            SandboxClient twinClient = new SandboxClient(twin);
            twinClient.login();
            replay = lockFailurePattern(twin, twinClient);
        }

        assertThat(first).contains("x").contains(".");
        assertThat(replay).isEqualTo(first);
        assertThat(sandbox.records("Account")).hasSize((int) first.chars().filter(c -> c == '.').count());
    }

    /** "." for a write that succeeded, "x" for one that failed with UNABLE_TO_LOCK_ROW. */
    private static String lockFailurePattern(SalesforceSandbox org, SandboxClient orgClient) {
        org.faults().setLockErrorRate(0.5);
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            SandboxClient.Response response = orgClient.post(sobject("Account"), Map.of("Name", "A" + i));
            pattern.append(response.status() == 201 ? "." : "x");
        }
        return pattern.toString();
    }

    @Test
    void latencyDelaysDataCalls() {
        sandbox.faults().setLatency(Duration.ofMillis(300));
        long start = System.nanoTime();

        client.get(V + "/limits");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void controlApiSetsFaultsResetsAndReportsStats() {
        account("A-1");
        SandboxClient.Response set = client.send("POST", "/_sandbox/faults",
                "{\"serverErrorRate\":0.05,\"lockErrorRate\":0.02,\"latencyMillis\":0}", Map.of());

        assertThat(set.status()).isEqualTo(200);
        assertThat(sandbox.faults().serverErrorRate()).isEqualTo(0.05);
        assertThat(sandbox.faults().lockErrorRate()).isEqualTo(0.02);
        JsonNode stats = client.send("GET", "/_sandbox/stats", null, Map.of()).json();
        assertThat(stats.get("apiRequests").asLong()).isEqualTo(1);
        assertThat(stats.get("records").get("Account").asInt()).isEqualTo(1);

        // The counts are kept as records come and go: a deleted record leaves them, a failed all-or-none
        // request changes nothing.
        String second = account("A-2");
        assertThat(client.delete(V + "/sobjects/Account/" + second).status()).isEqualTo(204);
        account("A-3");
        assertThat(client.post(V + "/composite/sobjects", Map.of("allOrNone", true, "records", List.of(
                Map.of("attributes", Map.of("type", "Account"), "Name", "ok"),
                Map.of("attributes", Map.of("type", "Account"))))).status()).isEqualTo(200);
        assertThat(client.send("GET", "/_sandbox/stats", null, Map.of()).json().get("records").get("Account")
                .asInt()).isEqualTo(2);
        assertThat(sandbox.records("Account")).hasSize(2);
        assertThat(client.send("POST", "/_sandbox/reset", null, Map.of()).status()).isEqualTo(200);
        assertThat(sandbox.records("Account")).isEmpty();
        assertThat(sandbox.records("Pricebook2")).hasSize(1);

        assertThat(client.send("POST", "/_sandbox/revoke-tokens", null, Map.of()).status()).isEqualTo(204);
        assertThat(client.get(V + "/limits").status()).isEqualTo(401);
    }

    @Test
    void invalidRateIsRejectedByTheControlApi() {
        SandboxClient.Response response = client.send("POST", "/_sandbox/faults", "{\"serverErrorRate\":2}",
                Map.of());

        assertThat(response.status()).isEqualTo(400);
    }

    @Test
    void exhaustLimitMakesDataCallsFailWithRequestLimitExceeded() {
        sandbox.faults().exhaustLimit();

        assertThat(client.get(V + "/limits").status()).isEqualTo(403);
    }

    @Test
    void restoreLimitStartsANewDayOfTheAllocationAndKeepsTheRecords() {
        account("A-1");
        sandbox.faults().exhaustLimit();
        assertThat(client.get(V + "/limits").status()).isEqualTo(403);

        assertThat(client.send("POST", "/_sandbox/restore-limit", null, Map.of()).status()).isEqualTo(204);

        JsonNode limits = client.get(V + "/limits").json();
        assertThat(limits.get("DailyApiRequests").get("Remaining").asLong())
                .isEqualTo(limits.get("DailyApiRequests").get("Max").asLong() - 1);
        assertThat(sandbox.records("Account")).hasSize(1);
    }

    @Test
    void aResetConsumerSecretRefusesTheOldOneWithInvalidClient() {
        String form = "grant_type=client_credentials&client_id=" + sandbox.clientId() + "&client_secret="
                + sandbox.clientSecret();
        assertThat(client.send("POST", "/_sandbox/connected-app", "{\"clientSecret\":\"rotated\"}", Map.of())
                .status()).isEqualTo(204);

        SandboxClient.Response refused = client.form(sandbox.tokenUrl(), form, null);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asText()).isEqualTo("invalid_client");
        assertThat(client.form(sandbox.tokenUrl(), "grant_type=client_credentials&client_id=" + sandbox.clientId()
                + "&client_secret=rotated", null).status()).isEqualTo(200);
        sandbox.setAcceptedClientSecret(sandbox.clientSecret());
    }

    @Test
    void theConnectedAppRefusesAnEmptyOrMissingSecret() {
        assertThat(client.send("POST", "/_sandbox/connected-app", "{\"clientSecret\":\"\"}", Map.of()).status())
                .isEqualTo(400);
        assertThat(client.send("POST", "/_sandbox/connected-app", "{\"clientSecret\":42}", Map.of()).status())
                .isEqualTo(400);
        assertThat(client.send("POST", "/_sandbox/connected-app", "[1,2", Map.of()).status()).isEqualTo(400);
    }
}
