package dev.tandem.salesforce.bulk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of {@code successfulResults}: {@code sf__Id}, {@code sf__Created} and the fields as uploaded
 * (salesforce-api.md §5 step 5).
 */
public record BulkSuccess(String id, boolean created, Map<String, String> fields) {

    public BulkSuccess {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
}
