package dev.tandem.salesforce.model;

import java.util.Objects;

/**
 * The outcome of an upsert by external ID (salesforce-api.md §2.4).
 *
 * @param id      the record id
 * @param created {@code true} when the upsert created the record (HTTP 201), {@code false} when it updated one (200)
 */
public record UpsertResult(String id, boolean created) {

    public UpsertResult {
        Objects.requireNonNull(id, "id");
    }
}
