package dev.tandem.salesforce.bulk;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of {@code failedResults}: {@code sf__Id} (empty for a failed insert), {@code sf__Error} (Salesforce's
 * {@code CODE:message:fields} text) and the fields as uploaded (salesforce-api.md §5 step 5).
 */
public record BulkFailure(String id, String error, Map<String, String> fields) {

    public BulkFailure {
        id = id == null ? "" : id;
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The error code: the text before the first colon of {@code sf__Error}, e.g. {@code REQUIRED_FIELD_MISSING}. */
    public String errorCode() {
        int colon = error.indexOf(':');
        return colon < 0 ? error : error.substring(0, colon);
    }
}
