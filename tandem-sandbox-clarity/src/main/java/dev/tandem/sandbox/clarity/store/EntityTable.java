package dev.tandem.sandbox.clarity.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.wire.ClarityJson;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The in-memory rows of one CEF entity. Reads are lock-free; writes are serialised per table so the key index and
 * the rows never disagree. Every write recomputes {@code Hash} (spec §2) from the stored data.
 *
 * @param <T> the wire model
 */
public final class EntityTable<T extends CefModel> {

    private final String entityName;
    private final String pluralName;
    private final int firstId;
    private final Class<T> type;
    private final ClarityJson json;
    private final ModelHasher hasher;
    private final ConcurrentSkipListMap<Integer, T> rows = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, Integer> idsByKey = new ConcurrentHashMap<>();
    private final AtomicInteger nextId;
    private final List<Index<?>> indexes = new CopyOnWriteArrayList<>();

    EntityTable(String entityName, Class<T> type, int firstId, ClarityJson json) {
        this(entityName, entityName + "s", type, firstId, json);
    }

    /** @param pluralName the list route's segment, e.g. {@code SalesOrderStatuses} (clarity-routes.md) */
    EntityTable(String entityName, String pluralName, Class<T> type, int firstId, ClarityJson json) {
        this.entityName = entityName;
        this.pluralName = pluralName;
        this.firstId = firstId;
        this.type = type;
        this.json = json;
        this.hasher = new ModelHasher(json);
        this.nextId = new AtomicInteger(firstId);
    }

    /** The CEF entity name, e.g. {@code SalesOrder}, used in routes and error messages. */
    public String entityName() {
        return entityName;
    }

    /** The list route's segment: {@code Accounts}, {@code SalesOrderStatuses}. */
    public String pluralName() {
        return pluralName;
    }

    /** Drops every row and restarts the ID sequence ({@code POST /_sandbox/reset}). */
    public synchronized void clear() {
        rows.clear();
        idsByKey.clear();
        indexes.forEach(Index::clear);
        nextId.set(firstId);
    }

    public int nextId() {
        return nextId.getAndIncrement();
    }

    /** Stores a row (insert or replace by ID) with a freshly computed {@code Hash}, and returns the stored row. */
    public synchronized T put(T model) {
        ObjectNode tree = (ObjectNode) json.tree(model);
        tree.put("Hash", hasher.hash(tree));
        T stored = json.fromTree(tree, type);
        T previous = rows.put(stored.id(), stored);
        reindex(previous, stored);
        if (previous != null && previous.customKey() != null) {
            idsByKey.remove(normalise(previous.customKey()), previous.id());
        }
        if (stored.customKey() != null) {
            idsByKey.put(normalise(stored.customKey()), stored.id());
        }
        nextId.accumulateAndGet(stored.id() + 1, Math::max);
        return stored;
    }

    /** Applies a change to the wire form of a row (e.g. {@code Active=false}) and stores the result. */
    public synchronized Optional<T> modify(int id, Consumer<ObjectNode> change) {
        T current = rows.get(id);
        if (current == null) {
            return Optional.empty();
        }
        ObjectNode tree = (ObjectNode) json.tree(current);
        change.accept(tree);
        return Optional.of(put(json.fromTree(tree, type)));
    }

    /**
     * Rewrites the copy of another record that a row embeds (an order's {@code BillingContact}), keeping the row's
     * {@code Hash}: in CEF the copy is a related model filled in at read time through a foreign key, and
     * {@code Hash} is a stored value of the row's own data points (spec §2), so a related record's change leaves
     * it as it was [INFERRED]. The caller leaves {@code UpdatedDate} alone for the same reason.
     */
    public synchronized Optional<T> modifyEmbedded(int id, Consumer<ObjectNode> change) {
        T current = rows.get(id);
        if (current == null) {
            return Optional.empty();
        }
        ObjectNode tree = (ObjectNode) json.tree(current);
        change.accept(tree);
        if (current.hash() == null) {
            tree.remove("Hash");
        } else {
            tree.put("Hash", current.hash());
        }
        T stored = json.fromTree(tree, type);
        if (stored.id() != id || !Objects.equals(stored.customKey(), current.customKey())) {
            throw new IllegalArgumentException("modifyEmbedded must not change a row's ID or CustomKey");
        }
        rows.put(id, stored);
        reindex(current, stored);
        return Optional.of(stored);
    }

    /** Hard delete ({@code DELETE .../Delete/ID/{ID}}, spec §5). */
    public synchronized Optional<T> remove(int id) {
        T removed = rows.remove(id);
        reindex(removed, null);
        if (removed != null && removed.customKey() != null) {
            idsByKey.remove(normalise(removed.customKey()), removed.id());
        }
        return Optional.ofNullable(removed);
    }

    public Class<T> type() {
        return type;
    }

    public Optional<T> byId(int id) {
        return Optional.ofNullable(rows.get(id));
    }

    /** CEF keys are matched case-insensitively (SQL Server's default collation). */
    public Optional<T> byKey(String customKey) {
        Integer id = idsByKey.get(normalise(customKey));
        return id == null ? Optional.empty() : byId(id);
    }

    /** All rows in ID order. */
    public List<T> all() {
        return List.copyOf(rows.values());
    }

    public int size() {
        return rows.size();
    }

    /**
     * A secondary index of this table's rows by values they carry (e.g. the contact a user embeds), kept current by
     * every write, so a lookup by such a value does not scan the table. Built from the rows stored now.
     *
     * @param keys the values a row is found by (none: not indexed); nulls are ignored
     */
    public synchronized <K> Index<K> index(Function<T, Collection<K>> keys) {
        Index<K> index = new Index<>(keys);
        rows.values().forEach(row -> index.add(row));
        indexes.add(index);
        return index;
    }

    private void reindex(T previous, T current) {
        for (Index<?> index : indexes) {
            if (previous != null) {
                index.remove(previous);
            }
            if (current != null) {
                index.add(current);
            }
        }
    }

    /** See {@link #index(Function)}. */
    public final class Index<K> {

        private final Function<T, Collection<K>> keys;
        private final ConcurrentHashMap<K, Set<Integer>> ids = new ConcurrentHashMap<>();

        private Index(Function<T, Collection<K>> keys) {
            this.keys = keys;
        }

        /** The rows that carry {@code key}, in ID order. */
        public List<T> rows(K key) {
            Set<Integer> found = ids.get(key);
            List<T> out = new ArrayList<>();
            if (found != null) {
                for (int id : found) {
                    T row = EntityTable.this.rows.get(id);
                    if (row != null) {
                        out.add(row);
                    }
                }
            }
            return out;
        }

        private void add(T row) {
            for (K key : keys.apply(row)) {
                if (key != null) {
                    ids.computeIfAbsent(key, k -> new ConcurrentSkipListSet<>()).add(row.id());
                }
            }
        }

        private void remove(T row) {
            for (K key : keys.apply(row)) {
                if (key != null) {
                    ids.computeIfPresent(key, (k, set) -> {
                        set.remove(row.id());
                        return set.isEmpty() ? null : set;
                    });
                }
            }
        }

        private void clear() {
            ids.clear();
        }
    }

    private static String normalise(String key) {
        return key.toLowerCase(Locale.ROOT);
    }
}
