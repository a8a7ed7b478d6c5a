package dev.tandem.store.jdbc;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Two pools on one PostgreSQL schema: the lock on event_log_head keeps appenders apart. */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresTwoInstancesTest extends TwoInstancesContractTest {

    private PostgresTestSchema schema;

    @Override
    protected JdbcStores openInstance() {
        if (schema == null) {
            schema = new PostgresTestSchema();
        }
        return schema.open();
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            schema.close();
        }
    }
}
