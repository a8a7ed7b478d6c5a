package dev.tandem.sandbox.salesforce.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One stored record version. Immutable: every write stores a new Row, which is what makes rolling a composite
 * graph back a matter of putting the previous versions back.
 *
 * @param values               canonical field name → value (String, BigDecimal, Boolean, LocalDate, Instant)
 * @param lastModifiedByClient the {@code client=} of the Sforce-Call-Options header of the last write (spec §2.7)
 */
public record Row(String type, String id, Map<String, Object> values, String lastModifiedByClient) {

    public static final String IS_DELETED = "IsDeleted";

    public Row {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public Object get(String canonicalField) {
        return values.get(canonicalField);
    }

    public boolean deleted() {
        return Boolean.TRUE.equals(values.get(IS_DELETED));
    }

    public Row with(Map<String, Object> newValues, String client) {
        return new Row(type, id, newValues, client);
    }
}
