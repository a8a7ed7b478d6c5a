package dev.tandem.store.jdbc;

import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterChange;
import dev.tandem.core.state.DeadLetterQuery;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The dead-letter tables of V1/V3/V21: {@code dead_letter}, {@code dead_letter_ref} and {@code dead_letter_change}.
 * Every filter value is a bound parameter; LIKE patterns escape {@code %}, {@code _} and {@code \} so a search for
 * {@code 100%} finds that text and nothing else.
 */
final class JdbcDeadLetters {

    static final String COLUMNS = "id, event_offset, flow, flow_version, entity, entity_key, record_key, step, "
            + "error_code, error_class, error_message, http_status, fields, payload, request, attempts, occurrences, "
            + "state, resolution, edit, created_at, updated_at";
    private static final String ACTIVE = "('OPEN', 'RETRYING')";
    private static final String RUNTIME = "tandem";
    /** Bound parameters per IN list, well under SQLite's and PostgreSQL's limits. */
    private static final int CHUNK = 500;

    private final Database database;

    JdbcDeadLetters(Database database) {
        this.database = database;
    }

    long add(DeadLetter d) {
        Objects.requireNonNull(d, "deadLetter");
        Objects.requireNonNull(d.flow(), "flow");
        Objects.requireNonNull(d.createdAt(), "createdAt");
        return database.write("store a dead letter", c -> {
            long id = 0;
            DeadLetter.State before = null;
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT id, state FROM dead_letter WHERE event_offset = ? AND flow = ?")) {
                select.setLong(1, d.eventOffset());
                select.setString(2, d.flow());
                try (ResultSet rows = select.executeQuery()) {
                    if (rows.next()) {
                        id = rows.getLong(1);
                        before = DeadLetter.State.parse(rows.getString(2));
                    }
                }
            }
            if (id == 0 && !d.recordKey().isEmpty()) {
                // The same record failing the same way again: one dead letter with a counter, not one per event.
                try (PreparedStatement select = c.prepareStatement("SELECT id, state FROM dead_letter WHERE flow = ? "
                        + "AND record_key = ? AND error_code = ? AND state IN " + ACTIVE + " ORDER BY id DESC LIMIT 1")) {
                    select.setString(1, d.flow());
                    select.setString(2, d.recordKey());
                    select.setString(3, d.errorCode());
                    try (ResultSet rows = select.executeQuery()) {
                        if (rows.next()) {
                            id = rows.getLong(1);
                            before = DeadLetter.State.parse(rows.getString(2));
                        }
                    }
                }
            }
            long at = d.createdAt().toEpochMilli();
            String action;
            if (id != 0) {
                try (PreparedStatement update = c.prepareStatement("UPDATE dead_letter SET event_offset = ?, "
                        + "flow_version = ?, entity = ?, entity_key = ?, record_key = ?, step = ?, error_code = ?, "
                        + "error_class = ?, error_message = ?, http_status = ?, fields = ?, payload = ?, request = ?, "
                        + "attempts = ?, occurrences = occurrences + 1, state = 'OPEN', resolution = NULL, "
                        + "updated_at = ? WHERE id = ?")) {
                    int i = bindFailure(update, d, 1);
                    update.setLong(i++, at);
                    update.setLong(i, id);
                    update.executeUpdate();
                }
                action = "failed-again";
            } else {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO dead_letter (event_offset, "
                        + "flow_version, entity, entity_key, record_key, step, error_code, error_class, error_message, "
                        + "http_status, fields, payload, request, attempts, flow, occurrences, state, created_at, "
                        + "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 'OPEN', ?, ?) RETURNING id")) {
                    int i = bindFailure(insert, d, 1);
                    insert.setString(i++, d.flow());
                    insert.setLong(i++, at);
                    insert.setLong(i, at);
                    try (ResultSet rows = insert.executeQuery()) {
                        if (!rows.next()) {
                            throw new SQLException("Storing a dead letter returned no id");
                        }
                        id = rows.getLong(1);
                    }
                }
                action = "dead-lettered";
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM dead_letter_ref WHERE dead_letter_id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
            if (!d.refs().isEmpty()) {
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO dead_letter_ref (dead_letter_id, ref_key) VALUES (?, ?)")) {
                    for (String ref : new LinkedHashSet<>(d.refs())) {
                        insert.setLong(1, id);
                        insert.setString(2, ref);
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
            }
            change(c, id, Instant.ofEpochMilli(at), RUNTIME, action, before, DeadLetter.State.OPEN,
                    d.errorCode() + ": " + d.errorMessage() + " (event " + d.eventOffset() + ", attempt " + d.attempts() + ")");
            return id;
        });
    }

    /** Binds event_offset … attempts (14 parameters) from {@code parameter}; returns the next index. */
    private static int bindFailure(PreparedStatement s, DeadLetter d, int parameter) throws SQLException {
        int i = parameter;
        s.setLong(i++, d.eventOffset());
        s.setString(i++, d.flowVersion());
        s.setString(i++, d.entity());
        s.setString(i++, d.entityKey());
        s.setString(i++, d.recordKey());
        s.setString(i++, d.step());
        s.setString(i++, d.errorCode());
        s.setString(i++, d.errorClass().id());
        s.setString(i++, d.errorMessage());
        s.setInt(i++, d.httpStatus());
        s.setString(i++, String.join(",", d.fields()));
        s.setString(i++, d.payload());
        if (d.request() == null) {
            s.setNull(i++, Types.VARCHAR);
        } else {
            s.setString(i++, d.request());
        }
        s.setInt(i++, d.attempts());
        return i;
    }

    private static void change(Connection c, long id, Instant at, String actor, String action, DeadLetter.State from,
                               DeadLetter.State to, String detail) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO dead_letter_change (dead_letter_id, changed_at, "
                + "actor, action, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            insert.setLong(1, id);
            insert.setLong(2, at.toEpochMilli());
            insert.setString(3, actor);
            insert.setString(4, action);
            insert.setString(5, from == null ? null : from.name());
            insert.setString(6, to.name());
            insert.setString(7, detail);
            insert.executeUpdate();
        }
    }

    Optional<DeadLetter> get(long id) {
        return database.read("read a dead letter", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE id = ?")) {
                select.setLong(1, id);
                List<DeadLetter> found = list(c, select);
                return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
            }
        });
    }

    List<DeadLetter> find(DeadLetterQuery q) {
        return database.read("list dead letters", c -> {
            List<Object> params = new ArrayList<>();
            String where = where(q, params);
            if (q.beforeId() > 0) {
                where += (where.isEmpty() ? " WHERE " : " AND ") + "id < ?";
                params.add(q.beforeId());
            }
            params.add(q.limit());
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter" + where
                    + " ORDER BY id DESC LIMIT ?")) {
                bind(select, params);
                return list(c, select);
            }
        });
    }

    long count(DeadLetterQuery q) {
        return database.read("count dead letters", c -> {
            List<Object> params = new ArrayList<>();
            String where = where(q, params);
            try (PreparedStatement select = c.prepareStatement("SELECT COUNT(*) FROM dead_letter" + where)) {
                bind(select, params);
                try (ResultSet rows = select.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        });
    }

    /** The WHERE clause of a query (empty for none), its values appended to {@code params} in order. */
    private static String where(DeadLetterQuery q, List<Object> params) {
        List<String> clauses = new ArrayList<>();
        in(clauses, params, "flow", q.flows());
        in(clauses, params, "step", q.steps());
        in(clauses, params, "error_code", q.errorCodes());
        in(clauses, params, "error_class", q.errorClasses().stream().map(ErrorClass::id).toList());
        in(clauses, params, "state", q.states().stream().map(DeadLetter.State::name).toList());
        if (q.key() != null) {
            String k = q.key();
            clauses.add("(entity_key = ? OR record_key = ? OR record_key LIKE ? ESCAPE '\\' OR id IN "
                    + "(SELECT dead_letter_id FROM dead_letter_ref WHERE ref_key = ? OR ref_key LIKE ? ESCAPE '\\'))");
            params.addAll(List.of(k, k, "%/" + escape(k), k, "%/" + escape(k)));
        }
        if (q.text() != null) {
            for (String word : q.text().toLowerCase(Locale.ROOT).split("\\s+")) {
                if (word.isEmpty()) {
                    continue;
                }
                String like = "%" + escape(word) + "%";
                clauses.add("(LOWER(error_message) LIKE ? ESCAPE '\\' OR LOWER(error_code) LIKE ? ESCAPE '\\' "
                        + "OR LOWER(entity_key) LIKE ? ESCAPE '\\' OR LOWER(COALESCE(payload, '')) LIKE ? ESCAPE '\\')");
                params.addAll(List.of(like, like, like, like));
            }
        }
        if (q.from() != null) {
            clauses.add("created_at >= ?");
            params.add(q.from().toEpochMilli());
        }
        if (q.to() != null) {
            clauses.add("created_at < ?");
            params.add(q.to().toEpochMilli());
        }
        return clauses.isEmpty() ? "" : " WHERE " + String.join(" AND ", clauses);
    }

    private static void in(List<String> clauses, List<Object> params, String column, Collection<String> values) {
        if (!values.isEmpty()) {
            clauses.add(column + " IN (" + String.join(", ", java.util.Collections.nCopies(values.size(), "?")) + ")");
            params.addAll(values);
        }
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    private static void bind(PreparedStatement s, List<Object> params) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object p = params.get(i);
            if (p instanceof Long l) {
                s.setLong(i + 1, l);
            } else if (p instanceof Integer n) {
                s.setInt(i + 1, n);
            } else {
                s.setString(i + 1, (String) p);
            }
        }
    }

    Map<String, Map<String, Long>> activeCounts() {
        return database.read("count dead letters", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT flow, error_code, COUNT(*) FROM dead_letter "
                    + "WHERE state IN " + ACTIVE + " GROUP BY flow, error_code ORDER BY flow, error_code");
                 ResultSet rows = select.executeQuery()) {
                Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
                while (rows.next()) {
                    counts.computeIfAbsent(rows.getString(1), f -> new LinkedHashMap<>())
                            .put(rows.getString(2) == null ? "" : rows.getString(2), rows.getLong(3));
                }
                return counts;
            }
        });
    }

    Map<String, Long> failedSince(Instant since) {
        return database.read("count recent dead letters", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT flow, COUNT(*) FROM dead_letter WHERE updated_at >= ? AND state IN " + ACTIVE + " GROUP BY flow")) {
                select.setLong(1, since.toEpochMilli());
                try (ResultSet rows = select.executeQuery()) {
                    Map<String, Long> counts = new LinkedHashMap<>();
                    while (rows.next()) {
                        counts.put(rows.getString(1), rows.getLong(2));
                    }
                    return counts;
                }
            }
        });
    }

    List<DeadLetterChange> history(long id) {
        return database.read("read a dead letter's history", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT dead_letter_id, changed_at, actor, action, "
                    + "from_state, to_state, detail FROM dead_letter_change WHERE dead_letter_id = ? ORDER BY id")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    List<DeadLetterChange> changes = new ArrayList<>();
                    while (rows.next()) {
                        String from = rows.getString(5);
                        changes.add(new DeadLetterChange(rows.getLong(1), Instant.ofEpochMilli(rows.getLong(2)),
                                rows.getString(3), rows.getString(4), from == null ? null : DeadLetter.State.parse(from),
                                DeadLetter.State.parse(rows.getString(6)), rows.getString(7)));
                    }
                    return List.copyOf(changes);
                }
            }
        });
    }

    boolean change(long id, Collection<DeadLetter.State> from, DeadLetter.State to, String actor, String action,
                   String reason, String edit, Instant at) {
        if (from.isEmpty()) {
            return false;
        }
        return database.write("change a dead letter", c -> {
            DeadLetter.State before;
            try (PreparedStatement select = c.prepareStatement("SELECT state FROM dead_letter WHERE id = ?")) {
                select.setLong(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    if (!rows.next()) {
                        return false;
                    }
                    before = DeadLetter.State.parse(rows.getString(1));
                }
            }
            if (!from.contains(before)) {
                return false;
            }
            boolean settled = to == DeadLetter.State.RESOLVED || to == DeadLetter.State.IGNORED;
            try (PreparedStatement update = c.prepareStatement("UPDATE dead_letter SET state = ?, updated_at = ?, "
                    + "resolution = ?, edit = COALESCE(?, edit) WHERE id = ? AND state = ?")) {
                update.setString(1, to.name());
                update.setLong(2, at.toEpochMilli());
                update.setString(3, settled ? reason : null);
                update.setString(4, edit);
                update.setLong(5, id);
                update.setString(6, before.name());
                if (update.executeUpdate() != 1) {
                    return false;
                }
            }
            change(c, id, at, actor, action, before, to, reason);
            return true;
        });
    }

    int resolveOf(String flow, String recordKey, long offset, String reason, Instant at) {
        return database.write("resolve dead letters", c -> {
            List<long[]> found = new ArrayList<>();
            List<DeadLetter.State> states = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT id, state FROM dead_letter WHERE flow = ? AND "
                    + "record_key = ? AND state IN " + ACTIVE + " AND event_offset <= ?")) {
                select.setString(1, flow);
                select.setString(2, recordKey);
                select.setLong(3, offset);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        found.add(new long[]{rows.getLong(1)});
                        states.add(DeadLetter.State.parse(rows.getString(2)));
                    }
                }
            }
            for (int i = 0; i < found.size(); i++) {
                long id = found.get(i)[0];
                try (PreparedStatement update = c.prepareStatement("UPDATE dead_letter SET state = 'RESOLVED', "
                        + "resolution = ?, updated_at = ? WHERE id = ?")) {
                    update.setString(1, reason);
                    update.setLong(2, at.toEpochMilli());
                    update.setLong(3, id);
                    update.executeUpdate();
                }
                change(c, id, at, RUNTIME, "auto-resolve", states.get(i), DeadLetter.State.RESOLVED, reason);
            }
            return found.size();
        });
    }

    List<DeadLetter> openReferencing(Collection<String> refs) {
        List<String> all = List.copyOf(new LinkedHashSet<>(refs));
        List<DeadLetter> out = new ArrayList<>();
        Set<Long> seen = new java.util.HashSet<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            out.addAll(database.read("find dead letters by related record", c -> {
                try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS + " FROM dead_letter WHERE "
                        + "state = 'OPEN' AND id IN (SELECT dead_letter_id FROM dead_letter_ref WHERE ref_key IN ("
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")) ORDER BY id")) {
                    bind(select, new ArrayList<>(chunk));
                    return list(c, select);
                }
            }).stream().filter(d -> seen.add(d.id())).toList());
        }
        return out;
    }

    List<String> activeKeys(String flow) {
        return database.read("read dead-lettered record keys", c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT DISTINCT record_key FROM dead_letter "
                    + "WHERE flow = ? AND state IN " + ACTIVE)) {
                select.setString(1, flow);
                try (ResultSet rows = select.executeQuery()) {
                    List<String> keys = new ArrayList<>();
                    while (rows.next()) {
                        keys.add(rows.getString(1));
                    }
                    return keys;
                }
            }
        });
    }

    Map<Long, String> retryEdits(String flow, Collection<Long> offsets) {
        if (offsets.isEmpty()) {
            return Map.of();
        }
        List<Long> all = List.copyOf(offsets);
        Map<Long, String> edits = new LinkedHashMap<>();
        for (int from = 0; from < all.size(); from += CHUNK) {
            List<Long> chunk = all.subList(from, Math.min(all.size(), from + CHUNK));
            edits.putAll(database.read("read retry edits", c -> {
                try (PreparedStatement select = c.prepareStatement("SELECT event_offset, edit FROM dead_letter WHERE "
                        + "flow = ? AND state = 'RETRYING' AND edit IS NOT NULL AND event_offset IN ("
                        + String.join(", ", java.util.Collections.nCopies(chunk.size(), "?")) + ")")) {
                    List<Object> params = new ArrayList<>();
                    params.add(flow);
                    params.addAll(chunk);
                    bind(select, params);
                    try (ResultSet rows = select.executeQuery()) {
                        Map<Long, String> found = new LinkedHashMap<>();
                        while (rows.next()) {
                            found.put(rows.getLong(1), rows.getString(2));
                        }
                        return found;
                    }
                }
            }));
        }
        return edits;
    }

    int purgeSettled(Instant before) {
        return database.write("purge settled dead letters", c -> {
            String settled = "SELECT id FROM dead_letter WHERE state IN ('RESOLVED', 'IGNORED') AND updated_at < ?";
            for (String table : List.of("dead_letter_ref", "dead_letter_change")) {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + table + " WHERE dead_letter_id IN ("
                        + settled + ")")) {
                    delete.setLong(1, before.toEpochMilli());
                    delete.executeUpdate();
                }
            }
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM dead_letter WHERE state IN ('RESOLVED', "
                    + "'IGNORED') AND updated_at < ?")) {
                delete.setLong(1, before.toEpochMilli());
                return delete.executeUpdate();
            }
        });
    }

    long activeCount() {
        return database.read("count dead letters", c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT COUNT(*) FROM dead_letter WHERE state IN " + ACTIVE);
                 ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        });
    }

    /** The rows of {@code select}, with their refs (one more query for the page). */
    private static List<DeadLetter> list(Connection c, PreparedStatement select) throws SQLException {
        List<Object[]> raw = new ArrayList<>();
        try (ResultSet row = select.executeQuery()) {
            while (row.next()) {
                raw.add(new Object[]{row.getLong("id"), row.getLong("event_offset"), row.getString("flow"),
                        row.getString("flow_version"), row.getString("entity"), row.getString("entity_key"),
                        row.getString("record_key"), row.getString("step"), row.getString("error_code"),
                        row.getString("error_class"), row.getString("error_message"), row.getInt("http_status"),
                        row.getString("fields"), row.getString("payload"), row.getString("request"),
                        row.getInt("attempts"), row.getInt("occurrences"), row.getString("state"),
                        row.getString("resolution"), row.getString("edit"), row.getLong("created_at"),
                        row.getLong("updated_at")});
            }
        }
        Map<Long, List<String>> refs = new LinkedHashMap<>();
        if (!raw.isEmpty()) {
            List<Long> ids = raw.stream().map(r -> (Long) r[0]).toList();
            try (PreparedStatement s = c.prepareStatement("SELECT dead_letter_id, ref_key FROM dead_letter_ref WHERE "
                    + "dead_letter_id IN (" + String.join(", ", java.util.Collections.nCopies(ids.size(), "?"))
                    + ") ORDER BY ref_key")) {
                for (int i = 0; i < ids.size(); i++) {
                    s.setLong(i + 1, ids.get(i));
                }
                try (ResultSet rows = s.executeQuery()) {
                    while (rows.next()) {
                        refs.computeIfAbsent(rows.getLong(1), k -> new ArrayList<>()).add(rows.getString(2));
                    }
                }
            }
        }
        List<DeadLetter> out = new ArrayList<>(raw.size());
        for (Object[] r : raw) {
            String code = (String) r[8];
            String cls = (String) r[9];
            int status = (Integer) r[11];
            String fields = (String) r[12];
            out.add(new DeadLetter((Long) r[0], (Long) r[1], (String) r[2], (String) r[3], (String) r[4],
                    (String) r[5], (String) r[6], (String) r[7], code,
                    cls == null || cls.isEmpty() ? ErrorClass.of(code, status) : ErrorClass.parse(cls),
                    (String) r[10], status, fields == null || fields.isEmpty() ? List.of() : Arrays.asList(fields.split(",")),
                    (String) r[13], (String) r[14], refs.getOrDefault((Long) r[0], List.of()), (Integer) r[15],
                    (Integer) r[16], DeadLetter.State.parse((String) r[17]), (String) r[18], (String) r[19],
                    Instant.ofEpochMilli((Long) r[20]), Instant.ofEpochMilli((Long) r[21] == 0 ? (Long) r[20] : (Long) r[21])));
        }
        return List.copyOf(out);
    }
}
