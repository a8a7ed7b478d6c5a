package dev.tandem.sandbox.clarity.entity;

/** Told about rows the API created or changed, after they are stored; the webhook extension listens (spec §11). */
public interface ChangeListener<T> {

    void created(T row);

    void updated(T row);
}
