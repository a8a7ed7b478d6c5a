package dev.tandem.store.jdbc;

import dev.tandem.core.spi.WriteFingerprints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The WriteFingerprints contract on PostgreSQL, when a server is named (see {@link PostgresTestSchema}). */
@EnabledIfEnvironmentVariable(named = PostgresTestSchema.URL_VARIABLE, matches = ".+")
class PostgresWriteFingerprintsTest extends WriteFingerprintsContractTest {

    private PostgresTestSchema schema;
    private JdbcStores stores;
    private JdbcStores other;

    @Override
    protected WriteFingerprints openEmpty() {
        schema = new PostgresTestSchema();
        stores = schema.open();
        return stores.writeFingerprints();
    }

    @Override
    protected WriteFingerprints restart() {
        stores.close();
        stores = schema.open();
        return stores.writeFingerprints();
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
