package dev.tandem.sandbox.salesforce.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.util.function.Supplier;

/**
 * The identity URL of the token response ({@code <host>/id/<orgId>/<userId>}, spec §9): GET with the bearer token
 * returns the integration user's identity.
 */
public final class IdentityResource {

    private final String orgId;
    private final String userId;
    private final String username;
    private final Supplier<String> baseUrl;

    public IdentityResource(String orgId, String userId, String username, Supplier<String> baseUrl) {
        this.orgId = orgId;
        this.userId = userId;
        this.username = username;
        this.baseUrl = baseUrl;
    }

    public boolean matches(String org, String user) {
        return orgId.equals(org) && userId.equals(user);
    }

    /**
     * {@code GET /services/oauth2/userinfo}: the OpenID Connect claims of the user
     * (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_using_userinfo_endpoint.htm, "UserInfo Endpoint").
     */
    public ObjectNode userinfo() {
        String base = baseUrl.get();
        ObjectNode body = Json.object();
        body.put("sub", base + "/id/" + orgId + "/" + userId);
        body.put("user_id", userId);
        body.put("organization_id", orgId);
        body.put("preferred_username", username);
        body.put("nickname", "integration");
        body.put("name", "Integration User");
        body.put("email", username);
        body.put("email_verified", true);
        body.put("active", true);
        body.put("user_type", "STANDARD");
        body.put("language", "en_US");
        body.put("locale", "en_US");
        body.put("utcOffset", 0);
        body.put("updated_at", "2024-01-01T00:00:00Z");
        ObjectNode urls = body.putObject("urls");
        String data = base + "/services/data/v{version}/";
        urls.put("rest", data);
        urls.put("sobjects", data + "sobjects/");
        urls.put("query", data + "query/");
        return body;
    }

    public ObjectNode identity() {
        String base = baseUrl.get();
        ObjectNode body = Json.object();
        body.put("id", base + "/id/" + orgId + "/" + userId);
        body.put("asserted_user", true);
        body.put("user_id", userId);
        body.put("organization_id", orgId);
        body.put("username", username);
        body.put("nick_name", "integration");
        body.put("display_name", "Integration User");
        body.put("email", username);
        body.put("email_verified", true);
        body.put("active", true);
        body.put("user_type", "STANDARD");
        body.put("language", "en_US");
        body.put("locale", "en_US");
        body.put("utcOffset", 0);
        ObjectNode urls = body.putObject("urls");
        String data = base + "/services/data/v{version}/";
        urls.put("rest", data);
        urls.put("sobjects", data + "sobjects/");
        urls.put("search", data + "search/");
        urls.put("query", data + "query/");
        urls.put("recent", data + "recent/");
        urls.put("profile", base + "/" + userId);
        return body;
    }
}
