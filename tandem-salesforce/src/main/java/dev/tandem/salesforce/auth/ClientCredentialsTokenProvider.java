package dev.tandem.salesforce.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.client.ErrorClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * OAuth 2.0 client-credentials flow (salesforce-api.md §1.2): the app's consumer key and secret are exchanged for an
 * access token that runs as the org's configured integration user. No refresh token is issued, so a new token is
 * requested whenever the cached one is {@linkplain #invalidate(AccessToken) invalidated} after a 401 (§1.7).
 *
 * <p>One token is shared by all threads; a {@link ReentrantLock} (not {@code synchronized}, which pins virtual
 * threads on JDK 21) makes sure only one request to the token endpoint is in flight at a time.
 */
public final class ClientCredentialsTokenProvider implements AccessTokenProvider {

    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsTokenProvider.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SalesforceConfig config;
    private final HttpClient http;
    private final Clock clock;
    private final AtomicReference<AccessToken> current = new AtomicReference<>();
    private final ReentrantLock refreshLock = new ReentrantLock();

    public ClientCredentialsTokenProvider(SalesforceConfig config, HttpClient http) {
        this(config, http, Clock.systemUTC());
    }

    public ClientCredentialsTokenProvider(SalesforceConfig config, HttpClient http, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public AccessToken token() {
        AccessToken token = current.get();
        if (token != null) {
            return token;
        }
        refreshLock.lock();
        try {
            token = current.get();
            if (token == null) {
                token = requestToken();
                current.set(token);
            }
            return token;
        } finally {
            refreshLock.unlock();
        }
    }

    @Override
    public void invalidate(AccessToken stale) {
        if (stale != null && current.compareAndSet(stale, null)) {
            LOG.info("Salesforce access token for {} invalidated; a new one will be requested", stale.instanceUrl());
        }
    }

    private AccessToken requestToken() {
        // §1.2: simple-salesforce sends the consumer key and secret as HTTP Basic with grant_type in the form body;
        // keeping the secret out of the body keeps it out of any proxy or access log that records form parameters.
        String basic = Base64.getEncoder().encodeToString(
                (config.clientId() + ":" + config.clientSecret()).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(config.tokenUrl())
                .timeout(config.requestTimeout())
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure("POST " + config.tokenUrl().getPath(), e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted("POST " + config.tokenUrl().getPath(), e);
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw oauthError(status, body);
        }
        return accessToken(body);
    }

    /**
     * §1.6: failures come as {@code {"error","error_description"}}, with 400 (and 401 for a bad secret [verify]).
     * Refusals are permanent (fixing them needs a person); 5xx and 429 are the server's trouble and are retried.
     */
    private static IntegrationException oauthError(int status, JsonNode body) {
        String error = body != null ? body.path("error").asText("") : "";
        String description = body != null ? body.path("error_description").asText("") : "";
        String code = error.isEmpty() ? "HTTP_" + status : error;
        String message = "Salesforce token request failed: "
                + (error.isEmpty() ? "HTTP " + status : description.isEmpty() ? error : error + ": " + description);
        boolean retryable = status >= 500 || status == 429;
        return new IntegrationException(ErrorClassifier.SYSTEM, code, message, status, retryable, List.of(), null, null);
    }

    /** §1.5: {@code access_token} and {@code instance_url} are required; {@code id} and {@code issued_at} are kept. */
    private AccessToken accessToken(JsonNode body) {
        String value = body == null ? "" : body.path("access_token").asText("");
        String instance = body == null ? "" : body.path("instance_url").asText("");
        if (value.isBlank() || instance.isBlank()) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "INVALID_TOKEN_RESPONSE",
                    "Salesforce token response lacks access_token or instance_url", 200);
        }
        URI instanceUrl;
        try {
            instanceUrl = URI.create(instance.endsWith("/") ? instance.substring(0, instance.length() - 1) : instance);
        } catch (IllegalArgumentException e) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "INVALID_TOKEN_RESPONSE",
                    "Salesforce token response has an invalid instance_url: " + instance, 200);
        }
        Instant issuedAt = clock.instant();
        String issued = body.path("issued_at").asText("");
        if (issued.matches("\\d{1,18}")) {
            issuedAt = Instant.ofEpochMilli(Long.parseLong(issued)); // §1.5: epoch milliseconds as a string
        }
        AccessToken token = new AccessToken(value, instanceUrl, body.path("id").asText(""), issuedAt);
        LOG.info("Obtained a Salesforce access token for {}", token.instanceUrl());
        return token;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }
}
