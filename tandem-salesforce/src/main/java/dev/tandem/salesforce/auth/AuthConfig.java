package dev.tandem.salesforce.auth;

import java.net.URI;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the connector authenticates (salesforce-api.md §1). Build it with the static factories; the record
 * components that a flow does not use are null.
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
