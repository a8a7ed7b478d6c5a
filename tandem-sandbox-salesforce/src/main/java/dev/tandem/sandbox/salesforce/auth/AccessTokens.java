package dev.tandem.sandbox.salesforce.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Issued access tokens. Tokens look like real ones, {@code <18-char 00D org id>!<opaque>} (spec §1.5), expire
 * after a configurable time, and can all be revoked at once to make clients go through their 401 path (§1.7).
 */
public final class AccessTokens {

    private final String orgId;
    private final Clock clock;
    private final Duration ttl;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> expiries = new ConcurrentHashMap<>();

    public AccessTokens(String orgId, Clock clock, Duration ttl) {
        this.orgId = orgId;
        this.clock = clock;
        this.ttl = ttl;
    }

    public String issue() {
        byte[] bytes = new byte[72];
        random.nextBytes(bytes);
        String token = orgId + "!" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        expiries.put(token, clock.instant().plus(ttl));
        return token;
    }

    public boolean isValid(String token) {
        if (token == null) {
            return false;
        }
        Instant expiry = expiries.get(token);
        if (expiry == null) {
            return false;
        }
        if (!clock.instant().isBefore(expiry)) {
            expiries.remove(token);
            return false;
        }
        return true;
    }

    public void revoke(String token) {
        expiries.remove(token);
    }

    public void revokeAll() {
        expiries.clear();
    }
}
