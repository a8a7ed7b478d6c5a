package dev.tandem.sandbox.salesforce.data;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A record's field values stored compactly: one array slot per field of the type's {@link RowLayout}, every field
 * present. It behaves exactly like the {@code LinkedHashMap} the record would otherwise be: iteration follows the
 * layout order (the order in which the fields were first put), a put of a known field keeps its position. A put
 * of a field outside the layout, or a removal, switches the map to a plain {@code LinkedHashMap} holding the same
 * entries in the same order, so the semantics never differ.
 *
 * <p>Mutable while a write builds it; {@link Row} freezes it when it takes it over, without copying.
 */
public final class RowValues extends AbstractMap<String, Object> {

    private final RowLayout layout;
    private Object[] slots;
    private LinkedHashMap<String, Object> fallback;
    private boolean frozen;

    RowValues(RowLayout layout, Object[] slots) {
        this.layout = layout;
        this.slots = slots;
    }

    /** A mutable copy with the same entries in the same order. */
    RowValues mutableCopy() {
        if (fallback != null) {
            throw new IllegalStateException("only compact values are copied");
        }
        return new RowValues(layout, slots.clone());
    }

    /** Makes this map immutable and returns the map a {@link Row} stores: this one, or its plain fallback. */
    Map<String, Object> freeze() {
        frozen = true;
        return fallback == null ? this : Collections.unmodifiableMap(fallback);
    }

    private void checkMutable() {
        if (frozen) {
            throw new UnsupportedOperationException();
        }
    }

    private LinkedHashMap<String, Object> toFallback() {
        if (fallback == null) {
            LinkedHashMap<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < slots.length; i++) {
                map.put(layout.name(i), slots[i]);
            }
            fallback = map;
            slots = null;
        }
        return fallback;
    }

    @Override
    public int size() {
        return fallback != null ? fallback.size() : slots.length;
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public boolean containsKey(Object key) {
        return fallback != null ? fallback.containsKey(key) : layout.slot(key) >= 0;
    }

    @Override
    public Object get(Object key) {
        if (fallback != null) {
            return fallback.get(key);
        }
        int slot = layout.slot(key);
        return slot < 0 ? null : slots[slot];
    }

    @Override
    public Object put(String key, Object value) {
        checkMutable();
        if (fallback == null) {
            int slot = layout.slot(key);
            if (slot >= 0) {
                Object previous = slots[slot];
                slots[slot] = value;
                return previous;
            }
        }
        return toFallback().put(key, value);
    }

    @Override
    public Object remove(Object key) {
        checkMutable();
        if (fallback == null && layout.slot(key) < 0) {
            return null;
        }
        return toFallback().remove(key);
    }

    @Override
    public void clear() {
        checkMutable();
        toFallback().clear();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (fallback != null) {
            return frozen ? Collections.unmodifiableMap(fallback).entrySet() : fallback.entrySet();
        }
        return new AbstractSet<>() {
            @Override
            public int size() {
                return RowValues.this.size();
            }

            @Override
            public Iterator<Entry<String, Object>> iterator() {
                Object[] values = slots;
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int slot = next++;
                        return new SlotEntry(slot);
                    }
                };
            }
        };
    }

    /** A live entry, like a {@code LinkedHashMap}'s: writable while the map is. */
    private final class SlotEntry implements Entry<String, Object> {

        private final int slot;

        private SlotEntry(int slot) {
            this.slot = slot;
        }

        @Override
        public String getKey() {
            return layout.name(slot);
        }

        @Override
        public Object getValue() {
            return fallback != null ? fallback.get(getKey()) : slots[slot];
        }

        @Override
        public Object setValue(Object value) {
            checkMutable();
            if (fallback != null) {
                return fallback.put(getKey(), value);
            }
            Object previous = slots[slot];
            slots[slot] = value;
            return previous;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Entry<?, ?> e && getKey().equals(e.getKey())
                    && java.util.Objects.equals(getValue(), e.getValue());
        }

        @Override
        public int hashCode() {
            return getKey().hashCode() ^ java.util.Objects.hashCode(getValue());
        }

        @Override
        public String toString() {
            return getKey() + "=" + getValue();
        }
    }
}
