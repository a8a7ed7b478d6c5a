package dev.tandem.store.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A throw-away schema in the PostgreSQL server named by {@value #URL_VARIABLE} (user and password in
 * {@code TANDEM_TEST_POSTGRES_USER} / {@code TANDEM_TEST_POSTGRES_PASSWORD}), so the contract tests run on
 * PostgreSQL without one test seeing another's rows.
 *
 * <p>Opt-in rather than started by the build: PostgreSQL refuses to run as root, which is how CI runs.
 */
final class PostgresTestSchema implements AutoCloseable {

    static final String URL_VARIABLE = "TANDEM_TEST_POSTGRES_URL";

    private final String serverUrl = System.getenv(URL_VARIABLE);
    private final String user = System.getenv("TANDEM_TEST_POSTGRES_USER");
    private final String password = System.getenv("TANDEM_TEST_POSTGRES_PASSWORD");
    private final String schema = "tandem_test_" + UUID.randomUUID().toString().replace("-", "")
            .toLowerCase(Locale.ROOT);

    PostgresTestSchema() {
        execute("CREATE SCHEMA " + schema);
    }

    /** Opens the stores in this schema; called again on the same schema, it is a restart. */
    JdbcStores open() {
        String separator = serverUrl.contains("?") ? "&" : "?";
        return JdbcStores.open(serverUrl + separator + "currentSchema=" + schema, user, password);
    }

    @Override
    public void close() {
        execute("DROP SCHEMA " + schema + " CASCADE");
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(serverUrl, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot prepare the PostgreSQL test schema: " + sql, e);
        }
    }
}
