package dev.tandem.store.jdbc;

import dev.tandem.core.spi.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The state store contract on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresStateStoreTest extends StateStoreContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;

    @Override
    protected StateStore openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return stores.stateStore();
    }

    @Override
    protected StateStore restart() {
        stores.close();
        stores = schema.open();
        return stores.stateStore();
    }

    @AfterEach
    void dropSchema() {
        stores.close();
        schema.close();
    }
}
