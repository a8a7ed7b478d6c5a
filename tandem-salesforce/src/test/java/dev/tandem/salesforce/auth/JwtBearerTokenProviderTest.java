package dev.tandem.salesforce.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.testing.FakeHttpServer;
import dev.tandem.salesforce.testing.FakeSalesforce;
import dev.tandem.salesforce.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtBearerTokenProviderTest {

    private static final KeyPair KEYS = TestKeys.rsa(2048);
    private static final Instant NOW = Instant.parse("2025-03-01T10:00:00Z");

    @TempDir
    Path dir;

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        http.close();
        salesforce.close();
    }

    private SalesforceConfig config(URI audience) throws Exception {
        return salesforce.config().withAuth(
                AuthConfig.jwtBearerWithPemKey("integration@example.com", audience, TestKeys.writePkcs8Pem(dir, KEYS)));
    }

    private static Map<String, String> form(String body) {
        return Arrays.stream(body.split("&")).map(p -> p.split("=", 2)).collect(Collectors.toMap(
                p -> p[0], p -> URLDecoder.decode(p[1], StandardCharsets.UTF_8)));
    }

    @Test
    void postsAnRs256AssertionWithTheSalesforceClaims() throws Exception {
        JwtBearerTokenProvider provider = new JwtBearerTokenProvider(
                config(URI.create("https://test.salesforce.com")), http, Clock.fixed(NOW, ZoneOffset.UTC));

        provider.token();

        Map<String, String> form = form(salesforce.http().requests("POST", FakeSalesforce.TOKEN_PATH).getFirst().body());
        assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        SignedJWT jwt = SignedJWT.parse(form.get("assertion"));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) KEYS.getPublic()))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getIssuer()).isEqualTo(FakeSalesforce.CLIENT_ID);
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("integration@example.com");
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("https://test.salesforce.com");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant()).isEqualTo(NOW.plusSeconds(180));
    }

    @Test
    void theAudienceDefaultsToTheOriginOfTheTokenUrl() throws Exception {
        SalesforceConfig config = config(null);
        JwtBearerTokenProvider provider = new JwtBearerTokenProvider(config, http);

        String aud = SignedJWT.parse(provider.assertion()).getJWTClaimsSet().getAudience().getFirst();

        assertThat(aud).isEqualTo(salesforce.http().baseUrl().toString().replaceAll("/$", ""));
    }

    @Test
    void sendsNoClientSecret() throws Exception {
        new JwtBearerTokenProvider(config(null), http).token();

        FakeHttpServer.Request request = salesforce.http().requests("POST", FakeSalesforce.TOKEN_PATH).getFirst();
        assertThat(request.header("Authorization")).isNull();
        assertThat(request.body()).doesNotContain(FakeSalesforce.CLIENT_SECRET);
    }

    @Test
    void anUnapprovedUserIsAPermanentInvalidGrantWithTheDescription() throws Exception {
        salesforce.http().on("POST", FakeSalesforce.TOKEN_PATH, r -> FakeHttpServer.Response.json(400,
                "{\"error\":\"invalid_grant\",\"error_description\":\"user hasn't approved this consumer\"}"));
        JwtBearerTokenProvider provider = new JwtBearerTokenProvider(config(null), http);

        assertThatThrownBy(provider::token).isInstanceOfSatisfying(IntegrationException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("invalid_grant");
            assertThat(e.retryable()).isFalse();
            assertThat(e.getMessage()).endsWith("invalid_grant: user hasn't approved this consumer");
        });
    }

    @Test
    void signsWithAKeyFromAPkcs12Keystore() throws Exception {
        Path store = TestKeys.keytoolPkcs12(dir, "salesforce", "store-pass");
        SalesforceConfig config = salesforce.config().withAuth(AuthConfig.jwtBearerWithKeystore(
                "integration@example.com", null, store, "store-pass", "salesforce", null));

        String assertion = new JwtBearerTokenProvider(config, http).assertion();

        RSAPublicKey publicKey = (RSAPublicKey) TestKeys.certificate(store, "salesforce", "store-pass").getPublicKey();
        assertThat(SignedJWT.parse(assertion).verify(new RSASSAVerifier(publicKey))).isTrue();
    }

    @Test
    void aWrongKeystorePasswordFailsAtConstructionWithoutRevealingIt() throws Exception {
        Path store = TestKeys.keytoolPkcs12(dir, "salesforce", "store-pass");
        SalesforceConfig config = salesforce.config().withAuth(AuthConfig.jwtBearerWithKeystore(
                "integration@example.com", null, store, "wrong-pass", "salesforce", null));

        assertThatThrownBy(() -> new JwtBearerTokenProvider(config, http))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be opened").hasMessageNotContaining("wrong-pass");
    }

    @Test
    void anUnknownKeystoreAliasIsNamed() throws Exception {
        Path store = TestKeys.keytoolPkcs12(dir, "salesforce", "store-pass");
        SalesforceConfig config = salesforce.config().withAuth(AuthConfig.jwtBearerWithKeystore(
                "integration@example.com", null, store, "store-pass", "other", null));

        assertThatThrownBy(() -> new JwtBearerTokenProvider(config, http))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no entry other");
    }

    @Test
    void aPemFileWithoutAKeyIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> SigningKeys.fromPem(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN PRIVATE KEY");
    }

    @Test
    void aCorruptPkcs8KeyIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAAAAAA\n-----END PRIVATE KEY-----\n");

        assertThatThrownBy(() -> SigningKeys.fromPem(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid PKCS#8");
    }

    @Test
    void anEncryptedPemKeyIsRefusedWithAWayOut() throws Exception {
        Path file = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThatThrownBy(() -> SigningKeys.fromPem(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#12 keystore");
    }

    @Test
    void aPkcs1KeyWithoutBouncyCastleExplainsHowToConvertIt() throws Exception {
        Path file = Files.writeString(dir.resolve("rsa.pem"),
                "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(() -> SigningKeys.fromPem(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#1");
    }

    @Test
    void anOversizedKeyFileIsRefusedBeforeReading() throws Exception {
        Path file = Files.write(dir.resolve("huge.pem"), new byte[(int) SigningKeys.MAX_KEY_FILE_BYTES + 1]);

        assertThatThrownBy(() -> SigningKeys.fromPem(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("larger than");
    }

    @Test
    void aShortRsaKeyIsRefused() throws Exception {
        Path file = TestKeys.writePkcs8Pem(dir, TestKeys.rsa(1024));

        assertThatThrownBy(() -> SigningKeys.fromPem(file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
    }

    @Test
    void aMissingKeyFileIsNamed() {
        Path missing = dir.resolve("nope.pem");

        assertThatThrownBy(() -> SigningKeys.fromPem(missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.pem");
    }

    @Test
    void theFlowNeedsAUsernameAndExactlyOneKeySource() {
        assertThatThrownBy(() -> AuthConfig.jwtBearerWithPemKey(" ", null, Path.of("k.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("username");
        assertThatThrownBy(() -> new AuthConfig(OAuthFlow.JWT_BEARER, null, "u", null, Path.of("k.pem"),
                Path.of("k.p12"), "p", "a", null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one");
        assertThat(List.of(OAuthFlow.values())).hasSize(3);
    }
}
