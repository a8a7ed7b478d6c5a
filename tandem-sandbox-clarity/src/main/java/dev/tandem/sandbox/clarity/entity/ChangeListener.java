package dev.tandem.sandbox.clarity.entity;

/**
 * Told about rows the API created, changed or deleted, after they are stored; the webhook extension (spec §11) and
 * the denormalised copies (an order's embedded {@code SalesItems}) listen.
 */
public interface ChangeListener<T> {

    void created(T row);

    void updated(T row);

    /** A change with the row as it was; by default only the new row matters. */
    default void updated(T before, T after) {
        updated(after);
    }

    /** A hard delete ({@code DELETE .../Delete/ID/{ID}}); nothing by default. */
    default void deleted(T row) {
    }
}
