package dev.tandem.store.jdbc;

import dev.tandem.core.spi.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The event log contract on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresEventLogTest extends EventLogContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;

    @Override
    protected EventLog openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return stores.eventLog();
    }

    @Override
    protected EventLog restart() {
        stores.close();
        stores = schema.open();
        return stores.eventLog();
    }

    @AfterEach
    void dropSchema() {
        stores.close();
        schema.close();
    }
}
