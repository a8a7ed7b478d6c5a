package dev.tandem.salesforce;

import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.auth.AccessToken;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.auth.AuthConfig;
import dev.tandem.salesforce.auth.ClientAuthStyle;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.testing.TestKeys;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every OAuth flow of the connector against the sandbox's token endpoint (salesforce-api.md §1.2-§1.7). */
class AuthContractTest {

    private static final String USER = "integration@tandem.example";
    private static final KeyPair KEYS = TestKeys.rsa(2048);

    private static SalesforceSandbox sandbox;
    private static HttpClient http;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.builder().port(0).user(USER).jwtPublicKey((RSAPublicKey) KEYS.getPublic())
                .build().start();
        http = HttpClient.newHttpClient();
    }

    @AfterEach
    void reset() {
        sandbox.faults().clear();
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        http.close();
        sandbox.close();
    }

    private static SalesforceConfig config(AuthConfig auth) {
        return SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(), sandbox.clientSecret(), auth);
    }

    @Test
    void jwtBearerObtainsATokenThatTheDataApiAccepts() throws Exception {
        SalesforceConfig config = config(AuthConfig.jwtBearerWithPemKey(USER, null, TestKeys.writePkcs8Pem(dir, KEYS)));

        try (SalesforceRestClient client = SalesforceRestClient.create(config, new SimpleMeterRegistry())) {
            assertThat(client.query("SELECT Id FROM Account")).isEmpty();
        }
    }

    @Test
    void jwtBearerWithTheProductionLoginAudienceIsAccepted() throws Exception {
        SalesforceConfig config = config(AuthConfig.jwtBearerWithPemKey(USER,
                URI.create("https://login.salesforce.com"), TestKeys.writePkcs8Pem(dir, KEYS)));

        AccessToken token = AccessTokenProviders.forConfig(config, http).token();

        assertThat(token.instanceUrl()).isEqualTo(URI.create(sandbox.baseUrl()));
    }

    @Test
    void jwtBearerSignedWithAnotherKeyIsRefusedPermanently() throws Exception {
        SalesforceConfig config = config(AuthConfig.jwtBearerWithPemKey(USER, null,
                TestKeys.writePkcs8Pem(dir, TestKeys.rsa(2048))));

        assertThatThrownBy(() -> AccessTokenProviders.forConfig(config, http).token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.getMessage()).contains(e.errorCode() + ": ");
                });
    }

    @Test
    void jwtBearerForAUserWhoDidNotApproveTheAppIsInvalidGrant() throws Exception {
        SalesforceConfig config = config(AuthConfig.jwtBearerWithPemKey("stranger@example.com", null,
                TestKeys.writePkcs8Pem(dir, KEYS)));

        assertThatThrownBy(() -> AccessTokenProviders.forConfig(config, http).token())
                .isInstanceOfSatisfying(IntegrationException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("invalid_grant"));
    }

    @Test
    void refreshTokenFlowObtainsATokenThatTheDataApiAccepts() {
        SalesforceConfig config = config(AuthConfig.refreshToken(sandbox.issueRefreshToken(), ClientAuthStyle.FORM));

        try (SalesforceRestClient client = SalesforceRestClient.create(config, new SimpleMeterRegistry())) {
            assertThat(client.query("SELECT Id FROM Account")).isEmpty();
        }
    }

    @Test
    void anUnknownRefreshTokenIsInvalidGrant() {
        SalesforceConfig config = config(AuthConfig.refreshToken("5Aep-not-issued", ClientAuthStyle.BASIC));

        assertThatThrownBy(() -> AccessTokenProviders.forConfig(config, http).token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("invalid_grant");
                    assertThat(e.getMessage()).doesNotContain("5Aep-not-issued");
                });
    }

    @Test
    void clientCredentialsWorkAsFormFieldsToo() {
        AccessTokenProvider provider = AccessTokenProviders.forConfig(
                config(AuthConfig.clientCredentials(ClientAuthStyle.FORM)), http);

        assertThat(provider.token().value()).startsWith(sandbox.orgId().substring(0, 15));
    }

    @Test
    void revokedTokensAreReplacedOnceAndTheCallSucceeds() {
        try (SalesforceRestClient client = SalesforceRestClient.create(
                config(AuthConfig.clientCredentials()), new SimpleMeterRegistry())) {
            client.query("SELECT Id FROM Account");
            sandbox.faults().revokeTokens();

            assertThat(client.query("SELECT Id FROM Account")).isEmpty();
        }
    }
}
