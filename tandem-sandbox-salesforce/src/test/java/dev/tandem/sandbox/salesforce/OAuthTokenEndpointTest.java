package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OAuthTokenEndpointTest {

    /** A clock the test moves by hand, so token expiry needs no waiting. */
    static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2024-05-01T10:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static {
        TestLogging.quietServerLogs();
    }

    private final ManualClock clock = new ManualClock();
    private SalesforceSandbox sandbox;
    private SandboxClient client;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().clientId("tandem-demo").clientSecret("s3cret").clock(clock)
                .tokenTtl(Duration.ofMinutes(30)).build().start();
        client = new SandboxClient(sandbox);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void clientCredentialsInFormFieldsYieldASignedTokenForTheOrg() throws Exception {
        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=client_credentials&client_id=tandem-demo&client_secret=s3cret", null);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("Content-Type")).isEqualTo("application/json;charset=UTF-8");
        JsonNode body = response.json();
        assertThat(body.get("access_token").asText()).startsWith(sandbox.orgId() + "!");
        assertThat(sandbox.orgId()).hasSize(18).startsWith("00D");
        assertThat(body.get("instance_url").asText()).isEqualTo(sandbox.baseUrl());
        assertThat(body.get("id").asText())
                .isEqualTo(sandbox.baseUrl() + "/id/" + sandbox.orgId() + "/" + sandbox.userId());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("scope").asText()).isEqualTo("api");
        assertThat(body.get("issued_at").asText()).isEqualTo(Long.toString(clock.millis()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getEncoder().encodeToString(mac.doFinal(
                (body.get("id").asText() + body.get("issued_at").asText()).getBytes(StandardCharsets.UTF_8)));
        assertThat(body.get("signature").asText()).isEqualTo(expected);
    }

    @Test
    void clientCredentialsAsHttpBasicAreAccepted() {
        String basic = "Basic " + Base64.getEncoder().encodeToString("tandem-demo:s3cret".getBytes());

        SandboxClient.Response response = client.form(sandbox.tokenUrl(), "grant_type=client_credentials", basic);

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().has("access_token")).isTrue();
    }

    @Test
    void chunkedFormBodyIsAccepted() {
        SandboxClient.Response response = client.sendChunked("/services/oauth2/token",
                "grant_type=client_credentials&client_id=tandem-demo&client_secret=s3cret",
                "application/x-www-form-urlencoded");

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void wrongSecretIsInvalidClient() {
        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=client_credentials&client_id=tandem-demo&client_secret=nope", null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_client");
        assertThat(response.json().get("error_description").asText()).isEqualTo("invalid client credentials");
    }

    @Test
    void unknownClientIsInvalidClientId() {
        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=client_credentials&client_id=someone&client_secret=s3cret", null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_client_id");
    }

    @Test
    void otherGrantTypesAreUnsupportedAndAMissingGrantIsAnInvalidRequest() {
        SandboxClient.Response password = client.form(sandbox.tokenUrl(), "grant_type=password&username=x", null);
        SandboxClient.Response missing = client.form(sandbox.tokenUrl(), "client_id=tandem-demo", null);

        assertThat(password.status()).isEqualTo(400);
        assertThat(password.json().get("error").asText()).isEqualTo("unsupported_grant_type");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).isEqualTo("invalid_request");
        assertThat(missing.json().get("error_description").asText()).isEqualTo("grant type is missing");
    }

    @Test
    void dataCallWithoutTokenIsInvalidSession() {
        SandboxClient.Response response = client.get(SandboxClient.V + "/limits");

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.text()).isEqualTo(
                "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]");
        assertThat(sandbox.apiRequestCount()).isZero();
    }

    @Test
    void revokedTokenIsRejectedUntilTheClientLogsInAgain() {
        client.login();
        assertThat(client.get(SandboxClient.V + "/limits").status()).isEqualTo(200);

        sandbox.faults().revokeTokens();

        assertThat(client.get(SandboxClient.V + "/limits").status()).isEqualTo(401);
        client.login();
        assertThat(client.get(SandboxClient.V + "/limits").status()).isEqualTo(200);
    }

    @Test
    void tokenExpiresAfterItsLifetime() {
        client.login();
        clock.advance(Duration.ofMinutes(29));
        assertThat(client.get(SandboxClient.V + "/limits").status()).isEqualTo(200);

        clock.advance(Duration.ofMinutes(2));

        assertThat(client.get(SandboxClient.V + "/limits").status()).isEqualTo(401);
    }

    @Test
    void identityUrlDescribesTheIntegrationUser() {
        String token = client.login();
        SandboxClient.Response response = client.send("GET", "/id/" + sandbox.orgId() + "/" + sandbox.userId(), null,
                Map.of("Authorization", "Bearer " + token));

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.json().get("organization_id").asText()).isEqualTo(sandbox.orgId());
        assertThat(response.json().get("user_id").asText()).isEqualTo(sandbox.userId());
        assertThat(sandbox.apiRequestCount()).isZero();
    }
}
