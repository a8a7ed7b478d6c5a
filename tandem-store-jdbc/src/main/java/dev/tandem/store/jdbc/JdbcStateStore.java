package dev.tandem.store.jdbc;

import dev.tandem.core.echo.WriteFingerprint;
import dev.tandem.core.spi.LeaseStore;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.spi.WriteFingerprints;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.PendingRetry;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tandem's state (id map, retries, dead letters, audit trail) in SQLite or PostgreSQL, tables from V1; poll cursors
 * from V2; write fingerprints and leases from V20.
 */
public final class JdbcStateStore implements StateStore, WriteFingerprints, LeaseStore {

    private static final String DEAD_LETTER_COLUMNS =
            "id, event_offset, flow, flow_version, entity_key, payload, error_code, error_message, attempts, created_at";

    private final Database database;
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcStateStore(Database database) {
        this.database = database;
        database.acquire();
    }

    // ---- id map

    /**
     * Maps the source key to the target id, replacing the key's previous id. A target id maps to one key only, so
     * if it was mapped to another key that mapping is dropped: the latest write reflects the target (the record's
     * external id now holds this key), and keeping both would make the reverse look-up ambiguous. The columns keep
     * their first names ({@code clarity_key} = source key, {@code salesforce_id} = target id; migration V1).
     */
    @Override
    public void putId(String objectType, String sourceKey, String targetId) {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(sourceKey, "sourceKey");
        Objects.requireNonNull(targetId, "targetId");
        putIds(List.<String[]>of(new String[]{objectType, sourceKey, targetId}));
    }

    /** {@link #putId} for many mappings in one JDBC batch per statement (one round trip to SQLite's engine). */
    @Override
    public void putIds(List<String[]> mappings) {
        if (mappings.isEmpty()) {
            return;
        }
        ensureOpen();
        database.write("store id mappings", c -> {
            try (PreparedStatement release = c.prepareStatement(
                    "DELETE FROM id_map WHERE object_type = ? AND salesforce_id = ? AND clarity_key <> ?");
                 PreparedStatement upsert = c.prepareStatement(
                         "INSERT INTO id_map (object_type, clarity_key, salesforce_id) VALUES (?, ?, ?) "
                                 + "ON CONFLICT (object_type, clarity_key) "
                                 + "DO UPDATE SET salesforce_id = excluded.salesforce_id")) {
                for (String[] m : mappings) {
                    release.setString(1, Objects.requireNonNull(m[0], "objectType"));
                    release.setString(2, Objects.requireNonNull(m[2], "targetId"));
                    release.setString(3, Objects.requireNonNull(m[1], "sourceKey"));
                    release.addBatch();
                    upsert.setString(1, m[0]);
                    upsert.setString(2, m[1]);
                    upsert.setString(3, m[2]);
                    upsert.addBatch();
                }
                release.executeBatch();
                upsert.executeBatch();
                return mappings.size();
            }
        });
    }

    @Override
    public Optional<String> targetId(String objectType, String sourceKey) {
        return lookUpId("SELECT salesforce_id FROM id_map WHERE object_type = ? AND clarity_key = ?",
                objectType, sourceKey);
    }

    @Override
    public Optional<String> sourceKey(String objectType, String targetId) {
        return lookUpId("SELECT clarity_key FROM id_map WHERE object_type = ? AND salesforce_id = ?",
                objectType, targetId);
    }

    private Optional<String> lookUpId(String sql, String objectType, String id) {
        Objects.requireNonNull(objectType, "objectType");
        Objects.requireNonNull(id, "id");
        ensureOpen();
        return database.read("look up an id mapping", c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setString(1, objectType);
                select.setString(2, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public long countIds(String objectType) {
        Objects.requireNonNull(objectType, "objectType");
        return count("SELECT COUNT(*) FROM id_map WHERE object_type = ?", objectType);
    }

    // ---- retries

    @Override
    public void scheduleRetry(PendingRetry retry) {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(retry.flow(), "flow");
        Objects.requireNonNull(retry.dueAt(), "dueAt");
        ensureOpen();
        database.write("schedule a retry", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO pending_retry (event_offset, flow, attempts, due_at, last_error) "
                            + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (event_offset, flow) DO UPDATE SET "
                            + "attempts = excluded.attempts, due_at = excluded.due_at, "
                            + "last_error = excluded.last_error")) {
                upsert.setLong(1, retry.eventOffset());
                upsert.setString(2, retry.flow());
                upsert.setInt(3, retry.attempts());
                upsert.setLong(4, retry.dueAt().toEpochMilli());
                upsert.setString(5, retry.lastError());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public List<PendingRetry> dueRetries(Instant now, int max) {
        Objects.requireNonNull(now, "now");
        if (max < 0) {
            throw new IllegalArgumentException("max must not be negative: " + max);
        }
        ensureOpen();
        return database.read("read due retries", c -> {
            // event_offset and flow break ties so equal due times come back in a stable order.
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT event_offset, flow, attempts, due_at, last_error FROM pending_retry "
                            + "WHERE due_at <= ? ORDER BY due_at, event_offset, flow LIMIT ?")) {
                select.setLong(1, now.toEpochMilli());
                select.setInt(2, max);
                try (ResultSet rows = select.executeQuery()) {
                    List<PendingRetry> due = new ArrayList<>();
                    while (rows.next()) {
                        due.add(new PendingRetry(rows.getLong("event_offset"), rows.getString("flow"),
                                rows.getInt("attempts"), Instant.ofEpochMilli(rows.getLong("due_at")),
                                rows.getString("last_error")));
                    }
                    return List.copyOf(due);
                }
            }
        });
    }

    @Override
    public void removeRetry(long eventOffset, String flow) {
        Objects.requireNonNull(flow, "flow");
        ensureOpen();
        database.write("remove a retry", c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM pending_retry WHERE event_offset = ? AND flow = ?")) {
                delete.setLong(1, eventOffset);
                delete.setString(2, flow);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public long pendingRetryCount() {
        return count("SELECT COUNT(*) FROM pending_retry");
    }

    // ---- dead letters

    /**
     * Stores the dead letter; a second one for the same (event, flow) replaces the first in place and keeps its id,
     * so a link an operator holds to it still leads to the latest failure.
     */
    @Override
    public long addDeadLetter(DeadLetter deadLetter) {
        Objects.requireNonNull(deadLetter, "deadLetter");
        Objects.requireNonNull(deadLetter.flow(), "flow");
        Objects.requireNonNull(deadLetter.createdAt(), "createdAt");
        ensureOpen();
        return database.write("store a dead letter", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO dead_letter (event_offset, flow, entity_key, payload, error_code, error_message, "
                            + "attempts, created_at, flow_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (event_offset, flow) DO UPDATE SET entity_key = excluded.entity_key, "
                            + "flow_version = excluded.flow_version, "
                            + "payload = excluded.payload, error_code = excluded.error_code, "
                            + "error_message = excluded.error_message, attempts = excluded.attempts, "
                            + "created_at = excluded.created_at "
                            + "RETURNING id")) {
                upsert.setLong(1, deadLetter.eventOffset());
                upsert.setString(2, deadLetter.flow());
                upsert.setString(3, deadLetter.entityKey());
                upsert.setString(4, deadLetter.payload());
                upsert.setString(5, deadLetter.errorCode());
                upsert.setString(6, deadLetter.errorMessage());
                upsert.setInt(7, deadLetter.attempts());
                upsert.setLong(8, deadLetter.createdAt().toEpochMilli());
                upsert.setString(9, deadLetter.flowVersion());
                try (ResultSet rows = upsert.executeQuery()) {
                    if (!rows.next()) {
                        throw new SQLException("Storing a dead letter returned no id");
                    }
                    return rows.getLong(1);
                }
            }
        });
    }

    @Override
    public Optional<DeadLetter> deadLetter(long id) {
        ensureOpen();
        return database.read("read a dead letter", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT " + DEAD_LETTER_COLUMNS + " FROM dead_letter WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(toDeadLetter(rows)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        ensureOpen();
        return database.read("list dead letters", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + DEAD_LETTER_COLUMNS
                    + " FROM dead_letter ORDER BY created_at DESC, id DESC LIMIT ?")) {
                select.setInt(1, limit);
                try (ResultSet rows = select.executeQuery()) {
                    List<DeadLetter> letters = new ArrayList<>();
                    while (rows.next()) {
                        letters.add(toDeadLetter(rows));
                    }
                    return List.copyOf(letters);
                }
            }
        });
    }

    @Override
    public long deadLetterCount() {
        return count("SELECT COUNT(*) FROM dead_letter");
    }

    private static DeadLetter toDeadLetter(ResultSet row) throws SQLException {
        return new DeadLetter(row.getLong("id"), row.getLong("event_offset"), row.getString("flow"),
                row.getString("flow_version"), row.getString("entity_key"), row.getString("payload"), row.getString("error_code"),
                row.getString("error_message"), row.getInt("attempts"),
                Instant.ofEpochMilli(row.getLong("created_at")));
    }

    // ---- audit trail

    @Override
    public void audit(AuditEntry entry) {
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(entry.flow(), "flow");
        Objects.requireNonNull(entry.step(), "step");
        Objects.requireNonNull(entry.outcome(), "outcome");
        Objects.requireNonNull(entry.at(), "at");
        ensureOpen();
        database.write("write an audit entry", c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO audit_entry (event_offset, flow, step, request_summary, response_status, "
                            + "duration_ms, outcome, detail, audited_at, flow_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                insert.setLong(1, entry.eventOffset());
                insert.setString(2, entry.flow());
                insert.setString(3, entry.step());
                insert.setString(4, entry.requestSummary());
                insert.setInt(5, entry.responseStatus());
                insert.setLong(6, entry.durationMillis());
                insert.setString(7, entry.outcome());
                insert.setString(8, entry.detail());
                insert.setLong(9, entry.at().toEpochMilli());
                insert.setString(10, entry.flowVersion());
                return insert.executeUpdate();
            }
        });
    }

    /** {@link #audit} for many entries in one JDBC batch. */
    @Override
    public void auditAll(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        ensureOpen();
        database.write("write audit entries", c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO audit_entry (event_offset, flow, step, request_summary, response_status, "
                            + "duration_ms, outcome, detail, audited_at, flow_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (AuditEntry entry : entries) {
                    insert.setLong(1, entry.eventOffset());
                    insert.setString(2, Objects.requireNonNull(entry.flow(), "flow"));
                    insert.setString(3, Objects.requireNonNull(entry.step(), "step"));
                    insert.setString(4, entry.requestSummary());
                    insert.setInt(5, entry.responseStatus());
                    insert.setLong(6, entry.durationMillis());
                    insert.setString(7, Objects.requireNonNull(entry.outcome(), "outcome"));
                    insert.setString(8, entry.detail());
                    insert.setLong(9, entry.at().toEpochMilli());
                    insert.setString(10, entry.flowVersion());
                    insert.addBatch();
                }
                insert.executeBatch();
                return entries.size();
            }
        });
    }

    @Override
    public List<AuditEntry> auditFor(long eventOffset) {
        ensureOpen();
        return database.read("read the audit trail", c -> {
            // id breaks ties between steps that finished within the same millisecond, in the order they were written.
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT event_offset, flow, step, request_summary, response_status, duration_ms, outcome, "
                            + "detail, audited_at, flow_version FROM audit_entry WHERE event_offset = ? ORDER BY audited_at, id")) {
                select.setLong(1, eventOffset);
                try (ResultSet rows = select.executeQuery()) {
                    List<AuditEntry> entries = new ArrayList<>();
                    while (rows.next()) {
                        entries.add(new AuditEntry(rows.getLong("event_offset"), rows.getString("flow"),
                                rows.getString("flow_version"), rows.getString("step"), rows.getString("request_summary"),
                                rows.getInt("response_status"), rows.getLong("duration_ms"),
                                rows.getString("outcome"), rows.getString("detail"),
                                Instant.ofEpochMilli(rows.getLong("audited_at"))));
                    }
                    return List.copyOf(entries);
                }
            }
        });
    }

    // ---- poll cursors

    @Override
    public Optional<String> cursor(String name) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        return database.read("read a poll cursor", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT value FROM poll_cursor WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveCursor(String name, String value) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        ensureOpen();
        database.write("save a poll cursor", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO poll_cursor (name, value, updated_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (name) DO UPDATE SET value = excluded.value, "
                            + "updated_at = excluded.updated_at")) {
                upsert.setString(1, name);
                upsert.setString(2, value);
                upsert.setLong(3, System.currentTimeMillis());
                return upsert.executeUpdate();
            }
        });
    }

    // ---- write fingerprints (echo suppression)

    @Override
    public void remember(WriteFingerprint fingerprint) {
        Objects.requireNonNull(fingerprint, "fingerprint");
        ensureOpen();
        StringBuilder hashes = new StringBuilder();
        fingerprint.sortedFieldHashes().forEach((field, hash) -> {
            if (field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("A field name must not hold a tab or a line break: " + field);
            }
            hashes.append(field).append('\t').append(hash).append('\n');
        });
        database.write("store a write fingerprint", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO write_fingerprint (target_system, entity, record_id, field_hashes, written_at, "
                            + "expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (target_system, entity, record_id) DO UPDATE SET "
                            + "field_hashes = excluded.field_hashes, written_at = excluded.written_at, "
                            + "expires_at = excluded.expires_at")) {
                upsert.setString(1, fingerprint.system());
                upsert.setString(2, fingerprint.entity());
                upsert.setString(3, fingerprint.recordId());
                upsert.setString(4, hashes.toString());
                upsert.setLong(5, fingerprint.writtenAt().toEpochMilli());
                upsert.setLong(6, fingerprint.expiresAt().toEpochMilli());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public Optional<WriteFingerprint> lastWrite(String system, String entity, String recordId, Instant now) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(recordId, "recordId");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return database.read("read a write fingerprint", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT field_hashes, written_at, expires_at FROM write_fingerprint "
                            + "WHERE target_system = ? AND entity = ? AND record_id = ? AND expires_at > ?")) {
                select.setString(1, system);
                select.setString(2, entity);
                select.setString(3, recordId);
                select.setLong(4, now.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return Optional.empty();
                    }
                    Map<String, String> hashes = new LinkedHashMap<>();
                    for (String line : rows.getString(1).split("\n")) {
                        int tab = line.indexOf('\t');
                        if (tab > 0) {
                            hashes.put(line.substring(0, tab), line.substring(tab + 1));
                        }
                    }
                    return Optional.of(new WriteFingerprint(system, entity, recordId, hashes,
                            Instant.ofEpochMilli(rows.getLong(2)), Instant.ofEpochMilli(rows.getLong(3))));
                }
            }
        });
    }

    /** One query per up to 500 ids. */
    @Override
    public Map<String, WriteFingerprint> lastWrites(String system, String entity,
                                                    java.util.Collection<String> recordIds, Instant now) {
        Objects.requireNonNull(system, "system");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(now, "now");
        ensureOpen();
        List<String> ids = List.copyOf(new java.util.LinkedHashSet<>(recordIds));
        Map<String, WriteFingerprint> found = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            database.read("read write fingerprints", c -> {
                try (PreparedStatement select = c.prepareStatement(
                        "SELECT record_id, field_hashes, written_at, expires_at FROM write_fingerprint "
                                + "WHERE target_system = ? AND entity = ? AND expires_at > ? AND record_id IN ("
                                + marks + ")")) {
                    select.setString(1, system);
                    select.setString(2, entity);
                    select.setLong(3, now.toEpochMilli());
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setString(4 + i, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        while (rows.next()) {
                            String id = rows.getString(1);
                            found.put(id, new WriteFingerprint(system, entity, id, parseHashes(rows.getString(2)),
                                    Instant.ofEpochMilli(rows.getLong(3)), Instant.ofEpochMilli(rows.getLong(4))));
                        }
                    }
                }
                return null;
            });
        }
        return found;
    }

    private static Map<String, String> parseHashes(String text) {
        Map<String, String> hashes = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                hashes.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        return hashes;
    }

    @Override
    public int purgeExpired(Instant now) {
        Objects.requireNonNull(now, "now");
        ensureOpen();
        return database.write("purge expired write fingerprints", c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM write_fingerprint WHERE expires_at <= ?")) {
                delete.setLong(1, now.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }

    // ---- leases

    /** One conditional upsert: the row changes only when it is free, expired or already ours. */
    @Override
    public boolean tryAcquire(String name, String holder, Duration ttl, Instant now) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(now, "now");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got: " + ttl);
        }
        ensureOpen();
        return database.write("take a lease", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO lease (name, holder, expires_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, "
                            + "expires_at = excluded.expires_at "
                            + "WHERE lease.holder = excluded.holder OR lease.expires_at <= ?")) {
                upsert.setString(1, name);
                upsert.setString(2, holder);
                upsert.setLong(3, now.plus(ttl).toEpochMilli());
                upsert.setLong(4, now.toEpochMilli());
                return upsert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public void release(String name, String holder) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        ensureOpen();
        database.write("release a lease", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM lease WHERE name = ? AND holder = ?")) {
                delete.setString(1, name);
                delete.setString(2, holder);
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public Optional<Lease> lease(String name) {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        return database.read("read a lease", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT holder, expires_at FROM lease WHERE name = ?")) {
                select.setString(1, name);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next()
                            ? Optional.of(new Lease(name, rows.getString(1), Instant.ofEpochMilli(rows.getLong(2))))
                            : Optional.empty();
                }
            }
        });
    }

    // ---- lifecycle

    /** One commit for everything {@code work} writes through this store and the event log sharing its database. */
    @Override
    public void inTransaction(Runnable work) {
        ensureOpen();
        database.transaction("write a batch of state", work);
    }

    @Override
    public void ping() {
        ensureOpen();
        database.read("reach the state store", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT 1");
                 ResultSet rows = select.executeQuery()) {
                return rows.next();
            }
        });
    }

    /** Releases this store's hold on the shared pool; the pool closes once the event log has let go too. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            database.release();
        }
    }

    private long count(String sql, String... parameters) {
        ensureOpen();
        return database.read("count rows", c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    select.setString(i + 1, parameters[i]);
                }
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The state store is closed");
        }
    }
}
