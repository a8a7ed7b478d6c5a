package dev.tandem.sandbox.salesforce.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /services/oauth2/token} with three grants: client credentials (spec §1.2; HTTP Basic or
 * {@code client_id}/{@code client_secret} form fields), JWT bearer (§1.3, RS256 assertion verified against the
 * connected app's certificate) and refresh token (§1.4). Responses follow §1.5, errors §1.6. Only the
 * refresh-token grant may be answered with a refresh token — and it is not: Salesforce returns the new access
 * token only.
 */
public final class OAuthTokenEndpoint {

    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    /** A token-endpoint answer: HTTP status and JSON body. */
    public record TokenResponse(int status, ObjectNode body) {
    }

    private final String clientId;
    /** The consumer secret the connected app accepts now; an admin can reset it ({@link #setClientSecret}). */
    private volatile String clientSecret;
    /** The HMAC key of token signatures: the secret the app was created with, kept when the secret is reset. */
    private final String signingKey;
    private final String orgId;
    private final String userId;
    private final AccessTokens tokens;
    private final Clock clock;
    private final Supplier<String> baseUrl;
    private final RefreshTokens refreshTokens;
    private final JwtAssertionVerifier jwt;

    /**
     * @param jwtKey   the public key of the certificate uploaded to the connected app; null disables the JWT grant
     * @param jwtUsers usernames that pre-approved the app and may be the {@code sub} of an assertion
     */
    public OAuthTokenEndpoint(String clientId, String clientSecret, String orgId, String userId, AccessTokens tokens,
            RefreshTokens refreshTokens, PublicKey jwtKey, Set<String> jwtUsers, Clock clock,
            Supplier<String> baseUrl) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.signingKey = clientSecret;
        this.orgId = orgId;
        this.userId = userId;
        this.tokens = tokens;
        this.refreshTokens = refreshTokens;
        this.clock = clock;
        this.baseUrl = baseUrl;
        // The audience is the login URL (§1.3): production, sandbox, or this emulator's own host.
        this.jwt = new JwtAssertionVerifier(clientId, jwtKey, jwtUsers,
                () -> List.of(baseUrl.get(), "https://login.salesforce.com", "https://test.salesforce.com"), clock);
    }

    /**
     * Changes the consumer secret the app accepts, as "Manage Consumer Details → Generate new secret" does in Setup:
     * token requests with the old one answer {@code invalid_client} from now on; issued tokens stay valid.
     */
    public void setClientSecret(String secret) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("a consumer secret is not empty");
        }
        this.clientSecret = secret;
    }

    /**
     * @param params        form fields (and query parameters) of the request
     * @param authorization the Authorization header, possibly {@code Basic base64(id:secret)}
     */
    public TokenResponse token(String method, Map<String, List<String>> params, String authorization) {
        if (!method.equals("POST")) {
            return error("invalid_request", "must use HTTP POST");
        }
        String grantType = first(params, "grant_type");
        if (grantType == null || grantType.isEmpty()) {
            return error("invalid_request", "grant type is missing");
        }
        return switch (grantType) {
            case "client_credentials" -> clientCredentials(params, authorization);
            case JWT_BEARER -> jwtBearer(first(params, "assertion"));
            case "refresh_token" -> refresh(params, authorization);
            default -> error("unsupported_grant_type", "grant type not supported");
        };
    }

    private TokenResponse jwtBearer(String assertion) {
        JwtAssertionVerifier.Result result = jwt.verify(assertion);
        if (result.rejection() != null) {
            return error(result.rejection().error(), result.rejection().description());
        }
        // "The client doesn't need to have or store the refresh_token" — the JWT flow issues none (§1.3).
        return success();
    }

    /** {@code grant_type=refresh_token&client_id&client_secret&refresh_token} (§1.4). */
    private TokenResponse refresh(Map<String, List<String>> params, String authorization) {
        TokenResponse clientError = authenticateClient(params, authorization);
        if (clientError != null) {
            return clientError;
        }
        if (!refreshTokens.isValid(first(params, "refresh_token"))) {
            // Verbatim restforce fixture refresh_error_response.json (§1.4, §1.6).
            return error("invalid_grant", "expired access/refresh token");
        }
        return success();
    }

    private TokenResponse clientCredentials(Map<String, List<String>> params, String authorization) {
        TokenResponse clientError = authenticateClient(params, authorization);
        return clientError != null ? clientError : success();
    }

    /** Null when the consumer key and secret match (HTTP Basic or form fields, §1.2), else the OAuth error. */
    private TokenResponse authenticateClient(Map<String, List<String>> params, String authorization) {
        String[] credentials = basicCredentials(authorization);
        String id = credentials != null ? credentials[0] : first(params, "client_id");
        String secret = credentials != null ? credentials[1] : first(params, "client_secret");
        if (id == null || !id.equals(clientId)) {
            return error("invalid_client_id", "client identifier invalid");
        }
        if (secret == null || !MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                clientSecret.getBytes(StandardCharsets.UTF_8))) {
            return error("invalid_client", "invalid client credentials");
        }
        return null;
    }

    private TokenResponse success() {
        String issuedAt = Long.toString(clock.millis());
        String identity = identityUrl();
        ObjectNode body = Json.object();
        body.put("access_token", tokens.issue());
        body.put("signature", signature(identity + issuedAt));
        body.put("scope", "api");
        body.put("instance_url", baseUrl.get());
        body.put("id", identity);
        body.put("token_type", "Bearer");
        body.put("issued_at", issuedAt);
        return new TokenResponse(200, body);
    }

    /** Issues a refresh token for this connected app (what the one-time interactive consent would yield). */
    public String issueRefreshToken() {
        return refreshTokens.issue();
    }

    /** {@code /services/oauth2/revoke} accepts access and refresh tokens alike. */
    public void revoke(String token) {
        tokens.revoke(token);
        refreshTokens.revoke(token);
    }

    public String identityUrl() {
        return baseUrl.get() + "/id/" + orgId + "/" + userId;
    }

    /** Base64 HMAC-SHA256 of {@code id + issued_at} keyed with the consumer secret (spec §1.5). */
    private String signature(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return new String[] {"", ""};
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? new String[] {decoded, ""}
                : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> values = params.get(name);
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    /** OAuth errors are a 400 with {@code {error, error_description}} (spec §1.6). */
    private static TokenResponse error(String error, String description) {
        ObjectNode body = Json.object();
        body.put("error", error);
        body.put("error_description", description);
        return new TokenResponse(400, body);
    }
}
