package dev.tandem.store.jdbc;

import dev.tandem.core.profile.ProfileStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The learned data profiles on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresProfileStoreTest extends ProfileStoreContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;

    @Override
    protected ProfileStore openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return (ProfileStore) stores.stateStore();
    }

    @Override
    protected ProfileStore reopen() {
        stores.close();
        stores = schema.open();
        return (ProfileStore) stores.stateStore();
    }

    @AfterEach
    void dropSchema() {
        stores.close();
        schema.close();
    }
}
