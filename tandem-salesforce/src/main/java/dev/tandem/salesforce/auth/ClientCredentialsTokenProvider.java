package dev.tandem.salesforce.auth;

import dev.tandem.salesforce.SalesforceConfig;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * OAuth 2.0 client-credentials flow (salesforce-api.md §1.2): the app's consumer key and secret are exchanged for an
 * access token that runs as the org's configured integration user. No refresh token is issued, so a new token is
 * requested whenever the cached one is {@linkplain #invalidate(AccessToken) invalidated} after a 401 (§1.7).
 * The key and secret go as HTTP Basic or as form fields, per {@link AuthConfig#clientAuthStyle()}.
 */
public final class ClientCredentialsTokenProvider extends CachingTokenProvider {

    private final SalesforceConfig config;
    private final TokenEndpoint endpoint;

    public ClientCredentialsTokenProvider(SalesforceConfig config, HttpClient http) {
        this(config, http, Clock.systemUTC());
    }

    public ClientCredentialsTokenProvider(SalesforceConfig config, HttpClient http, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.endpoint = new TokenEndpoint(config, http, clock);
    }

    @Override
    protected AccessToken requestToken() {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (config.auth().clientAuthStyle() == ClientAuthStyle.FORM) {
            form.put("client_id", config.clientId());
            form.put("client_secret", config.clientSecret());
            return endpoint.post(form, null);
        }
        // HTTP Basic keeps the secret out of the body, and so out of any proxy or access log that records form
        // parameters.
        return endpoint.post(form, endpoint.basicAuthorization());
    }
}
