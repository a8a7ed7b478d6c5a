package dev.tandem.store.jdbc;

import dev.tandem.core.spi.ApiTokenStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/** API tokens and the admin audit log (tables from V22) and console sessions (V30) in the state database. */
public final class JdbcApiTokenStore implements ApiTokenStore {

    private static final String TOKEN_COLUMNS = "id, name, role, token_hash, created_at, last_used_at, revoked_at";
    private static final String SESSION_COLUMNS =
            "id_hash, token_id, role, csrf_token, created_at, last_seen_at, expires_at";
    private static final String AUDIT_COLUMNS = "id, at, actor, role, method, path, action, status, remote_address";

    private final Database database;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcApiTokenStore(Database database) {
        this.database = database;
        database.acquire();
    }

    @Override
    public ApiToken create(String name, String role, String tokenHash, Instant now) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tokenHash, "tokenHash");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return database.write("create an API token", c -> {
            // Checked in the same transaction as the insert; the partial unique index is the guard across processes.
            try (PreparedStatement taken = c.prepareStatement(
                    "SELECT 1 FROM api_token WHERE name = ? AND revoked_at IS NULL")) {
                taken.setString(1, name);
                try (ResultSet rows = taken.executeQuery()) {
                    if (rows.next()) {
                        throw new IllegalArgumentException("an active token is already named '" + name
                                + "'; revoke it first or choose another name");
                    }
                }
            }
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO api_token (name, role, token_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id")) {
                insert.setString(1, name);
                insert.setString(2, role);
                insert.setString(3, tokenHash);
                insert.setLong(4, now.toEpochMilli());
                return new ApiToken(generatedId(insert), name, role, tokenHash,
                        Instant.ofEpochMilli(now.toEpochMilli()), null, null);
            } catch (SQLException e) {
                // Another process created the name between the check and the insert (PostgreSQL 23505, SQLite 19).
                if ("23505".equals(e.getSQLState()) || e.getErrorCode() == 19) {
                    throw new IllegalArgumentException("an active token is already named '" + name
                            + "'; revoke it first or choose another name", e);
                }
                throw e;
            }
        });
    }

    @Override
    public Optional<ApiToken> findByHash(String tokenHash) {
        return one("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE token_hash = ?",
                Objects.requireNonNull(tokenHash, "tokenHash"));
    }

    @Override
    public Optional<ApiToken> find(long id) {
        return one("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE id = ?", id);
    }

    @Override
    public Optional<ApiToken> findActiveByName(String name) {
        return one("SELECT " + TOKEN_COLUMNS + " FROM api_token WHERE name = ? AND revoked_at IS NULL",
                Objects.requireNonNull(name, "name"));
    }

    @Override
    public List<ApiToken> list() {
        ensureOpen();
        return database.read("list API tokens", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + TOKEN_COLUMNS + " FROM api_token ORDER BY id");
                 ResultSet rows = select.executeQuery()) {
                List<ApiToken> tokens = new ArrayList<>();
                while (rows.next()) {
                    tokens.add(token(rows));
                }
                return tokens;
            }
        });
    }

    @Override
    public boolean revoke(long id, Instant now) {
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return database.write("revoke an API token", c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE api_token SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
                update.setLong(1, now.toEpochMilli());
                update.setLong(2, id);
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM console_session WHERE token_id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            return true;
        });
    }

    @Override
    public void touch(long id, Instant at) {
        Objects.requireNonNull(at, "at");
        ensureOpen();
        database.write("record an API token's use", c -> {
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE api_token SET last_used_at = ? WHERE id = ?")) {
                update.setLong(1, at.toEpochMilli());
                update.setLong(2, id);
                return update.executeUpdate();
            }
        });
    }

    @Override
    public AdminAuditEntry audit(AdminAuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        ensureOpen();
        return database.write("write the admin audit log", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO admin_audit (at, actor, role, method, "
                    + "path, action, status, remote_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")) {
                insert.setLong(1, entry.at().toEpochMilli());
                insert.setString(2, entry.actor());
                insert.setString(3, entry.role());
                insert.setString(4, entry.method());
                insert.setString(5, entry.path());
                insert.setString(6, entry.action());
                insert.setInt(7, entry.status());
                insert.setString(8, entry.remoteAddress());
                return entry.withId(generatedId(insert));
            }
        });
    }

    @Override
    public List<AdminAuditEntry> auditPage(long beforeId, Optional<String> actor, int limit) {
        Objects.requireNonNull(actor, "actor");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        ensureOpen();
        return database.read("read the admin audit log", c -> {
            String sql = "SELECT " + AUDIT_COLUMNS + " FROM admin_audit WHERE id < ?"
                    + (actor.isPresent() ? " AND actor = ?" : "") + " ORDER BY id DESC LIMIT ?";
            try (PreparedStatement select = c.prepareStatement(sql)) {
                int i = 1;
                select.setLong(i++, beforeId);
                if (actor.isPresent()) {
                    select.setString(i++, actor.get());
                }
                select.setInt(i, limit);
                try (ResultSet rows = select.executeQuery()) {
                    List<AdminAuditEntry> entries = new ArrayList<>();
                    while (rows.next()) {
                        entries.add(new AdminAuditEntry(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
                                rows.getString(3), rows.getString(4), rows.getString(5), rows.getString(6),
                                rows.getString(7), rows.getInt(8), rows.getString(9)));
                    }
                    return entries;
                }
            }
        });
    }

    @Override
    public void createSession(ConsoleSession session) {
        Objects.requireNonNull(session, "session");
        ensureOpen();
        database.write("store a console session", c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO console_session (" + SESSION_COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                insert.setString(1, session.idHash());
                insert.setLong(2, session.tokenId());
                insert.setString(3, session.role());
                insert.setString(4, session.csrfToken());
                insert.setLong(5, session.createdAt().toEpochMilli());
                insert.setLong(6, session.lastSeenAt().toEpochMilli());
                insert.setLong(7, session.expiresAt().toEpochMilli());
                return insert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<ConsoleSession> findSession(String idHash) {
        Objects.requireNonNull(idHash, "idHash");
        ensureOpen();
        return database.read("read a console session", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + SESSION_COLUMNS + " FROM console_session WHERE id_hash = ?")) {
                select.setString(1, idHash);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new ConsoleSession(rows.getString(1), rows.getLong(2), rows.getString(3),
                            rows.getString(4), Instant.ofEpochMilli(rows.getLong(5)),
                            Instant.ofEpochMilli(rows.getLong(6)), Instant.ofEpochMilli(rows.getLong(7))));
                }
            }
        });
    }

    @Override
    public void touchSession(String idHash, Instant at) {
        Objects.requireNonNull(idHash, "idHash");
        Objects.requireNonNull(at, "at");
        ensureOpen();
        database.write("record a console session's use", c -> {
            // Never moves it back: two servers touching the same session keep the later time.
            try (PreparedStatement update = c.prepareStatement(
                    "UPDATE console_session SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?")) {
                update.setLong(1, at.toEpochMilli());
                update.setString(2, idHash);
                update.setLong(3, at.toEpochMilli());
                return update.executeUpdate();
            }
        });
    }

    @Override
    public boolean deleteSession(String idHash) {
        Objects.requireNonNull(idHash, "idHash");
        ensureOpen();
        return database.write("delete a console session", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM console_session WHERE id_hash = ?")) {
                delete.setString(1, idHash);
                return delete.executeUpdate() == 1;
            }
        });
    }

    @Override
    public int purgeSessions(Instant now, Instant lastSeenBefore) {
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(lastSeenBefore, "lastSeenBefore");
        ensureOpen();
        return database.write("purge expired console sessions", c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM console_session WHERE expires_at <= ? OR last_seen_at < ?")) {
                delete.setLong(1, now.toEpochMilli());
                delete.setLong(2, lastSeenBefore.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public int trimSessions(int keep) {
        if (keep < 0) {
            throw new IllegalArgumentException("keep must not be negative, got " + keep);
        }
        ensureOpen();
        return database.write("trim console sessions", c -> {
            // The sign-in time of the newest session beyond the ones kept; it and every older one go.
            long cutoff;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT created_at FROM console_session ORDER BY created_at DESC LIMIT 1 OFFSET ?")) {
                select.setInt(1, keep);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return 0;
                    }
                    cutoff = rows.getLong(1);
                }
            }
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM console_session WHERE created_at <= ?")) {
                delete.setLong(1, cutoff);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public int sessionCount() {
        ensureOpen();
        return database.read("count console sessions", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM console_session");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        });
    }

    /** Releases this store's hold on the state database's pool. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            database.release();
        }
    }

    private Optional<ApiToken> one(String sql, Object parameter) {
        ensureOpen();
        return database.read("read an API token", c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                if (parameter instanceof Long id) {
                    select.setLong(1, id);
                } else {
                    select.setString(1, (String) parameter);
                }
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(token(rows)) : Optional.empty();
                }
            }
        });
    }

    private static ApiToken token(ResultSet rows) throws SQLException {
        return new ApiToken(rows.getLong(1), rows.getString(2), rows.getString(3), rows.getString(4),
                Instant.ofEpochMilli(rows.getLong(5)), instant(rows, 6), instant(rows, 7));
    }

    private static Instant instant(ResultSet rows, int column) throws SQLException {
        long millis = rows.getLong(column);
        return rows.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    /** {@code INSERT ... RETURNING id}: SQLite (3.35+) and PostgreSQL both answer it with one row. */
    private static long generatedId(PreparedStatement insert) throws SQLException {
        try (ResultSet keys = insert.executeQuery()) {
            if (!keys.next()) {
                throw new SQLException("the database returned no generated id");
            }
            return keys.getLong(1);
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The API token store is closed");
        }
    }
}
