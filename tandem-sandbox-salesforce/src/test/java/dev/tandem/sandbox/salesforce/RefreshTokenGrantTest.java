package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The refresh-token grant (spec §1.4) and its error of §1.6. */
class RefreshTokenGrantTest {

    static {
        TestLogging.quietServerLogs();
    }

    private SalesforceSandbox sandbox;
    private SandboxClient client;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().clientId("app").clientSecret("s3cret").build().start();
        client = new SandboxClient(sandbox);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void issuedRefreshTokenYieldsANewAccessTokenWithoutANewRefreshToken() {
        String refresh = sandbox.issueRefreshToken();

        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=refresh_token&client_id=app&client_secret=s3cret&refresh_token=" + refresh, null);

        assertThat(response.status()).isEqualTo(200);
        String token = response.json().get("access_token").asText();
        assertThat(token).startsWith(sandbox.orgId() + "!");
        assertThat(response.json().has("refresh_token")).isFalse();
        assertThat(client.send("GET", SandboxClient.V + "/limits", null, Map.of("Authorization", "Bearer " + token))
                .status()).isEqualTo(200);
    }

    @Test
    void refreshTokenStillWorksAfterAccessTokensAreRevoked() {
        String refresh = sandbox.issueRefreshToken();
        sandbox.faults().revokeTokens();

        SandboxClient.Response response = client.form(sandbox.tokenUrl(), "grant_type=refresh_token&refresh_token="
                + refresh, "Basic " + Base64.getEncoder().encodeToString("app:s3cret".getBytes()));

        assertThat(response.status()).isEqualTo(200);
    }

    @Test
    void unknownRefreshTokenIsExpired() {
        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=refresh_token&client_id=app&client_secret=s3cret&refresh_token=5Aep-made-up", null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.text()).isEqualTo(
                "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}");
    }

    @Test
    void revokedRefreshTokenIsExpired() {
        String refresh = sandbox.issueRefreshToken();
        assertThat(client.form(sandbox.baseUrl() + "/services/oauth2/revoke", "token=" + refresh, null).status())
                .isEqualTo(200);

        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=refresh_token&client_id=app&client_secret=s3cret&refresh_token=" + refresh, null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error_description").asText()).isEqualTo("expired access/refresh token");
    }

    @Test
    void refreshWithAWrongSecretIsAnInvalidClient() {
        String refresh = sandbox.issueRefreshToken();

        SandboxClient.Response response = client.form(sandbox.tokenUrl(),
                "grant_type=refresh_token&client_id=app&client_secret=wrong&refresh_token=" + refresh, null);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void controlApiIssuesRefreshTokens() {
        SandboxClient.Response issued = client.send("POST", "/_sandbox/refresh-tokens", null, Map.of());

        assertThat(issued.status()).isEqualTo(200);
        String refresh = issued.json().get("refresh_token").asText();
        assertThat(client.form(sandbox.tokenUrl(),
                "grant_type=refresh_token&client_id=app&client_secret=s3cret&refresh_token=" + refresh, null)
                .status()).isEqualTo(200);
    }
}
