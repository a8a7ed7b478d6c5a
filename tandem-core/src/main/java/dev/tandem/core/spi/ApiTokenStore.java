package dev.tandem.core.spi;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin API's bearer tokens and the admin audit log (who changed what, when, from where), in the state store's
 * database. The store never sees a token itself: only its hash (SHA-256 of the secret, computed by the caller), so a
 * copy of the database lets nobody call the API. Roles are the API's role ids ({@code viewer}, {@code operator},
 * {@code admin}); the store keeps them as text and does not interpret them.
 *
 * <p>It also holds the web console's sessions ({@link ConsoleSession}), so they survive a restart and are shared by
 * every server on the store. A session is named by the SHA-256 of its cookie value (computed by the caller), never
 * the cookie itself.
 */
public interface ApiTokenStore {

    /**
     * Stores a new token.
     *
     * @throws IllegalArgumentException when an active (unrevoked) token already has this name
     */
    ApiToken create(String name, String role, String tokenHash, Instant now);

    /** The token, active or revoked, whose secret hashes to {@code tokenHash}. */
    Optional<ApiToken> findByHash(String tokenHash);

    /** The token with this id, active or revoked. */
    Optional<ApiToken> find(long id);

    /** The active token with this name. */
    Optional<ApiToken> findActiveByName(String name);

    /** Every token, oldest first, revoked ones included. */
    List<ApiToken> list();

    /**
     * Revokes the token: from now on it is refused, and its console sessions are deleted in the same transaction.
     * Revoking a revoked token changes nothing.
     *
     * @return false when there is no token with this id
     */
    boolean revoke(long id, Instant now);

    /** Records that the token was used at {@code at} (callers throttle this; it is one write). */
    void touch(long id, Instant at);

    /** Appends one entry to the admin audit log and returns it with its id. */
    AdminAuditEntry audit(AdminAuditEntry entry);

    /**
     * A page of the admin audit log, newest first.
     *
     * @param beforeId only entries with a smaller id (the cursor of the previous page); {@link Long#MAX_VALUE} for
     *                 the first page
     * @param actor    only this actor's entries, when present
     * @param limit    at most this many
     */
    List<AdminAuditEntry> auditPage(long beforeId, Optional<String> actor, int limit);

    /** Stores a new console session. */
    void createSession(ConsoleSession session);

    /** The console session whose cookie value hashes to {@code idHash}, expired or not. */
    Optional<ConsoleSession> findSession(String idHash);

    /** Records that the session was used at {@code at} (callers throttle this; it is one write). */
    void touchSession(String idHash, Instant at);

    /**
     * Deletes a console session (sign-out, or found expired).
     *
     * @return false when there was none with this hash
     */
    boolean deleteSession(String idHash);

    /**
     * Deletes the expired console sessions: those past their absolute expiry at {@code now}, and those last seen
     * before {@code lastSeenBefore} (the idle limit).
     *
     * @return how many were deleted
     */
    int purgeSessions(Instant now, Instant lastSeenBefore);

    /**
     * Keeps at most {@code keep} console sessions, deleting the oldest (by sign-in time) first.
     *
     * @return how many were deleted
     */
    int trimSessions(int keep);

    /** How many console sessions are stored (live or not yet purged). */
    int sessionCount();

    /**
     * One console session row.
     *
     * @param idHash     SHA-256 of the cookie value, lowercase hex (never the cookie value)
     * @param tokenId    the API token it was made from
     * @param role       that token's role at sign-in
     * @param csrfToken  the session's CSRF token (useless without the cookie; the console asks for it again with
     *                   {@code GET /api/v1/session} after a page reload, so it is kept as it is)
     * @param createdAt  sign-in time
     * @param lastSeenAt last use (to the throttle of {@link #touchSession})
     * @param expiresAt  the absolute end, whatever its use
     */
    record ConsoleSession(String idHash, long tokenId, String role, String csrfToken, Instant createdAt,
                          Instant lastSeenAt, Instant expiresAt) {

        public ConsoleSession {
            Objects.requireNonNull(idHash, "idHash");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(csrfToken, "csrfToken");
            Objects.requireNonNull(createdAt, "createdAt");
            Objects.requireNonNull(lastSeenAt, "lastSeenAt");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }
    }

    /**
     * One token row.
     *
     * @param lastUsedAt when it was last used (to the minute), null when never
     * @param revokedAt  when it was revoked, null while active
     */
    record ApiToken(long id, String name, String role, String tokenHash, Instant createdAt, Instant lastUsedAt,
                    Instant revokedAt) {

        public ApiToken {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(tokenHash, "tokenHash");
            Objects.requireNonNull(createdAt, "createdAt");
        }

        public boolean active() {
            return revokedAt == null;
        }
    }

    /**
     * One admin action: never a request body nor a token.
     *
     * @param id            assigned by the store (0 before {@link #audit})
     * @param actor         the token's name
     * @param role          the token's role
     * @param method        HTTP method
     * @param path          the request path (without query)
     * @param action        what was done, e.g. {@code POST /api/v1/tokens} or a handler's own summary
     * @param status        the HTTP status answered
     * @param remoteAddress the caller's address as the listener saw it
     */
    record AdminAuditEntry(long id, Instant at, String actor, String role, String method, String path,
                           String action, int status, String remoteAddress) {

        public AdminAuditEntry {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(actor, "actor");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(remoteAddress, "remoteAddress");
        }

        public AdminAuditEntry withId(long value) {
            return new AdminAuditEntry(value, at, actor, role, method, path, action, status, remoteAddress);
        }
    }
}
