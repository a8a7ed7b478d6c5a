package dev.tandem.core.port;

import java.util.List;

/**
 * The result of one record in an sObject Collections call (salesforce-api.md §2.8): its id, whether it was created
 * (upserts), and its errors (Salesforce names the code {@code statusCode} inside these lists).
 */
public record SaveResult(String id, boolean success, boolean created, List<ApiError> errors) {

    public SaveResult {
        id = id == null ? "" : id;
        errors = List.copyOf(errors);
    }
}
