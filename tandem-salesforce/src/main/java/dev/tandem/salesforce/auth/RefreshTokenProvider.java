package dev.tandem.salesforce.auth;

import dev.tandem.salesforce.SalesforceConfig;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 refresh-token flow (salesforce-api.md §1.4): {@code grant_type=refresh_token} with the refresh token
 * obtained once by an interactive login, plus the consumer key (and secret when the app has one). A revoked or
 * expired refresh token is a permanent {@code invalid_grant} failure: a person has to log in again.
 */
public final class RefreshTokenProvider extends CachingTokenProvider {

    private final SalesforceConfig config;
    private final TokenEndpoint endpoint;

    public RefreshTokenProvider(SalesforceConfig config, HttpClient http) {
        this(config, http, Clock.systemUTC());
    }

    public RefreshTokenProvider(SalesforceConfig config, HttpClient http, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        if (config.auth().flow() != OAuthFlow.REFRESH_TOKEN) {
            throw new IllegalArgumentException("RefreshTokenProvider needs an auth config of flow REFRESH_TOKEN, got "
                    + config.auth().flow());
        }
        this.endpoint = new TokenEndpoint(config, http, clock);
    }

    @Override
    protected AccessToken requestToken() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", config.auth().refreshToken());
        boolean hasSecret = !config.clientSecret().isEmpty();
        if (hasSecret && config.auth().clientAuthStyle() == ClientAuthStyle.BASIC) {
            return endpoint.post(form, endpoint.basicAuthorization());
        }
        form.put("client_id", config.clientId());
        if (hasSecret) {
            form.put("client_secret", config.clientSecret());
        }
        return endpoint.post(form, null);
    }
}
