package dev.tandem.store.jdbc;

import dev.tandem.core.spi.WriteFingerprints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** The write-fingerprint contract on an SQLite file. */
class SqliteWriteFingerprintsTest extends WriteFingerprintsContractTest {

    @TempDir
    Path directory;

    private JdbcStores stores;

    @Override
    protected WriteFingerprints openEmpty() {
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
        return stores.writeFingerprints();
    }

    @Override
    protected WriteFingerprints restart() {
        stores.close();
        return openEmpty();
    }

    @AfterEach
    void closeStores() {
        stores.close();
    }
}
