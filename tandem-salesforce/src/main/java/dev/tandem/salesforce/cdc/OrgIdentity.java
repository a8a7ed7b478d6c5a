package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.salesforce.auth.AccessToken;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * The org and user a token belongs to: the org id is the Pub/Sub {@code tenantid}, the user id is the integration
 * user of echo suppression. Read from the token response's identity URL {@code .../id/<org id>/<user id>}
 * ("Identity URLs", https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_openid.htm), else from
 * {@code GET <instance>/services/oauth2/userinfo} ({@code organization_id}, {@code user_id}; "UserInfo Endpoint",
 * https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm).
 */
public record OrgIdentity(String orgId, String userId) {

    public OrgIdentity {
        Objects.requireNonNull(orgId, "orgId");
        userId = userId == null ? "" : userId;
    }

    /** From the identity URL alone; null when it has no {@code /id/<org>/<user>} path. */
    static OrgIdentity fromIdentityUrl(String identityUrl) {
        if (identityUrl == null || identityUrl.isBlank()) {
            return null;
        }
        String path = URI.create(identityUrl).getPath();
        int at = path.indexOf("/id/");
        if (at < 0) {
            return null;
        }
        String[] parts = path.substring(at + 4).split("/");
        if (parts.length < 1 || parts[0].isBlank()) {
            return null;
        }
        return new OrgIdentity(parts[0], parts.length > 1 ? parts[1] : "");
    }

    /** From the identity URL, else the userinfo endpoint. */
    public static OrgIdentity of(AccessToken token, HttpClient http) {
        OrgIdentity fromUrl = fromIdentityUrl(token.identityUrl());
        if (fromUrl != null) {
            return fromUrl;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(token.instanceUrl() + "/services/oauth2/userinfo"))
                .header("Authorization", "Bearer " + token.value()).header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET /services/oauth2/userinfo answered " + response.statusCode());
            }
            JsonNode body = new ObjectMapper().readTree(response.body());
            return new OrgIdentity(body.path("organization_id").asText(), body.path("user_id").asText(""));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the org id from /services/oauth2/userinfo: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading /services/oauth2/userinfo", e);
        }
    }
}
