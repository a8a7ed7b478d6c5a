package dev.tandem.salesforce.auth;

import dev.tandem.salesforce.SalesforceConfig;

import java.net.http.HttpClient;

/** Picks the {@link AccessTokenProvider} of the configured OAuth flow (salesforce-api.md §1.2-§1.4). */
public final class AccessTokenProviders {

    private AccessTokenProviders() {
    }

    /**
     * The provider for {@code config.auth().flow()}. A JWT key that cannot be loaded fails here, with an
     * {@link IllegalArgumentException} naming the file.
     */
    public static AccessTokenProvider forConfig(SalesforceConfig config, HttpClient http) {
        return switch (config.auth().flow()) {
            case CLIENT_CREDENTIALS -> new ClientCredentialsTokenProvider(config, http);
            case JWT_BEARER -> new JwtBearerTokenProvider(config, http);
            case REFRESH_TOKEN -> new RefreshTokenProvider(config, http);
        };
    }
}
