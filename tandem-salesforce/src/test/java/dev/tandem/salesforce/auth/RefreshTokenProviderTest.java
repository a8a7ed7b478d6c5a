package dev.tandem.salesforce.auth;

import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.testing.FakeHttpServer;
import dev.tandem.salesforce.testing.FakeSalesforce;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RefreshTokenProviderTest {

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        http.close();
        salesforce.close();
    }

    private FakeHttpServer.Request tokenRequest() {
        return salesforce.http().requests("POST", FakeSalesforce.TOKEN_PATH).getFirst();
    }

    @Test
    void sendsTheRefreshTokenAndClientCredentialsAsFormFields() {
        SalesforceConfig config = salesforce.config()
                .withAuth(AuthConfig.refreshToken("5Aep861.refresh/token", ClientAuthStyle.FORM));

        new RefreshTokenProvider(config, http).token();

        assertThat(tokenRequest().body()).isEqualTo("grant_type=refresh_token&refresh_token=5Aep861.refresh%2Ftoken"
                + "&client_id=" + FakeSalesforce.CLIENT_ID + "&client_secret=" + FakeSalesforce.CLIENT_SECRET);
        assertThat(tokenRequest().header("Authorization")).isNull();
    }

    @Test
    void canSendTheClientCredentialsAsHttpBasic() {
        SalesforceConfig config = salesforce.config()
                .withAuth(AuthConfig.refreshToken("rt", ClientAuthStyle.BASIC));

        new RefreshTokenProvider(config, http).token();

        assertThat(tokenRequest().header("Authorization")).startsWith("Basic ");
        assertThat(tokenRequest().body()).isEqualTo("grant_type=refresh_token&refresh_token=rt");
    }

    @Test
    void anExpiredRefreshTokenIsAPermanentInvalidGrant() {
        salesforce.http().on("POST", FakeSalesforce.TOKEN_PATH, r -> FakeHttpServer.Response.json(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}"));
        SalesforceConfig config = salesforce.config().withAuth(AuthConfig.refreshToken("rt", null));

        assertThatThrownBy(() -> new RefreshTokenProvider(config, http).token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).endsWith("invalid_grant: expired access/refresh token");
                });
    }

    @Test
    void theConfigRedactsTheRefreshToken() {
        assertThat(salesforce.config().withAuth(AuthConfig.refreshToken("very-secret-rt", null)).toString())
                .doesNotContain("very-secret-rt");
    }

    @Test
    void clientCredentialsCanUseFormFields() {
        SalesforceConfig config = salesforce.config().withAuth(AuthConfig.clientCredentials(ClientAuthStyle.FORM));

        AccessTokenProviders.forConfig(config, http).token();

        assertThat(tokenRequest().body()).isEqualTo("grant_type=client_credentials&client_id="
                + FakeSalesforce.CLIENT_ID + "&client_secret=" + FakeSalesforce.CLIENT_SECRET);
    }
}
