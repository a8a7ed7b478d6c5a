package dev.tandem.server.api;

import dev.tandem.core.spi.ApiTokenStore.ApiToken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The web console's sessions: made at sign-in with an admin API token, named by a random cookie value, and each
 * holding a CSRF token (synchronizer token pattern, OWASP Cross-Site Request Forgery Prevention Cheat Sheet,
 * "Synchronizer Token Pattern") that state-changing calls with the cookie must send in {@link #CSRF_HEADER}.
 *
 * <p>Held in memory only: a restart ends every session (the user signs in again). A session ends when unused
 * for {@code api.session.idleTimeout}, {@code api.session.maxAge} after sign-in, at sign-out, or when its token is
 * revoked (checked on every request). The map is keyed by the SHA-256 of the cookie value, so the process's memory
 * does not hold usable cookies, and bounded ({@link #MAX_SESSIONS}: expired ones are dropped first, then the
 * oldest).
 */
public final class ConsoleSessions {

    public static final String COOKIE = "tandem_session";
    public static final String CSRF_HEADER = "X-Tandem-CSRF";
    static final int MAX_SESSIONS = 10_000;
    /** 32 random bytes, base64url without padding. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One session: whose token, its CSRF token, when it began and was last used. */
    public static final class Session {
        private final long tokenId;
        private final String csrfToken;
        private final Instant createdAt;
        private final Instant expiresAt;
        private volatile Instant lastUsed;

        Session(long tokenId, String csrfToken, Instant createdAt, Instant expiresAt) {
            this.tokenId = tokenId;
            this.csrfToken = csrfToken;
            this.createdAt = createdAt;
            this.expiresAt = expiresAt;
            this.lastUsed = createdAt;
        }

        public long tokenId() {
            return tokenId;
        }

        public String csrfToken() {
            return csrfToken;
        }

        public Instant createdAt() {
            return createdAt;
        }

        /** When it ends at the latest (the absolute limit; idleness can end it sooner). */
        public Instant expiresAt() {
            return expiresAt;
        }

        /** Whether {@code header} is this session's CSRF token (compared in constant time). */
        public boolean csrfMatches(String header) {
            return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.US_ASCII),
                    csrfToken.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A new session and, once, its cookie value. */
    public record Opened(String cookieValue, Session session) {
    }

    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Duration idle;
    private final Duration maxAge;
    private final Clock clock;

    public ConsoleSessions(Duration idle, Duration maxAge, Clock clock) {
        this.idle = idle;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    public Opened open(ApiToken token) {
        Instant now = clock.instant();
        if (sessions.size() >= MAX_SESSIONS) {
            sessions.values().removeIf(s -> !alive(s, now));
            while (sessions.size() >= MAX_SESSIONS) {
                sessions.entrySet().stream().min(Comparator.comparing(e -> e.getValue().createdAt()))
                        .ifPresent(e -> sessions.remove(e.getKey()));
            }
        }
        String cookie = random();
        Session s = new Session(token.id(), random(), now, now.plus(maxAge));
        sessions.put(ApiTokens.hash(cookie), s);
        return new Opened(cookie, s);
    }

    /** The live session of a cookie value (and marks it used); empty when unknown, malformed or expired. */
    public Optional<Session> find(String cookieValue) {
        if (cookieValue == null || !SHAPE.matcher(cookieValue).matches()) {
            return Optional.empty();
        }
        String key = ApiTokens.hash(cookieValue);
        Session s = sessions.get(key);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (!alive(s, now)) {
            sessions.remove(key);
            return Optional.empty();
        }
        s.lastUsed = now;
        return Optional.of(s);
    }

    /** Ends the session of a cookie value, if there is one. */
    public void end(String cookieValue) {
        if (cookieValue != null && SHAPE.matcher(cookieValue).matches()) {
            sessions.remove(ApiTokens.hash(cookieValue));
        }
    }

    /** How many sessions are held (live or not yet swept). */
    public int size() {
        return sessions.size();
    }

    /** The absolute lifetime, for the cookie's Max-Age. */
    public Duration maxAge() {
        return maxAge;
    }

    private boolean alive(Session s, Instant now) {
        return now.isBefore(s.expiresAt()) && now.isBefore(s.lastUsed.plus(idle));
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
