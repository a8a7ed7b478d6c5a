package dev.tandem.server.api;

import dev.tandem.core.spi.ApiTokenStore;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import dev.tandem.core.spi.ApiTokenStore.ConsoleSession;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web console's sessions: made at sign-in with an API token, named by a random cookie value, and each holding
 * a CSRF token (synchronizer token pattern, OWASP Cross-Site Request Forgery Prevention Cheat Sheet, "Synchronizer
 * Token Pattern") that state-changing calls with the cookie must send in {@link #CSRF_HEADER}.
 *
 * <p>Kept in the store ({@link ApiTokenStore#createSession}, table {@code console_session}), so a restart keeps
 * everyone signed in and every server on the store knows every session. A row is named by the SHA-256 of the cookie
 * value: a copy of the database holds no usable cookie (nor any API token). A session ends when unused for
 * {@code api.session.idleTimeout}, {@code api.session.maxAge} after sign-in, at sign-out (its row is deleted), or when
 * its token is revoked (the store deletes its rows, and the token is checked on every request). Its last use is
 * written at most every {@link #touchInterval} (one write per session per minute, not per request), so an idle session
 * may end up to that much before the idle timeout. Expired rows are deleted when found and at every sign-in; the
 * table is bounded ({@link #MAX_SESSIONS}: expired ones go first, then the oldest).
 */
public final class ConsoleSessions {

    public static final String COOKIE = "tandem_session";
    public static final String CSRF_HEADER = "X-Tandem-CSRF";
    static final int MAX_SESSIONS = 10_000;
    /** The longest time between two writes of a session's last use. */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    /** 32 random bytes, base64url without padding. */
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One live session: whose token, its CSRF token, when it began and ends at the latest. */
    public static final class Session {
        private final ConsoleSession row;

        Session(ConsoleSession row) {
            this.row = row;
        }

        public long tokenId() {
            return row.tokenId();
        }

        public String csrfToken() {
            return row.csrfToken();
        }

        public Instant createdAt() {
            return row.createdAt();
        }

        /** When it ends at the latest (the absolute limit; idleness can end it sooner). */
        public Instant expiresAt() {
            return row.expiresAt();
        }

        /** Whether {@code header} is this session's CSRF token (compared in constant time). */
        public boolean csrfMatches(String header) {
            return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.US_ASCII),
                    row.csrfToken().getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** A new session and, once, its cookie value. */
    public record Opened(String cookieValue, Session session) {
    }

    private final ApiTokenStore store;
    private final Duration idle;
    private final Duration maxAge;
    private final Clock clock;
    private final int maxSessions;
    private final Duration touchInterval;

    public ConsoleSessions(ApiTokenStore store, Duration idle, Duration maxAge, Clock clock) {
        this(store, idle, maxAge, clock, MAX_SESSIONS);
    }

    ConsoleSessions(ApiTokenStore store, Duration idle, Duration maxAge, Clock clock, int maxSessions) {
        this.store = Objects.requireNonNull(store, "store");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.maxAge = Objects.requireNonNull(maxAge, "maxAge");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxSessions = maxSessions;
        // A tenth of the idle timeout when that is shorter than a minute, so short timeouts stay close to exact.
        Duration tenth = idle.dividedBy(10);
        this.touchInterval = tenth.compareTo(TOUCH_INTERVAL) < 0 ? tenth : TOUCH_INTERVAL;
    }

    public Opened open(ApiToken token) {
        Instant now = clock.instant();
        store.purgeSessions(now, now.minus(idle));
        if (store.sessionCount() >= maxSessions) {
            store.trimSessions(maxSessions - 1);
        }
        String cookie = random();
        // Stored to the millisecond, as the store reads it back.
        Instant at = Instant.ofEpochMilli(now.toEpochMilli());
        ConsoleSession row = new ConsoleSession(ApiTokens.hash(cookie), token.id(), token.role(), random(), at, at,
                at.plus(maxAge));
        store.createSession(row);
        return new Opened(cookie, new Session(row));
    }

    /** The live session of a cookie value (and marks it used); empty when unknown, malformed or expired. */
    public Optional<Session> find(String cookieValue) {
        if (cookieValue == null || !SHAPE.matcher(cookieValue).matches()) {
            return Optional.empty();
        }
        String key = ApiTokens.hash(cookieValue);
        Optional<ConsoleSession> found = store.findSession(key);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        ConsoleSession row = found.get();
        Instant now = clock.instant();
        if (!now.isBefore(row.expiresAt()) || !now.isBefore(row.lastSeenAt().plus(idle))) {
            store.deleteSession(key);
            return Optional.empty();
        }
        if (!now.isBefore(row.lastSeenAt().plus(touchInterval))) {
            store.touchSession(key, now);
        }
        return Optional.of(new Session(row));
    }

    /** Ends the session of a cookie value, if there is one. */
    public void end(String cookieValue) {
        if (cookieValue != null && SHAPE.matcher(cookieValue).matches()) {
            store.deleteSession(ApiTokens.hash(cookieValue));
        }
    }

    /** How many sessions are stored (live or not yet purged). */
    public int size() {
        return store.sessionCount();
    }

    /** The absolute lifetime, for the cookie's Max-Age. */
    public Duration maxAge() {
        return maxAge;
    }

    /** The longest time between two writes of a session's last use. */
    Duration touchInterval() {
        return touchInterval;
    }

    private static String random() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
