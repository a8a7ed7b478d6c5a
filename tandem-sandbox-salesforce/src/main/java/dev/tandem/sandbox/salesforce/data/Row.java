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

    /**
     * Copies {@code values}, except a {@link RowValues} built for this row (from {@link RowLayout#newValues()} or
     * {@link #mutableValues()}), which the row takes over without copying: it becomes immutable.
     */
    public Row {
        values = values instanceof RowValues compact ? compact.freeze()
                : Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** A mutable copy of the values, same entries in the same order, to build the next version of this record. */
    public Map<String, Object> mutableValues() {
        return values instanceof RowValues compact ? compact.mutableCopy() : new LinkedHashMap<>(values);
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
