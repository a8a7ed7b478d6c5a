package dev.tandem.sandbox.clarity;

/** The identity of a sandbox sales order: its CEF {@code ID} and {@code CustomKey} ({@code SO-<ID>}). */
public record SalesOrderRef(int id, String customKey) {
}
