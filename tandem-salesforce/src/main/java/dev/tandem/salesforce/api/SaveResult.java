package dev.tandem.salesforce.api;

import dev.tandem.core.error.ApiError;

import java.util.List;

/**
 * The result of one record in an sObject Collections call (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm "sObject Collections"): its id, whether it was created
 * (upserts), and its errors (Salesforce names the code {@code statusCode} inside these lists).
 */
public record SaveResult(String id, boolean success, boolean created, List<ApiError> errors) {

    public SaveResult {
        id = id == null ? "" : id;
        errors = List.copyOf(errors);
    }
}
