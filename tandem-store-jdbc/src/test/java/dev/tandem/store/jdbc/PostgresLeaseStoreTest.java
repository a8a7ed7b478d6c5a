package dev.tandem.store.jdbc;

import dev.tandem.core.spi.LeaseStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The LeaseStore contract on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresLeaseStoreTest extends LeaseStoreContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;
    private JdbcStores other;

    @Override
    protected LeaseStore openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return stores.leases();
    }

    @Override
    protected LeaseStore restart() {
        stores.close();
        stores = schema.open();
        return stores.leases();
    }

    @Override
    protected LeaseStore second() {
        other = schema.open();
        return other.leases();
    }

    @AfterEach
    void dropSchema() {
        stores.close();
        if (other != null) {
            other.close();
        }
        schema.close();
    }
}
