package dev.tandem.sandbox.clarity;

/** The identity of a record the sandbox created or changed: its CEF entity name, {@code ID} and {@code CustomKey}. */
public record RecordRef(String entity, int id, String customKey) {
}
