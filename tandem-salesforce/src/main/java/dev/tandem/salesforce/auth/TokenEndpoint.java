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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The OAuth token endpoint (salesforce-api.md §1.1): a form POST answered by the token JSON of §1.5 or the error
 * JSON of §1.6. Shared by every flow so they parse answers and report failures identically.
 */
final class TokenEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SalesforceConfig config;
    private final HttpClient http;
    private final Clock clock;

    TokenEndpoint(SalesforceConfig config, HttpClient http, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code Authorization: Basic base64(key:secret)} (§1.2, simple-salesforce style). */
    String basicAuthorization() {
        return "Basic " + Base64.getEncoder().encodeToString(
                (config.clientId() + ":" + config.clientSecret()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Posts the form (field order kept) and returns the token.
     *
     * @param authorization an {@code Authorization} header value, or null
     */
    AccessToken post(Map<String, String> form, String authorization) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(config.tokenUrl())
                .timeout(config.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        String what = "POST " + config.tokenUrl().getPath();
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure(what, e);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted(what, e);
        }
        JsonNode json = parse(response.body());
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw oauthError(status, json);
        }
        return accessToken(json);
    }

    /**
     * §1.6: failures come as {@code {"error","error_description"}}, with 400 (and 401 for a bad secret [verify]).
     * Refusals are permanent (fixing them needs a person); 5xx and 429 are the server's trouble and are retried.
     * The message reads {@code invalid_grant: expired access/refresh token}; the code is the OAuth {@code error}.
     */
    static IntegrationException oauthError(int status, JsonNode body) {
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
        if (instanceUrl.getScheme() == null || instanceUrl.getHost() == null) {
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
