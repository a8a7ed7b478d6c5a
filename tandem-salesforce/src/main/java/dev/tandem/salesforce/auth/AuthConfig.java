package dev.tandem.salesforce.auth;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the connector authenticates (salesforce-api.md §1). Build it with the static factories; the record
 * components that a flow does not use are null. In tandem.yaml this is {@code salesforce.auth.*} ({@link #SPEC}).
 *
 * @param flow             the OAuth flow
 * @param clientAuthStyle  how the consumer key and secret travel (client-credentials and refresh-token flows)
 * @param username         JWT bearer: the {@code sub} claim, the Salesforce username the token runs as
 * @param audience         JWT bearer: the {@code aud} claim ({@code https://login.salesforce.com},
 *                         {@code https://test.salesforce.com} or a My Domain / community URL); null means the origin
 *                         of the configured token URL
 * @param privateKeyPath   JWT bearer: a PEM file holding the RSA private key (PKCS#8 {@code BEGIN PRIVATE KEY})
 * @param keystorePath     JWT bearer: a PKCS#12 or JKS keystore holding the key (instead of a PEM file)
 * @param keystorePassword the keystore's password (never logged)
 * @param keyAlias         the key's alias in the keystore
 * @param keyPassword      the key's own password; null means the keystore password (never logged)
 * @param refreshToken     refresh-token flow: the refresh token (never logged)
 */
public record AuthConfig(OAuthFlow flow, ClientAuthStyle clientAuthStyle, String username, URI audience,
                         Path privateKeyPath, Path keystorePath, String keystorePassword, String keyAlias,
                         String keyPassword, String refreshToken) {

    /** The keys of {@code salesforce.auth}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<OAuthFlow> FLOW = SPEC.define("flow", Type.oneOf(OAuthFlow.class),
            OAuthFlow.CLIENT_CREDENTIALS, "the OAuth 2.0 flow ([salesforce.md](salesforce.md) says how to set up each)");
    private static final ConfigSpec.Key<ClientAuthStyle> CLIENT_AUTH = SPEC.define("clientAuth",
            Type.oneOf(ClientAuthStyle.class), ClientAuthStyle.BASIC,
            "how the client id and secret are sent (HTTP Basic or form fields)");
    private static final ConfigSpec.Key<String> USERNAME = SPEC.optional("username", Type.STRING,
            "required for `jwt_bearer`", "the integration user (the JWT's `sub`)");
    private static final ConfigSpec.Key<URI> AUDIENCE = SPEC.optional("audience", Type.URL, "the token URL's origin",
            "the JWT's `aud`: `https://login.salesforce.com`, `https://test.salesforce.com` or the My Domain URL");
    private static final ConfigSpec.Key<Path> PRIVATE_KEY_FILE = SPEC.optional("privateKeyFile", Type.PATH, "none",
            "PKCS#8 PEM private key (`BEGIN PRIVATE KEY`) that signs the JWT (RS256)");
    private static final ConfigSpec.Key<Path> KEYSTORE = SPEC.optional("keystore", Type.PATH, "none",
            "instead of `privateKeyFile`: a PKCS#12 or JKS keystore holding the key");
    private static final ConfigSpec.Key<String> KEYSTORE_PASSWORD = SPEC.optional("keystorePassword", Type.STRING,
            "none", "the keystore's password (required with `keystore`)");
    private static final ConfigSpec.Key<String> KEY_ALIAS = SPEC.optional("keyAlias", Type.STRING, "none",
            "the key's alias in the keystore (required with `keystore`)");
    private static final ConfigSpec.Key<String> KEY_PASSWORD = SPEC.optional("keyPassword", Type.STRING,
            "the keystore's password", "the key's own password");
    private static final ConfigSpec.Key<String> REFRESH_TOKEN = SPEC.optional("refreshToken", Type.STRING,
            "required for `refresh_token`", "the refresh token; use `${SF_REFRESH_TOKEN}`");

    public AuthConfig {
        Objects.requireNonNull(flow, "flow");
        clientAuthStyle = clientAuthStyle == null ? ClientAuthStyle.BASIC : clientAuthStyle;
        switch (flow) {
            case CLIENT_CREDENTIALS -> {
            }
            case JWT_BEARER -> {
                if (username == null || username.isBlank()) {
                    throw new IllegalArgumentException("the JWT bearer flow needs a username (the sub claim, §1.3)");
                }
                if ((privateKeyPath == null) == (keystorePath == null)) {
                    throw new IllegalArgumentException(
                            "the JWT bearer flow needs exactly one of privateKeyPath or keystorePath");
                }
                if (keystorePath != null && (keyAlias == null || keyAlias.isBlank() || keystorePassword == null)) {
                    throw new IllegalArgumentException("a JWT signing keystore needs keyAlias and keystorePassword");
                }
                if (audience != null && (audience.getScheme() == null || audience.getHost() == null)) {
                    throw new IllegalArgumentException("audience must be an absolute URL, got: " + audience);
                }
            }
            case REFRESH_TOKEN -> {
                if (refreshToken == null || refreshToken.isBlank()) {
                    throw new IllegalArgumentException("the refresh-token flow needs a refreshToken (§1.4)");
                }
            }
        }
    }

    /** The settings of a {@code salesforce.auth} section parsed with {@link #SPEC}. */
    public static AuthConfig from(Config c) {
        OAuthFlow flow = c.get(FLOW);
        if (flow == OAuthFlow.JWT_BEARER && blank(c.get(USERNAME))) {
            throw c.invalid(USERNAME, "is required for the jwt_bearer flow (the JWT's sub claim)");
        }
        if (flow == OAuthFlow.REFRESH_TOKEN && blank(c.get(REFRESH_TOKEN))) {
            throw c.invalid(REFRESH_TOKEN, "is required for the refresh_token flow");
        }
        return c.build(() -> new AuthConfig(flow, c.get(CLIENT_AUTH), c.get(USERNAME), c.get(AUDIENCE),
                c.get(PRIVATE_KEY_FILE), c.get(KEYSTORE), c.get(KEYSTORE_PASSWORD), c.get(KEY_ALIAS),
                c.get(KEY_PASSWORD), c.get(REFRESH_TOKEN)));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Client credentials with HTTP Basic (the default of {@code SalesforceConfig.of}). */
    public static AuthConfig clientCredentials() {
        return clientCredentials(ClientAuthStyle.BASIC);
    }

    public static AuthConfig clientCredentials(ClientAuthStyle style) {
        return new AuthConfig(OAuthFlow.CLIENT_CREDENTIALS, style, null, null, null, null, null, null, null, null);
    }

    /** JWT bearer signing with the PKCS#8 PEM key at {@code privateKeyPath}; {@code audience} null = token URL origin. */
    public static AuthConfig jwtBearerWithPemKey(String username, URI audience, Path privateKeyPath) {
        return new AuthConfig(OAuthFlow.JWT_BEARER, null, username, audience,
                Objects.requireNonNull(privateKeyPath, "privateKeyPath"), null, null, null, null, null);
    }

    /** JWT bearer signing with a key from a PKCS#12 or JKS keystore; {@code keyPassword} null = store password. */
    public static AuthConfig jwtBearerWithKeystore(String username, URI audience, Path keystorePath,
                                                   String keystorePassword, String keyAlias, String keyPassword) {
        return new AuthConfig(OAuthFlow.JWT_BEARER, null, username, audience, null,
                Objects.requireNonNull(keystorePath, "keystorePath"), keystorePassword, keyAlias, keyPassword, null);
    }

    public static AuthConfig refreshToken(String refreshToken, ClientAuthStyle style) {
        return new AuthConfig(OAuthFlow.REFRESH_TOKEN, style, null, null, null, null, null, null, null,
                refreshToken);
    }

    /** Redacts passwords and the refresh token (architecture invariant 6). */
    @Override
    public String toString() {
        return "AuthConfig[flow=" + flow + ", clientAuthStyle=" + clientAuthStyle + ", username=" + username
                + ", audience=" + audience + ", privateKeyPath=" + privateKeyPath + ", keystorePath=" + keystorePath
                + ", keystorePassword=" + (keystorePassword == null ? null : "<redacted>") + ", keyAlias=" + keyAlias
                + ", keyPassword=" + (keyPassword == null ? null : "<redacted>")
                + ", refreshToken=" + (refreshToken == null ? null : "<redacted>") + "]";
    }
}
