package dev.tandem.store.jdbc;

import dev.tandem.core.echo.WriteFingerprint;
import dev.tandem.core.spi.LeaseStore;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.spi.WriteFingerprints;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterChange;
import dev.tandem.core.state.DeadLetterQuery;
import java.util.Collection;
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
public final class JdbcStateStore implements StateStore, WriteFingerprints, LeaseStore,
        dev.tandem.core.profile.ProfileStore, dev.tandem.core.mapping.MappingDecisionStore,
        dev.tandem.core.flow.FlowVersionStore {

    private final Database database;
    private final JdbcDeadLetters deadLetters;
    private final JdbcSyncStore sync;
    private final JdbcProfileStore profiles;
    private final JdbcMappingDecisionStore mappingDecisions;
    private final JdbcFlowVersionStore flowVersions;
    private final dev.tandem.core.sync.RecordLocks recordLocks = new dev.tandem.core.sync.RecordLocks();
    private final AtomicBoolean closed = new AtomicBoolean();

    JdbcStateStore(Database database) {
        this.database = database;
        this.deadLetters = new JdbcDeadLetters(database);
        this.sync = new JdbcSyncStore(database);
        this.profiles = new JdbcProfileStore(database, java.time.Clock.systemUTC());
        this.mappingDecisions = new JdbcMappingDecisionStore(database);
        this.flowVersions = new JdbcFlowVersionStore(database);
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
    public List<Link> linksOf(String keyOrId) {
        ensureOpen();
        return database.read("read links", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT object_type, clarity_key, salesforce_id FROM id_map "
                    + "WHERE clarity_key = ? OR salesforce_id = ? ORDER BY object_type")) {
                select.setString(1, keyOrId);
                select.setString(2, keyOrId);
                try (ResultSet rows = select.executeQuery()) {
                    List<Link> links = new ArrayList<>();
                    while (rows.next()) {
                        links.add(new Link(rows.getString(1), rows.getString(2), rows.getString(3)));
                    }
                    return links;
                }
            }
        });
    }

    @Override
    public List<dev.tandem.core.state.SettleStats> settleStats(Instant since, Duration bucket) {
        ensureOpen();
        long size = Math.max(1000, bucket.toMillis());
        StringBuilder hist = new StringBuilder();
        for (long b : dev.tandem.core.state.SettleStats.BOUNDS_MS) {
            hist.append(", SUM(CASE WHEN duration_ms <= ").append(b).append(" THEN 1 ELSE 0 END)");
        }
        // The runtime writes one 'settle' entry per event and outcome; durations are receipt → settlement.
        String sql = "SELECT flow, (audited_at / " + size + ") * " + size + " AS bucket, "
                + "SUM(CASE WHEN outcome = 'OK' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'SKIPPED' THEN 1 ELSE 0 END), "
                + "SUM(CASE WHEN outcome = 'RETRY' THEN 1 ELSE 0 END), SUM(CASE WHEN outcome = 'DEAD_LETTER' THEN 1 ELSE 0 END)"
                + hist + ", COUNT(*) FROM audit_entry WHERE step = 'settle' AND audited_at >= ? "
                + "GROUP BY flow, (audited_at / " + size + ") ORDER BY flow, bucket";
        return database.read("summarise settlements", c -> {
            try (PreparedStatement select = c.prepareStatement(sql)) {
                select.setLong(1, since.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    List<dev.tandem.core.state.SettleStats> out = new ArrayList<>();
                    int n = dev.tandem.core.state.SettleStats.BOUNDS_MS.length;
                    while (rows.next()) {
                        long[] h = new long[n + 1];
                        for (int i = 0; i <= n; i++) {
                            h[i] = rows.getLong(7 + i);
                        }
                        out.add(new dev.tandem.core.state.SettleStats(rows.getString(1), Instant.ofEpochMilli(rows.getLong(2)),
                                rows.getLong(3), rows.getLong(4), rows.getLong(5), rows.getLong(6), h));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public int purgeAudit(Instant before) {
        ensureOpen();
        return database.write("purge the audit trail", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM audit_entry WHERE audited_at < ?")) {
                delete.setLong(1, before.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }

    @Override
    public List<AuditEntry> auditFor(Collection<Long> eventOffsets) {
        ensureOpen();
        List<Long> all = List.copyOf(eventOffsets);
        List<AuditEntry> out = new ArrayList<>();
        for (int from = 0; from < all.size(); from += 500) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + 500));
            out.addAll(database.read("read the audit trail", c -> {
                try (PreparedStatement select = c.prepareStatement("SELECT event_offset, flow, step, request_summary, "
                        + "response_status, duration_ms, outcome, detail, audited_at, flow_version, written FROM audit_entry "
                        + "WHERE event_offset IN (" + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"))
                        + ") ORDER BY event_offset, audited_at, id")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        select.setLong(i + 1, chunk.get(i));
                    }
                    try (ResultSet rows = select.executeQuery()) {
                        List<AuditEntry> entries = new ArrayList<>();
                        while (rows.next()) {
                            entries.add(new AuditEntry(rows.getLong("event_offset"), rows.getString("flow"),
                                    rows.getString("flow_version"), rows.getString("step"), rows.getString("request_summary"),
                                    rows.getInt("response_status"), rows.getLong("duration_ms"), rows.getString("outcome"),
                                    rows.getString("detail"), Instant.ofEpochMilli(rows.getLong("audited_at")), rows.getString("written")));
                        }
                        return entries;
                    }
                }
            }));
        }
        return out;
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

    @Override
    public long pendingRetryCount(String flow) {
        return count("SELECT COUNT(*) FROM pending_retry WHERE flow = ?", flow);
    }

    @Override
    public List<PendingRetry> pendingRetries(String flow, long afterOffset, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        ensureOpen();
        return database.read("list pending retries", c -> {
            // Two statements rather than "? IS NULL OR": PostgreSQL cannot type an untyped null parameter.
            try (PreparedStatement select = c.prepareStatement("SELECT event_offset, flow, attempts, due_at, last_error "
                    + "FROM pending_retry WHERE event_offset > ?" + (flow == null ? "" : " AND flow = ?")
                    + " ORDER BY event_offset, flow LIMIT ?")) {
                int i = 1;
                select.setLong(i++, afterOffset);
                if (flow != null) {
                    select.setString(i++, flow);
                }
                select.setInt(i, limit);
                return retries(select);
            }
        });
    }

    @Override
    public Optional<PendingRetry> pendingRetry(long eventOffset, String flow) {
        ensureOpen();
        return database.read("read a pending retry", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT event_offset, flow, attempts, due_at, last_error "
                    + "FROM pending_retry WHERE event_offset = ? AND flow = ?")) {
                select.setLong(1, eventOffset);
                select.setString(2, flow);
                List<PendingRetry> found = retries(select);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
            }
        });
    }

    @Override
    public Optional<Instant> earliestRetryDue() {
        ensureOpen();
        return database.read("read the earliest retry", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT MIN(due_at) FROM pending_retry");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                long min = rows.getLong(1);
                return rows.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(min));
            }
        });
    }

    private static List<PendingRetry> retries(PreparedStatement select) throws SQLException {
        try (ResultSet rows = select.executeQuery()) {
            List<PendingRetry> out = new ArrayList<>();
            while (rows.next()) {
                out.add(new PendingRetry(rows.getLong("event_offset"), rows.getString("flow"),
                        rows.getInt("attempts"), Instant.ofEpochMilli(rows.getLong("due_at")), rows.getString("last_error")));
            }
            return List.copyOf(out);
        }
    }

    // ---- alert rules added through the admin API (V23)

    @Override
    public List<StoredRule> alertRules() {
        ensureOpen();
        return database.read("read alert rules", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT name, definition, created_by, created_at FROM alert_rule ORDER BY created_at, name");
                 ResultSet rows = select.executeQuery()) {
                List<StoredRule> out = new ArrayList<>();
                while (rows.next()) {
                    out.add(new StoredRule(rows.getString(1), rows.getString(2), rows.getString(3),
                            Instant.ofEpochMilli(rows.getLong(4))));
                }
                return out;
            }
        });
    }

    @Override
    public void saveAlertRule(StoredRule rule) {
        ensureOpen();
        database.write("save an alert rule", c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO alert_rule (name, definition, created_by, "
                    + "created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, "
                    + "created_by = excluded.created_by, created_at = excluded.created_at")) {
                upsert.setString(1, rule.name());
                upsert.setString(2, rule.definition());
                upsert.setString(3, rule.createdBy());
                upsert.setLong(4, rule.createdAt().toEpochMilli());
                return upsert.executeUpdate();
            }
        });
    }

    @Override
    public boolean deleteAlertRule(String name) {
        ensureOpen();
        return database.write("delete an alert rule", c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM alert_rule WHERE name = ?")) {
                delete.setString(1, name);
                return delete.executeUpdate() == 1;
            }
        });
    }

    // ---- flow controls

    @Override
    public Map<String, FlowControl> flowControls() {
        ensureOpen();
        return database.read("read flow controls", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT flow, paused, changed_by, changed_at, reason FROM flow_control ORDER BY flow");
                 ResultSet rows = select.executeQuery()) {
                Map<String, FlowControl> controls = new LinkedHashMap<>();
                while (rows.next()) {
                    controls.put(rows.getString(1), new FlowControl(rows.getString(1), rows.getInt(2) != 0,
                            rows.getString(3), Instant.ofEpochMilli(rows.getLong(4)), rows.getString(5)));
                }
                return controls;
            }
        });
    }

    @Override
    public void saveFlowControl(FlowControl control) {
        ensureOpen();
        database.write("save a flow control", c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO flow_control (flow, paused, changed_by, "
                    + "changed_at, reason) VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow) DO UPDATE SET paused = excluded.paused, "
                    + "changed_by = excluded.changed_by, changed_at = excluded.changed_at, reason = excluded.reason")) {
                upsert.setString(1, control.flow());
                upsert.setInt(2, control.paused() ? 1 : 0);
                upsert.setString(3, control.changedBy());
                upsert.setLong(4, control.changedAt().toEpochMilli());
                upsert.setString(5, control.reason());
                return upsert.executeUpdate();
            }
        });
    }

    // ---- dead letters (JdbcDeadLetters)

    @Override
    public long addDeadLetter(DeadLetter deadLetter) {
        ensureOpen();
        return deadLetters.add(deadLetter);
    }

    @Override
    public Optional<DeadLetter> deadLetter(long id) {
        ensureOpen();
        return deadLetters.get(id);
    }

    @Override
    public List<DeadLetter> deadLetters(int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative: " + limit);
        }
        ensureOpen();
        return limit == 0 ? List.of() : deadLetters.find(DeadLetterQuery.all(Math.min(limit, DeadLetterQuery.MAX_LIMIT)));
    }

    @Override
    public List<DeadLetter> findDeadLetters(DeadLetterQuery query) {
        ensureOpen();
        return deadLetters.find(query);
    }

    @Override
    public long countDeadLetters(DeadLetterQuery query) {
        ensureOpen();
        return deadLetters.count(query);
    }

    @Override
    public Map<String, Map<String, Long>> activeDeadLetterCounts() {
        ensureOpen();
        return deadLetters.activeCounts();
    }

    @Override
    public Map<String, Long> deadLettersCreatedSince(Instant since) {
        ensureOpen();
        return deadLetters.failedSince(since);
    }

    @Override
    public List<DeadLetterChange> deadLetterHistory(long id) {
        ensureOpen();
        return deadLetters.history(id);
    }

    @Override
    public boolean changeDeadLetter(long id, Collection<DeadLetter.State> from, DeadLetter.State to, String actor,
                                    String action, String reason, String edit, Instant at) {
        ensureOpen();
        return deadLetters.change(id, from, to, actor, action, reason, edit, at);
    }

    @Override
    public int resolveDeadLettersOf(String flow, String recordKey, long offset, String reason, Instant at) {
        ensureOpen();
        return deadLetters.resolveOf(flow, recordKey, offset, reason, at);
    }

    @Override
    public List<DeadLetter> openDeadLettersReferencing(Collection<String> refs) {
        ensureOpen();
        return refs.isEmpty() ? List.of() : deadLetters.openReferencing(refs);
    }

    @Override
    public List<String> activeDeadLetterKeys(String flow) {
        ensureOpen();
        return deadLetters.activeKeys(flow);
    }

    @Override
    public Map<Long, String> retryEdits(String flow, Collection<Long> offsets) {
        ensureOpen();
        return deadLetters.retryEdits(flow, offsets);
    }

    @Override
    public int purgeSettledDeadLetters(Instant before) {
        ensureOpen();
        return deadLetters.purgeSettled(before);
    }

    @Override
    public long deadLetterCount() {
        ensureOpen();
        return deadLetters.activeCount();
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
                            + "duration_ms, outcome, detail, audited_at, flow_version, written) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
                insert.setString(11, entry.written());
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
                            + "duration_ms, outcome, detail, audited_at, flow_version, written) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
                    insert.setString(11, entry.written());
                insert.setString(11, entry.written());
                    insert.addBatch();
                }
                insert.executeBatch();
                return entries.size();
            }
        });
    }

    @Override
    public List<Long> eventsWriting(String keyOrId, int limit) {
        ensureOpen();
        String escaped = JdbcDeadLetters.escape(keyOrId.replace("\\", "\\\\").replace("\"", "\\\""));
        return database.read("find the events that wrote a record", c -> {
            // written is compact JSON ({"ref":{"entity":…,"key":…,"id":…,"fields":{…}}}); a scan like eventsMentioning's.
            try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT event_offset FROM audit_entry WHERE "
                    + "written LIKE ? ESCAPE '\\' OR written LIKE ? ESCAPE '\\' ORDER BY event_offset DESC LIMIT ?")) {
                select.setString(1, "%\"key\":\"" + escaped + "\"%");
                select.setString(2, "%\"id\":\"" + escaped + "\"%");
                select.setInt(3, limit);
                try (ResultSet rows = select.executeQuery()) {
                    List<Long> offsets = new ArrayList<>();
                    while (rows.next()) {
                        offsets.add(rows.getLong(1));
                    }
                    return List.copyOf(offsets);
                }
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
                            + "detail, audited_at, flow_version, written FROM audit_entry WHERE event_offset = ? ORDER BY audited_at, id")) {
                select.setLong(1, eventOffset);
                try (ResultSet rows = select.executeQuery()) {
                    List<AuditEntry> entries = new ArrayList<>();
                    while (rows.next()) {
                        entries.add(new AuditEntry(rows.getLong("event_offset"), rows.getString("flow"),
                                rows.getString("flow_version"), rows.getString("step"), rows.getString("request_summary"),
                                rows.getInt("response_status"), rows.getLong("duration_ms"),
                                rows.getString("outcome"), rows.getString("detail"),
                                Instant.ofEpochMilli(rows.getLong("audited_at")), rows.getString("written")));
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
        rememberAll(List.of(fingerprint));
    }

    @Override
    public void rememberAll(java.util.Collection<WriteFingerprint> fingerprints) {
        if (fingerprints.isEmpty()) {
            return;
        }
        ensureOpen();
        List<String> hashLines = new ArrayList<>(fingerprints.size());
        for (WriteFingerprint fingerprint : fingerprints) {
            StringBuilder hashes = new StringBuilder();
            fingerprint.sortedFieldHashes().forEach((field, hash) -> {
                if (field.indexOf('\t') >= 0 || field.indexOf('\n') >= 0) {
                    throw new IllegalArgumentException("A field name must not hold a tab or a line break: " + field);
                }
                hashes.append(field).append('\t').append(hash).append('\n');
            });
            hashLines.add(hashes.toString());
        }
        database.write("store write fingerprints", c -> {
            try (PreparedStatement upsert = c.prepareStatement(
                    "INSERT INTO write_fingerprint (target_system, entity, record_id, field_hashes, written_at, "
                            + "expires_at) VALUES (?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (target_system, entity, record_id) DO UPDATE SET "
                            + "field_hashes = excluded.field_hashes, written_at = excluded.written_at, "
                            + "expires_at = excluded.expires_at")) {
                int i = 0;
                for (WriteFingerprint fingerprint : fingerprints) {
                    upsert.setString(1, fingerprint.system());
                    upsert.setString(2, fingerprint.entity());
                    upsert.setString(3, fingerprint.recordId());
                    upsert.setString(4, hashLines.get(i++));
                    upsert.setLong(5, fingerprint.writtenAt().toEpochMilli());
                    upsert.setLong(6, fingerprint.expiresAt().toEpochMilli());
                    upsert.addBatch();
                }
                return upsert.executeBatch().length;
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

    // ---- two-way sync: baselines and conflicts (JdbcSyncStore, V24)

    @Override
    public Map<String, String> baseline(String system, String entity, String recordId) {
        ensureOpen();
        return sync.baseline(system, entity, recordId);
    }

    @Override
    public void saveBaseline(String system, String entity, String recordId, Map<String, String> fieldHashes,
                             Instant at) {
        ensureOpen();
        sync.saveBaseline(system, entity, recordId, fieldHashes, at);
    }

    @Override
    public Optional<dev.tandem.core.sync.Conflict> openConflict(String pairKey) {
        ensureOpen();
        return sync.openConflict(pairKey);
    }

    @Override
    public dev.tandem.core.sync.Conflict openConflict(dev.tandem.core.sync.Conflict conflict) {
        ensureOpen();
        return sync.openConflict(conflict);
    }

    @Override
    public Optional<dev.tandem.core.sync.Conflict> conflict(long id) {
        ensureOpen();
        return sync.conflict(id);
    }

    @Override
    public List<dev.tandem.core.sync.Conflict> conflicts(String state, String flowId, int limit) {
        ensureOpen();
        return sync.conflicts(state, flowId, limit);
    }

    @Override
    public boolean resolveConflict(long id, String resolution, String by, Instant at) {
        ensureOpen();
        return sync.resolveConflict(id, resolution, by, at);
    }

    @Override
    public long countOpenConflicts() {
        ensureOpen();
        return sync.countOpenConflicts();
    }

    /** This store's per-record locks: every flow and the review queue syncing through it share them. */
    @Override
    public dev.tandem.core.sync.RecordLocks recordLocks() {
        return recordLocks;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("The state store is closed");
        }
    }

    // ---- learned data profiles (JdbcProfileStore, V27)

    @Override
    public java.util.Map<String, dev.tandem.core.profile.FieldProfile> profiles(String flow) {
        ensureOpen();
        return profiles.profiles(flow);
    }

    @Override
    public void saveProfiles(String flow, java.util.Map<String, dev.tandem.core.profile.FieldProfile> byField) {
        ensureOpen();
        profiles.saveProfiles(flow, byField);
    }

    @Override
    public int resetProfiles(String flow, String field) {
        ensureOpen();
        return profiles.resetProfiles(flow, field);
    }

    // ---- decisions about field-mapping suggestions (JdbcMappingDecisionStore, V28)

    @Override
    public java.util.List<Decision> decisions(String sourceSystem, String targetObject) {
        ensureOpen();
        return mappingDecisions.decisions(sourceSystem, targetObject);
    }

    @Override
    public void recordDecisions(java.util.List<Decision> decisions) {
        ensureOpen();
        mappingDecisions.recordDecisions(decisions);
    }

    @Override
    public int forgetDecisions(String sourceSystem, String targetObject) {
        ensureOpen();
        return mappingDecisions.forgetDecisions(sourceSystem, targetObject);
    }

    // ---- the versions of the flows (JdbcFlowVersionStore, V29)

    @Override
    public boolean recordVersion(dev.tandem.core.flow.FlowVersionStore.Version version) {
        ensureOpen();
        return flowVersions.recordVersion(version);
    }

    @Override
    public java.util.List<dev.tandem.core.flow.FlowVersionStore.Version> versions(String flow) {
        ensureOpen();
        return flowVersions.versions(flow);
    }

    @Override
    public java.util.Optional<dev.tandem.core.flow.FlowVersionStore.Version> version(String flow, String version) {
        ensureOpen();
        return flowVersions.version(flow, version);
    }
}
