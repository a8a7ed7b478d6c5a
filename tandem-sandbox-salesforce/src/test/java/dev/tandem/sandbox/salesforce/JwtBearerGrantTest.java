package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.auth.JwtKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWT bearer grant (spec §1.3) with the errors of §1.6. */
class JwtBearerGrantTest {

    static {
        TestLogging.quietServerLogs();
    }

    private static final String CLIENT_ID = "3MVG9-tandem-consumer-key";
    private static final String USER = "sync@acme.example";

    private final OAuthTokenEndpointTest.ManualClock clock = new OAuthTokenEndpointTest.ManualClock();
    private SalesforceSandbox sandbox;
    private SandboxClient client;
    private PrivateKey appKey;

    @BeforeEach
    void start() throws Exception {
        X509Certificate certificate;
        try (InputStream in = resource("connected-app.crt")) {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        appKey = privateKey();
        sandbox = SalesforceSandbox.builder().clientId(CLIENT_ID).clientSecret("secret").user(USER)
                .jwtCertificate(certificate).clock(clock).build().start();
        client = new SandboxClient(sandbox);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void validAssertionYieldsAWorkingAccessTokenAndNoRefreshToken() {
        SandboxClient.Response response = exchange(sign(claims(), appKey));

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("access_token").asText()).startsWith(sandbox.orgId() + "!");
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("instance_url").asText()).isEqualTo(sandbox.baseUrl());
        assertThat(body.has("refresh_token")).isFalse();
        SandboxClient.Response data = client.send("GET", SandboxClient.V + "/limits", null,
                Map.of("Authorization", "Bearer " + body.get("access_token").asText()));
        assertThat(data.status()).isEqualTo(200);
    }

    @Test
    void identityOfAJwtTokenIsTheConfiguredUser() {
        String token = exchange(sign(claims(), appKey)).json().get("access_token").asText();

        SandboxClient.Response identity = client.send("GET", "/id/" + sandbox.orgId() + "/" + sandbox.userId(), null,
                Map.of("Authorization", "Bearer " + token));

        assertThat(identity.json().get("username").asText()).isEqualTo(USER);
        assertThat(sandbox.username()).isEqualTo(USER);
    }

    @Test
    void productionAndSandboxLoginUrlsAndTheSandboxHostAreAcceptedAudiences() {
        for (String audience : new String[] {"https://login.salesforce.com", "https://test.salesforce.com",
                sandbox.baseUrl()}) {
            ObjectNode claims = claims();
            claims.put("aud", audience);

            assertThat(exchange(sign(claims, appKey)).status()).as(audience).isEqualTo(200);
        }
    }

    @Test
    void expiryGivenAsANumericStringAsInTheHelpPageIsAccepted() {
        ObjectNode claims = claims();
        claims.put("exp", Long.toString(clock.instant().getEpochSecond() + 180));

        assertThat(exchange(sign(claims, appKey)).status()).isEqualTo(200);
    }

    @Test
    void assertionSignedByAnotherKeyIsAnInvalidAssertion() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair stranger = generator.generateKeyPair();

        assertError(exchange(sign(claims(), stranger.getPrivate())), "invalid_grant", "invalid assertion");
    }

    @Test
    void tamperedClaimsAreAnInvalidAssertion() {
        String[] parts = sign(claims(), appKey).split("\\.");
        ObjectNode forged = claims();
        forged.put("sub", "admin@acme.example");
        String tampered = parts[0] + "." + base64(forged.toString()) + "." + parts[2];

        assertError(exchange(tampered), "invalid_grant", "invalid assertion");
    }

    @Test
    void unsignedAndMalformedAssertionsAreInvalidAssertions() {
        String none = base64("{\"alg\":\"none\"}") + "." + base64(claims().toString()) + ".";

        assertError(exchange(none), "invalid_grant", "invalid assertion");
        assertError(exchange("not-a-jwt"), "invalid_grant", "invalid assertion");
        assertError(exchange("a.b.c"), "invalid_grant", "invalid assertion");
        assertError(exchange("x".repeat(20_000)), "invalid_grant", "invalid assertion");
    }

    @Test
    void unknownConsumerKeyIsAnInvalidClientId() {
        ObjectNode claims = claims();
        claims.put("iss", "someone-else");

        assertError(exchange(sign(claims, appKey)), "invalid_client_id", "client identifier invalid");
    }

    @Test
    void wrongAudienceIsRefused() {
        ObjectNode claims = claims();
        claims.put("aud", "https://evil.example.com");

        assertError(exchange(sign(claims, appKey)), "invalid_grant", "audience is invalid");
    }

    @Test
    void expiredAssertionIsRefusedOnceTheThreeMinuteSkewHasPassed() {
        ObjectNode claims = claims();
        claims.put("exp", clock.instant().getEpochSecond() - 120);
        assertThat(exchange(sign(claims, appKey)).status()).isEqualTo(200);

        claims.put("exp", clock.instant().minus(Duration.ofMinutes(3)).getEpochSecond());

        assertError(exchange(sign(claims, appKey)), "invalid_grant", "expired authorization code");
    }

    @Test
    void unknownUserHasNotApprovedTheConsumer() {
        ObjectNode claims = claims();
        claims.put("sub", "stranger@acme.example");

        assertError(exchange(sign(claims, appKey)), "invalid_grant", "user hasn't approved this consumer");
    }

    @Test
    void withoutAConfiguredCertificateEveryAssertionIsRefused() {
        try (SalesforceSandbox plain = SalesforceSandbox.builder().clientId(CLIENT_ID).user(USER).clock(clock)
                .build().start()) {
            SandboxClient other = new SandboxClient(plain);

            SandboxClient.Response response = other.form(plain.tokenUrl(), "grant_type="
                    + enc("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + sign(claims(), appKey),
                    null);

            assertError(response, "invalid_grant", "invalid assertion");
        }
    }

    @Test
    void publicKeyFromAPemCertificateFileVerifiesAssertions() throws Exception {
        RSAPublicKey key = (RSAPublicKey) JwtKeys.fromPem(Path.of(getClass()
                .getResource("/salesforce/jwt/connected-app.crt").toURI()));
        try (SalesforceSandbox other = SalesforceSandbox.builder().clientId(CLIENT_ID).user(USER).clock(clock)
                .jwtPublicKey(key).build().start()) {
            SandboxClient otherClient = new SandboxClient(other);

            SandboxClient.Response response = otherClient.form(other.tokenUrl(), "grant_type="
                    + enc("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + sign(claims(), appKey),
                    null);

            assertThat(response.status()).isEqualTo(200);
        }
    }

    private ObjectNode claims() {
        ObjectNode claims = SandboxClient.object();
        claims.put("iss", CLIENT_ID);
        claims.put("sub", USER);
        claims.put("aud", "https://login.salesforce.com");
        claims.put("exp", clock.instant().plus(Duration.ofMinutes(3)).getEpochSecond());
        return claims;
    }

    private SandboxClient.Response exchange(String assertion) {
        return client.form(sandbox.tokenUrl(), "grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer")
                + "&assertion=" + enc(assertion), null);
    }

    private static void assertError(SandboxClient.Response response, String error, String description) {
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get("error").asText()).isEqualTo(error);
        assertThat(response.json().get("error_description").asText()).isEqualTo(description);
    }

    /** RS256 compact JWS, built with the JDK so the test shares no code with any Tandem JWT client. */
    private static String sign(ObjectNode claims, PrivateKey key) {
        String input = base64("{\"alg\":\"RS256\"}") + "." + base64(claims.toString());
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private InputStream resource(String name) {
        return getClass().getResourceAsStream("/salesforce/jwt/" + name);
    }

    private PrivateKey privateKey() throws IOException, GeneralSecurityException, URISyntaxException {
        String pem;
        try (InputStream in = resource("connected-app.pk8.pem")) {
            pem = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(
                Base64.getMimeDecoder().decode(base64)));
    }
}
