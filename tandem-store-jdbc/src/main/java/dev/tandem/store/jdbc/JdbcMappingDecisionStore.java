package dev.tandem.store.jdbc;

import dev.tandem.core.mapping.MappingDecisionStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decisions about field-mapping suggestions in the state database (table {@code mapping_decision}, V28): one row per
 * source system, target object, source path and target field; a new decision about the same four replaces the old.
 */
final class JdbcMappingDecisionStore implements MappingDecisionStore {

    private final Database database;

    JdbcMappingDecisionStore(Database database) {
        this.database = database;
    }

    @Override
    public List<Decision> decisions(String sourceSystem, String targetObject) {
        Objects.requireNonNull(sourceSystem, "sourceSystem");
        Objects.requireNonNull(targetObject, "targetObject");
        return database.read("read the mapping decisions of " + sourceSystem + " → " + targetObject, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT source_path, target_field, accepted, decided_at "
                    + "FROM mapping_decision WHERE source_system = ? AND target_object = ? ORDER BY source_path, target_field")) {
                select.setString(1, sourceSystem);
                select.setString(2, targetObject);
                try (ResultSet rows = select.executeQuery()) {
                    List<Decision> out = new ArrayList<>();
                    while (rows.next()) {
                        out.add(new Decision(sourceSystem, targetObject, rows.getString(1), rows.getString(2),
                                rows.getInt(3) == 1, rows.getLong(4)));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public void recordDecisions(List<Decision> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        database.write("record " + decisions.size() + " mapping decision(s)", c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO mapping_decision (source_system, target_object, "
                    + "source_path, target_field, accepted, decided_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (source_system, "
                    + "target_object, source_path, target_field) DO UPDATE SET accepted = excluded.accepted, "
                    + "decided_at = excluded.decided_at")) {
                for (Decision d : decisions) {
                    upsert.setString(1, d.sourceSystem());
                    upsert.setString(2, d.targetObject());
                    upsert.setString(3, d.sourcePath());
                    upsert.setString(4, d.targetField());
                    upsert.setInt(5, d.accepted() ? 1 : 0);
                    upsert.setLong(6, d.decidedAt());
                    upsert.addBatch();
                }
                upsert.executeBatch();
                return null;
            }
        });
    }

    @Override
    public int forgetDecisions(String sourceSystem, String targetObject) {
        return database.write("forget the mapping decisions of " + sourceSystem + " → " + targetObject, c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM mapping_decision WHERE source_system = ? AND target_object = ?")) {
                delete.setString(1, sourceSystem);
                delete.setString(2, targetObject);
                return delete.executeUpdate();
            }
        });
    }
}
