package dev.tandem.salesforce.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.client.ErrorClassifier;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 JWT bearer flow (salesforce-api.md §1.3): an RS256 assertion {@code iss}=consumer key,
 * {@code sub}=username, {@code aud}=login URL, {@code exp}=now+3 min, signed with the private key whose certificate
 * was uploaded to the connected app, is exchanged for an access token. No secret and no refresh token: a new
 * assertion is signed for every token request. The key is loaded once, at construction, so a bad key fails at
 * startup rather than at the first sync.
 */
public final class JwtBearerTokenProvider extends CachingTokenProvider {

    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** §1.3: simple-salesforce and restforce both use now + 3 minutes; Salesforce allows 3 minutes of clock skew. */
    public static final Duration ASSERTION_LIFETIME = Duration.ofMinutes(3);

    private final SalesforceConfig config;
    private final TokenEndpoint endpoint;
    private final Clock clock;
    private final RSASSASigner signer;
    private final String audience;

    public JwtBearerTokenProvider(SalesforceConfig config, HttpClient http) {
        this(config, http, Clock.systemUTC());
    }

    public JwtBearerTokenProvider(SalesforceConfig config, HttpClient http, Clock clock) {
        this(config, http, clock, loadKey(config.auth()));
    }

    /** With a key already in memory (e.g. from a secrets manager). */
    public JwtBearerTokenProvider(SalesforceConfig config, HttpClient http, Clock clock, RSAPrivateKey key) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.auth().flow() != OAuthFlow.JWT_BEARER) {
            throw new IllegalArgumentException("JwtBearerTokenProvider needs an auth config of flow JWT_BEARER, got "
                    + config.auth().flow());
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.endpoint = new TokenEndpoint(config, http, clock);
        this.signer = new RSASSASigner(Objects.requireNonNull(key, "key"));
        URI aud = config.auth().audience();
        this.audience = aud != null ? stripSlash(aud.toString()) : origin(config.tokenUrl());
    }

    /** The signed assertion for a token request made now; visible for tests of the claims. */
    public String assertion() {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(config.clientId())
                .subject(config.auth().username())
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "JWT_SIGNING_FAILED",
                    "Could not sign the JWT bearer assertion: " + e.getMessage(), 0);
        }
        return jwt.serialize();
    }

    @Override
    protected AccessToken requestToken() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("assertion", assertion());
        return endpoint.post(form, null);
    }

    private static RSAPrivateKey loadKey(AuthConfig auth) {
        if (auth.flow() != OAuthFlow.JWT_BEARER) {
            throw new IllegalArgumentException("JwtBearerTokenProvider needs an auth config of flow JWT_BEARER, got "
                    + auth.flow());
        }
        return auth.privateKeyPath() != null
                ? SigningKeys.fromPem(auth.privateKeyPath())
                : SigningKeys.fromKeystore(auth.keystorePath(), auth.keystorePassword(), auth.keyAlias(),
                auth.keyPassword());
    }

    private static String origin(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    private static String stripSlash(String value) {
        return value.endsWith("/") ? value.substring(0, value.length() - 1) : value;
    }
}
