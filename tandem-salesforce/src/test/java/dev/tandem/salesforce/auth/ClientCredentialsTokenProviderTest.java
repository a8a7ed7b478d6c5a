package dev.tandem.salesforce.auth;

import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.testing.FakeHttpServer;
import dev.tandem.salesforce.testing.FakeSalesforce;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ClientCredentialsTokenProviderTest {

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final CountDownLatch release = new CountDownLatch(1);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        release.countDown();
        http.close();
        salesforce.close();
    }

    private ClientCredentialsTokenProvider provider(SalesforceConfig config) {
        return new ClientCredentialsTokenProvider(config, http);
    }

    private ClientCredentialsTokenProvider provider() {
        return provider(salesforce.config());
    }

    private void tokenEndpointAnswers(int status, String body) {
        salesforce.http().on("POST", FakeSalesforce.TOKEN_PATH, r -> FakeHttpServer.Response.json(status, body));
    }

    @Test
    void sendsClientIdAndSecretAsHttpBasicAndTheGrantTypeInTheForm() {
        provider().token();

        FakeHttpServer.Request request = salesforce.http().requests("POST", FakeSalesforce.TOKEN_PATH).getFirst();
        String basic = request.header("Authorization");
        assertThat(basic).startsWith("Basic ");
        assertThat(new String(Base64.getDecoder().decode(basic.substring(6)), StandardCharsets.UTF_8))
                .isEqualTo(FakeSalesforce.CLIENT_ID + ":" + FakeSalesforce.CLIENT_SECRET);
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        assertThat(request.body()).isEqualTo("grant_type=client_credentials");
    }

    @Test
    void readsTokenInstanceUrlIdentityAndIssueTimeFromTheResponse() {
        AccessToken token = provider().token();

        assertThat(token.value()).isEqualTo(FakeSalesforce.token(1));
        assertThat(token.instanceUrl()).isEqualTo(salesforce.http().baseUrl());
        assertThat(token.identityUrl()).endsWith("/id/" + FakeSalesforce.ORG_ID + "/005000000000001AAA");
        assertThat(token.issuedAt()).isEqualTo(Instant.ofEpochMilli(1278448832702L));
    }

    @Test
    void tokenToStringDoesNotRevealTheToken() {
        assertThat(provider().token().toString()).doesNotContain("token-1").contains("<redacted>");
    }

    @Test
    void reusesTheCachedTokenUntilInvalidated() {
        ClientCredentialsTokenProvider provider = provider();

        AccessToken first = provider.token();
        AccessToken again = provider.token();

        assertThat(again).isSameAs(first);
        assertThat(salesforce.tokensIssued()).isEqualTo(1);
    }

    @Test
    void invalidatingTheCurrentTokenMakesTheNextCallObtainANewOne() {
        ClientCredentialsTokenProvider provider = provider();
        AccessToken first = provider.token();

        provider.invalidate(first);

        assertThat(provider.token().value()).isEqualTo(FakeSalesforce.token(2));
    }

    @Test
    void invalidatingAnAlreadyReplacedTokenKeepsTheNewOne() {
        ClientCredentialsTokenProvider provider = provider();
        AccessToken first = provider.token();
        provider.invalidate(first);
        AccessToken second = provider.token();

        provider.invalidate(first);

        assertThat(provider.token()).isSameAs(second);
        assertThat(salesforce.tokensIssued()).isEqualTo(2);
    }

    @Test
    void concurrentCallersShareOneTokenRequest() throws Exception {
        salesforce.http().on("POST", FakeSalesforce.TOKEN_PATH, r -> {
            release.await(10, TimeUnit.SECONDS);
            return FakeHttpServer.Response.json(200, """
                    {"access_token":"00D000000000001AAA!shared","instance_url":"%s","id":"x","issued_at":"1"}"""
                    .formatted(salesforce.http().baseUrl()));
        });
        ClientCredentialsTokenProvider provider = provider();
        List<Future<AccessToken>> callers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                callers.add(threads.submit(provider::token));
            }
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> salesforce.http().requests("POST", FakeSalesforce.TOKEN_PATH).size() == 1);
            release.countDown();
            for (Future<AccessToken> caller : callers) {
                assertThat(caller.get(5, TimeUnit.SECONDS).value()).isEqualTo("00D000000000001AAA!shared");
            }
        }
        assertThat(salesforce.http().requests("POST", FakeSalesforce.TOKEN_PATH)).hasSize(1);
    }

    @Test
    void oauthRefusalIsPermanentWithTheErrorAsCodeAndTheDescriptionInTheMessage() {
        tokenEndpointAnswers(400, "{\"error\":\"invalid_client_id\",\"error_description\":\"client identifier invalid\"}");

        assertThatThrownBy(() -> provider().token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.system()).isEqualTo("salesforce");
                    assertThat(e.errorCode()).isEqualTo("invalid_client_id");
                    assertThat(e.getMessage()).contains("invalid_client_id: client identifier invalid")
                            .doesNotContain(FakeSalesforce.CLIENT_SECRET);
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void invalidGrantIsPermanent() {
        tokenEndpointAnswers(400, "{\"error\":\"invalid_grant\",\"error_description\":\"authentication failure - Invalid Password\"}");

        assertThatThrownBy(() -> provider().token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("invalid_grant");
                    assertThat(e.retryable()).isFalse();
                });
    }

    @Test
    void tokenEndpointServerErrorIsRetryable() {
        tokenEndpointAnswers(503, "<html>maintenance</html>");

        assertThatThrownBy(() -> provider().token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("HTTP_503");
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void tokenEndpointTimeoutIsRetryable() {
        salesforce.http().on("POST", FakeSalesforce.TOKEN_PATH, r -> {
            release.await(10, TimeUnit.SECONDS);
            return FakeHttpServer.Response.json(200, "{}");
        });
        SalesforceConfig config = salesforce.config().withRequestTimeout(Duration.ofMillis(300));

        assertThatThrownBy(() -> provider(config).token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("TIMEOUT");
                    assertThat(e.httpStatus()).isZero();
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void unreachableTokenEndpointIsRetryable() {
        URI closed;
        try (FakeHttpServer gone = new FakeHttpServer()) {
            closed = URI.create(gone.baseUrl() + FakeSalesforce.TOKEN_PATH);
        }
        SalesforceConfig config = SalesforceConfig.of(closed, FakeSalesforce.CLIENT_ID, FakeSalesforce.CLIENT_SECRET);

        assertThatThrownBy(() -> provider(config).token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("IO_ERROR");
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void tokenResponseWithoutInstanceUrlIsRejected() {
        tokenEndpointAnswers(200, "{\"access_token\":\"00D!x\"}");

        assertThatThrownBy(() -> provider().token())
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALID_TOKEN_RESPONSE");
                    assertThat(e.getMessage()).doesNotContain("00D!x");
                });
    }
}
