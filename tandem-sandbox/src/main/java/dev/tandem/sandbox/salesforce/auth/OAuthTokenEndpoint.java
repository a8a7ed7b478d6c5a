package dev.tandem.sandbox.salesforce.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code POST /services/oauth2/token}, client-credentials grant (spec §1.2): the client authenticates with HTTP
 * Basic or with {@code client_id}/{@code client_secret} form fields; the response follows §1.5 and errors §1.6.
 */
public final class OAuthTokenEndpoint {

    /** A token-endpoint answer: HTTP status and JSON body. */
    public record TokenResponse(int status, ObjectNode body) {
    }

    private final String clientId;
    private final String clientSecret;
    private final String orgId;
    private final String userId;
    private final AccessTokens tokens;
    private final Clock clock;
    private final Supplier<String> baseUrl;

    public OAuthTokenEndpoint(String clientId, String clientSecret, String orgId, String userId, AccessTokens tokens,
            Clock clock, Supplier<String> baseUrl) {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.orgId = orgId;
        this.userId = userId;
        this.tokens = tokens;
        this.clock = clock;
        this.baseUrl = baseUrl;
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
        if (!grantType.equals("client_credentials")) {
            return error("unsupported_grant_type", "grant type not supported");
        }
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

    public String identityUrl() {
        return baseUrl.get() + "/id/" + orgId + "/" + userId;
    }

    /** Base64 HMAC-SHA256 of {@code id + issued_at} keyed with the consumer secret (spec §1.5). */
    private String signature(String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
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
