package dev.tandem.store.jdbc;

import dev.tandem.core.flow.FlowVersionStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The versions of the flows in the state database (table {@code flow_version}, V29): one row per flow and version;
 * recording a version again keeps the first row (its first load time).
 */
final class JdbcFlowVersionStore implements FlowVersionStore {

    private static final String COLUMNS = "flow, version, file, definition, mappings, example, loaded_at";

    private final Database database;

    JdbcFlowVersionStore(Database database) {
        this.database = database;
    }

    @Override
    public boolean recordVersion(Version v) {
        return database.write("record version " + v.version() + " of flow " + v.flow(), c -> {
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO flow_version (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (flow, version) DO NOTHING")) {
                insert.setString(1, v.flow());
                insert.setString(2, v.version());
                insert.setString(3, v.file());
                insert.setString(4, v.definition());
                insert.setString(5, v.mappings());
                insert.setString(6, v.example());
                insert.setLong(7, v.loadedAt().toEpochMilli());
                return insert.executeUpdate() == 1;
            }
        });
    }

    @Override
    public List<Version> versions(String flow) {
        return database.read("read the versions of flow " + flow, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM flow_version WHERE flow = ? ORDER BY loaded_at DESC, version")) {
                select.setString(1, flow);
                try (ResultSet rows = select.executeQuery()) {
                    List<Version> out = new ArrayList<>();
                    while (rows.next()) {
                        out.add(row(rows));
                    }
                    return out;
                }
            }
        });
    }

    @Override
    public Optional<Version> version(String flow, String version) {
        return database.read("read version " + version + " of flow " + flow, c -> {
            try (PreparedStatement select = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM flow_version WHERE flow = ? AND version = ?")) {
                select.setString(1, flow);
                select.setString(2, version);
                try (ResultSet rows = select.executeQuery()) {
                    return rows.next() ? Optional.of(row(rows)) : Optional.<Version>empty();
                }
            }
        });
    }

    private static Version row(ResultSet r) throws SQLException {
        return new Version(r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
                r.getString(6), Instant.ofEpochMilli(r.getLong(7)));
    }
}
