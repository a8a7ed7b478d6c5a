package dev.tandem.store.jdbc;

import dev.tandem.core.profile.FieldProfile;
import dev.tandem.core.profile.ProfileStore;
import dev.tandem.core.profile.Profiles;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Learned data profiles in the state database (table {@code data_profile}, V27): one row per flow and field, the
 * sketch as JSON. A save inside {@code StateStore.inTransaction} joins that transaction.
 */
final class JdbcProfileStore implements ProfileStore {

    private final Database database;
    private final Clock clock;

    JdbcProfileStore(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    @Override
    public Map<String, FieldProfile> profiles(String flow) {
        Objects.requireNonNull(flow, "flow");
        return database.read("read the data profiles of flow " + flow, c -> {
            try (PreparedStatement select = c.prepareStatement(
                    "SELECT field, profile FROM data_profile WHERE flow = ? ORDER BY field")) {
                select.setString(1, flow);
                try (ResultSet rows = select.executeQuery()) {
                    Map<String, FieldProfile> out = new TreeMap<>();
                    while (rows.next()) {
                        out.put(rows.getString(1), Profiles.read(rows.getString(2)));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public void saveProfiles(String flow, Map<String, FieldProfile> byField) {
        Objects.requireNonNull(flow, "flow");
        if (byField.isEmpty()) {
            return;
        }
        long now = clock.millis();
        database.write("save the data profiles of flow " + flow, c -> {
            try (PreparedStatement upsert = c.prepareStatement("INSERT INTO data_profile (flow, field, profile, "
                    + "observations, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (flow, field) DO UPDATE SET "
                    + "profile = excluded.profile, observations = excluded.observations, updated_at = excluded.updated_at")) {
                for (Map.Entry<String, FieldProfile> e : byField.entrySet()) {
                    upsert.setString(1, flow);
                    upsert.setString(2, e.getKey());
                    upsert.setString(3, Profiles.write(e.getValue()));
                    upsert.setLong(4, e.getValue().count());
                    upsert.setLong(5, now);
                    upsert.addBatch();
                }
                upsert.executeBatch();
                return null;
            }
        });
    }

    @Override
    public int resetProfiles(String flow, String field) {
        Objects.requireNonNull(flow, "flow");
        return database.write("reset the data profiles of flow " + flow, c -> {
            try (PreparedStatement delete = c.prepareStatement(field == null
                    ? "DELETE FROM data_profile WHERE flow = ?" : "DELETE FROM data_profile WHERE flow = ? AND field = ?")) {
                delete.setString(1, flow);
                if (field != null) {
                    delete.setString(2, field);
                }
                return delete.executeUpdate();
            }
        });
    }
}
