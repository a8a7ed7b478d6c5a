package dev.tandem.store.jdbc;

import dev.tandem.core.mapping.MappingDecisionStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** Decisions about mapping suggestions on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresMappingDecisionStoreTest extends MappingDecisionStoreContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;

    @Override
    protected MappingDecisionStore openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return (MappingDecisionStore) stores.stateStore();
    }

    @Override
    protected MappingDecisionStore reopen() {
        stores.close();
        stores = schema.open();
        return (MappingDecisionStore) stores.stateStore();
    }

    @AfterEach
    void dropSchema() {
        stores.close();
        schema.close();
    }
}
