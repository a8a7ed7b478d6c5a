package dev.tandem.sandbox.clarity.auth;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open sessions with an idle timeout: a session not used for {@code idleTimeout} is gone, and the next request with it
 * gets 401 as from a real CEF whose session cache expired.
 */
public final class SessionStore {

    private static final char[] ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private final Clock clock;
    private final Duration idleTimeout;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Session> byAnyId = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();

    public SessionStore(Clock clock, Duration idleTimeout) {
        this.clock = clock;
        this.idleTimeout = idleTimeout;
    }

    public Session open(String userName, boolean permanent) {
        Session session = new Session(newId(), newId(), userName, permanent);
        byAnyId.put(session.sessionId(), session);
        byAnyId.put(session.permanentId(), session);
        lastSeen.put(session.sessionId(), clock.instant());
        return session;
    }

    /** Finds the session named by an {@code ss-id} or {@code ss-pid} value and marks it used; expired ones are removed. */
    public Optional<Session> touch(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        Session session = byAnyId.get(id.trim());
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Instant seen = lastSeen.get(session.sessionId());
        if (seen == null || Duration.between(seen, now).compareTo(idleTimeout) >= 0) {
            close(session);
            return Optional.empty();
        }
        lastSeen.put(session.sessionId(), now);
        return Optional.of(session);
    }

    public void close(Session session) {
        byAnyId.remove(session.sessionId());
        byAnyId.remove(session.permanentId());
        lastSeen.remove(session.sessionId());
    }

    /** Ends every session ({@code POST /_sandbox/sessions/expire}, reset). */
    public void closeAll() {
        byAnyId.clear();
        lastSeen.clear();
    }

    public int openCount() {
        return lastSeen.size();
    }

    private String newId() {
        char[] id = new char[20];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }
}
