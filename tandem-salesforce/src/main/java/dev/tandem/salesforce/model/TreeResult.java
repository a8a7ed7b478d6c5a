package dev.tandem.salesforce.model;

import dev.tandem.core.error.ApiError;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The answer of {@code POST /composite/tree/{SObject}} (salesforce-api.md §2.11). The tree is all or nothing: when
 * {@link #hasErrors()} no record was created and {@link #errors()} says why, per reference id.
 *
 * @param hasErrors whether the request failed
 * @param ids       created record id by reference id (empty when it failed)
 * @param errors    errors by reference id (empty when it succeeded)
 */
public record TreeResult(boolean hasErrors, Map<String, String> ids, Map<String, List<ApiError>> errors) {

    public TreeResult {
        ids = Map.copyOf(ids);
        errors = Map.copyOf(errors);
    }

    public Optional<String> id(String referenceId) {
        return Optional.ofNullable(ids.get(referenceId));
    }
}
