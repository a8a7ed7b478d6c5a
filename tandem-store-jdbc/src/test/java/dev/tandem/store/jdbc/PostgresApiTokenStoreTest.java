package dev.tandem.store.jdbc;

import dev.tandem.core.spi.ApiTokenStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The API token contract on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresApiTokenStoreTest extends ApiTokenStoreContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;

    @Override
    protected ApiTokenStore openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return stores.apiTokens();
    }

    @Override
    protected ApiTokenStore restart() {
        stores.close();
        stores = schema.open();
        return stores.apiTokens();
    }

    @AfterEach
    void dropSchema() {
        stores.close();
        schema.close();
    }
}
