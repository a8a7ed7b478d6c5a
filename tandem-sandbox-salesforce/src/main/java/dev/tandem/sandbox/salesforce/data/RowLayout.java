package dev.tandem.sandbox.salesforce.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The field order of one sObject type, shared by every {@link RowValues} of that type: field name → slot, and the
 * default value of each slot for a new record.
 */
public final class RowLayout {

    private final String[] names;
    private final Object[] defaults;
    private final Map<String, Integer> slots;

    public RowLayout(List<String> names, List<Object> defaults) {
        if (names.size() != defaults.size()) {
            throw new IllegalArgumentException("one default per field");
        }
        this.names = names.toArray(String[]::new);
        this.defaults = defaults.toArray();
        this.slots = new HashMap<>(names.size() * 2);
        for (int i = 0; i < this.names.length; i++) {
            if (slots.put(this.names[i], i) != null) {
                throw new IllegalArgumentException("duplicate field " + this.names[i]);
            }
        }
    }

    /** A mutable map holding every field of this layout, in layout order, each set to its default. */
    public RowValues newValues() {
        return new RowValues(this, defaults.clone());
    }

    int size() {
        return names.length;
    }

    String name(int slot) {
        return names[slot];
    }

    /** The slot of {@code key}, or -1 when it is not a field of this layout. */
    int slot(Object key) {
        Integer slot = slots.get(key);
        return slot == null ? -1 : slot;
    }
}
