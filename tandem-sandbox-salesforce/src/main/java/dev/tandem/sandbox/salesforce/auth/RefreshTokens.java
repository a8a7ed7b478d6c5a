package dev.tandem.sandbox.salesforce.auth;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refresh tokens of the connected app (spec §1.4). The client-credentials and JWT flows issue none (§1.2, §1.3),
 * so the sandbox hands them out on request ({@code SalesforceSandbox.issueRefreshToken()}), standing in for the
 * interactive web-server flow a real admin would go through once.
 */
public final class RefreshTokens {

    private final String orgId;
    private final SecureRandom random = new SecureRandom();
    private final Set<String> valid = ConcurrentHashMap.newKeySet();

    public RefreshTokens(String orgId) {
        this.orgId = orgId;
    }

    /** A new refresh token, {@code 5Aep861...}-like opaque text prefixed with the org id like access tokens. */
    public String issue() {
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        String token = "5Aep" + orgId.substring(3, 15) + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(bytes);
        valid.add(token);
        return token;
    }

    public boolean isValid(String token) {
        return token != null && valid.contains(token);
    }

    /** Revokes one refresh token; returns whether it was one. */
    public boolean revoke(String token) {
        return token != null && valid.remove(token);
    }

    public void revokeAll() {
        valid.clear();
    }
}
