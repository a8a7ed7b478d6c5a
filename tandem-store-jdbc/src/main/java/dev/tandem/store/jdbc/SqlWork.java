package dev.tandem.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** Work done on one connection; {@link Database} owns the connection, the transaction and the error translation. */
@FunctionalInterface
interface SqlWork<T> {

    T run(Connection connection) throws SQLException;
}
