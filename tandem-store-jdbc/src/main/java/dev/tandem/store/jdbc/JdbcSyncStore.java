package dev.tandem.store.jdbc;

import dev.tandem.core.spi.SyncStore;
import dev.tandem.core.sync.Conflict;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Two-way sync's baselines and conflict review queue in the state database (tables from V24). */
final class JdbcSyncStore implements SyncStore {

    private static final String COLUMNS = "id, flow, state, source_system, source_entity, source_id, source_key_field, "
            + "source_key, source_field, target_system, target_entity, target_id, target_key_field, target_key, "
            + "target_field, source_value, target_value, source_modified, target_modified, policy, reason, event_offset, "
            + "opened_at, updated_at, resolution, resolved_by, resolved_at";

    private final Database database;

    JdbcSyncStore(Database database) {
        this.database = database;
    }

    @Override
    public Map<String, String> baseline(String system, String entity, String recordId) {
        return database.read("read a sync baseline", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT field, value_hash FROM sync_baseline "
                    + "WHERE system = ? AND entity = ? AND record_id = ?")) {
                select.setString(1, system);
                select.setString(2, entity);
                select.setString(3, recordId);
                try (ResultSet rows = select.executeQuery()) {
                    Map<String, String> out = new LinkedHashMap<>();
                    while (rows.next()) {
                        out.put(rows.getString(1), rows.getString(2));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public void saveBaseline(String system, String entity, String recordId, Map<String, String> fieldHashes,
                             Instant at) {
        if (fieldHashes.isEmpty()) {
            return;
        }
        database.write("save a sync baseline", c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO sync_baseline (system, entity, record_id, "
                    + "field, value_hash, synced_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (system, entity, record_id, "
                    + "field) DO UPDATE SET value_hash = excluded.value_hash, synced_at = excluded.synced_at "
                    + "WHERE sync_baseline.synced_at <= excluded.synced_at")) {
                for (Map.Entry<String, String> f : fieldHashes.entrySet()) {
                    upsert.setString(1, system);
                    upsert.setString(2, entity);
                    upsert.setString(3, recordId);
                    upsert.setString(4, f.getKey());
                    upsert.setString(5, f.getValue());
                    upsert.setLong(6, at.toEpochMilli());
                    upsert.addBatch();
                }
                upsert.executeBatch();
                return null;
            }
        });
    }

    @Override
    public Optional<Conflict> openConflict(String pairKey) {
        return database.read("read an open conflict", c -> open(c, pairKey));
    }

    private static Optional<Conflict> open(Connection c, String pairKey) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM sync_conflict "
                + "WHERE pair_key = ? AND state = 'OPEN' ORDER BY id LIMIT 1")) {
            select.setString(1, pairKey);
            List<Conflict> found = conflicts(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    @Override
    public Conflict openConflict(Conflict conflict) {
        return database.write("open a conflict", c -> {
            Optional<Conflict> existing = open(c, conflict.pairKey());
            if (existing.isPresent()) {
                // The values and times follow the latest finding; the reason stays the first finder's.
                try (PreparedStatement update = c.prepareStatement("UPDATE sync_conflict SET source_value = ?, "
                        + "target_value = ?, source_modified = ?, target_modified = ?, updated_at = ? WHERE id = ?")) {
                    Conflict e = existing.get();
                    // The values keep the pair's orientation of the first finder.
                    boolean same = e.source().address().equals(conflict.source().address());
                    update.setString(1, same ? conflict.sourceValue() : conflict.targetValue());
                    update.setString(2, same ? conflict.targetValue() : conflict.sourceValue());
                    setInstant(update, 3, same ? conflict.sourceModified() : conflict.targetModified());
                    setInstant(update, 4, same ? conflict.targetModified() : conflict.sourceModified());
                    update.setLong(5, conflict.updatedAt().toEpochMilli());
                    update.setLong(6, e.id());
                    update.executeUpdate();
                }
                return byId(c, existing.get().id()).orElseThrow();
            }
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO sync_conflict (flow, state, pair_key, "
                    + "source_system, source_entity, source_id, source_key_field, source_key, source_field, "
                    + "target_system, target_entity, target_id, target_key_field, target_key, target_field, "
                    + "source_value, target_value, source_modified, target_modified, policy, reason, event_offset, "
                    + "opened_at, updated_at, resolution, resolved_by) "
                    + "VALUES (?, 'OPEN', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '') "
                    + "RETURNING id")) {
                int i = 1;
                insert.setString(i++, conflict.flowId());
                insert.setString(i++, conflict.pairKey());
                for (Conflict.Side s : List.of(conflict.source(), conflict.target())) {
                    insert.setString(i++, s.system());
                    insert.setString(i++, s.entity());
                    insert.setString(i++, s.recordId());
                    insert.setString(i++, s.keyField());
                    insert.setString(i++, s.key());
                    insert.setString(i++, s.field());
                }
                insert.setString(i++, conflict.sourceValue());
                insert.setString(i++, conflict.targetValue());
                setInstant(insert, i++, conflict.sourceModified());
                setInstant(insert, i++, conflict.targetModified());
                insert.setString(i++, conflict.policy());
                insert.setString(i++, conflict.reason());
                insert.setLong(i++, conflict.eventOffset());
                insert.setLong(i++, conflict.openedAt().toEpochMilli());
                insert.setLong(i, conflict.updatedAt().toEpochMilli());
                long id;
                try (ResultSet keys = insert.executeQuery()) {
                    keys.next();
                    id = keys.getLong(1);
                }
                return byId(c, id).orElseThrow();
            }
        });
    }

    @Override
    public Optional<Conflict> conflict(long id) {
        return database.read("read a conflict", c -> byId(c, id));
    }

    private static Optional<Conflict> byId(Connection c, long id) throws SQLException {
        try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM sync_conflict WHERE id = ?")) {
            select.setLong(1, id);
            List<Conflict> found = conflicts(select);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
        }
    }

    @Override
    public List<Conflict> conflicts(String state, String flowId, int limit) {
        return database.read("list conflicts", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM sync_conflict "
                    + "WHERE (CAST(? AS TEXT) IS NULL OR state = ?) AND (CAST(? AS TEXT) IS NULL OR flow = ?) "
                    + "ORDER BY id DESC LIMIT ?")) {
                select.setString(1, state);
                select.setString(2, state);
                select.setString(3, flowId);
                select.setString(4, flowId);
                select.setInt(5, Math.max(1, limit));
                return conflicts(select);
            }
        });
    }

    @Override
    public boolean resolveConflict(long id, String resolution, String by, Instant at) {
        return database.write("resolve a conflict", c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE sync_conflict SET state = 'RESOLVED', "
                    + "resolution = ?, resolved_by = ?, resolved_at = ? WHERE id = ? AND state = 'OPEN'")) {
                update.setString(1, resolution);
                update.setString(2, by);
                update.setLong(3, at.toEpochMilli());
                update.setLong(4, id);
                return update.executeUpdate() == 1;
            }
        });
    }

    @Override
    public long countOpenConflicts() {
        return database.read("count open conflicts", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM sync_conflict WHERE state = 'OPEN'");
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    private static List<Conflict> conflicts(PreparedStatement select) throws SQLException {
        try (ResultSet r = select.executeQuery()) {
            List<Conflict> out = new ArrayList<>();
            while (r.next()) {
                out.add(new Conflict(r.getLong("id"), r.getString("flow"), r.getString("state"),
                        new Conflict.Side(r.getString("source_system"), r.getString("source_entity"),
                                r.getString("source_id"), r.getString("source_key_field"), r.getString("source_key"),
                                r.getString("source_field")),
                        new Conflict.Side(r.getString("target_system"), r.getString("target_entity"),
                                r.getString("target_id"), r.getString("target_key_field"), r.getString("target_key"),
                                r.getString("target_field")),
                        r.getString("source_value"), r.getString("target_value"), instant(r, "source_modified"),
                        instant(r, "target_modified"), r.getString("policy"), r.getString("reason"),
                        r.getLong("event_offset"), instant(r, "opened_at"), instant(r, "updated_at"),
                        r.getString("resolution"), r.getString("resolved_by"), instant(r, "resolved_at")));
            }
            return out;
        }
    }

    private static Instant instant(ResultSet r, String column) throws SQLException {
        long millis = r.getLong(column);
        return r.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    private static void setInstant(PreparedStatement s, int i, Instant at) throws SQLException {
        if (at == null) {
            s.setNull(i, Types.BIGINT);
        } else {
            s.setLong(i, at.toEpochMilli());
        }
    }
}
