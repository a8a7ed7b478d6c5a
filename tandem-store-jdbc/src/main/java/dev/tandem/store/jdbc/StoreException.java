package dev.tandem.store.jdbc;

/**
 * The store could not be read or written (database unreachable, disk full, pool closed). Callers must not
 * acknowledge what they failed to store: the source redelivers it (invariant "nothing lost").
 */
public class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
