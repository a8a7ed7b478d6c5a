package dev.tandem.sandbox.salesforce.data;

import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The org's records, in memory. One lock serialises all access: the sandbox favours obviously-correct atomicity
 * (a composite graph is all-or-nothing, §2.10) over parallel throughput. Writes go through a {@link Transaction}
 * that keeps an undo log, so any prefix of a transaction can be rolled back.
 *
 * <p>Deleted records stay (IsDeleted = true) so that {@code queryAll} can return them, but they leave the
 * unique/external-id and child indexes.
 */
public final class DataStore {

    private final ReentrantLock lock = new ReentrantLock();
    private final SalesforceSchema schema;
    private final Map<String, Row> byId = new HashMap<>();
    private final Map<String, LinkedHashMap<String, Row>> byType = new HashMap<>();
    /** "Type.Field" → lower-cased value → ids of live records holding it (external-id and unique fields). */
    private final Map<String, Map<String, Set<String>>> keyIndex = new HashMap<>();
    /** "Type.Field" → parent id → ids of live children (reference fields). */
    private final Map<String, Map<String, Set<String>>> childIndex = new HashMap<>();

    public DataStore(SalesforceSchema schema) {
        this.schema = schema;
    }

    public SalesforceSchema schema() {
        return schema;
    }

    /**
     * Runs {@code work} holding the lock, inside a transaction that commits when it returns and rolls back
     * completely when it throws.
     */
    public <T> T transaction(Function<Transaction, T> work) {
        lock.lock();
        try {
            Transaction tx = new Transaction();
            try {
                return work.apply(tx);
            } catch (RuntimeException | Error e) {
                tx.rollbackTo(0);
                throw e;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Removes every record (sandbox reset). */
    public void clear() {
        lock.lock();
        try {
            byId.clear();
            byType.clear();
            keyIndex.clear();
            childIndex.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Live record counts per type, for the control API's stats. */
    public Map<String, Integer> liveCounts() {
        lock.lock();
        try {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (SObjectDefinition object : schema.objects()) {
                Map<String, Row> rows = byType.getOrDefault(object.name(), new LinkedHashMap<>());
                counts.put(object.name(), (int) rows.values().stream().filter(r -> !r.deleted()).count());
            }
            return counts;
        } finally {
            lock.unlock();
        }
    }

    /** Read and write access to the records; only valid while the creating {@link #transaction} runs. */
    public final class Transaction {

        private record Undo(String id, Row previous) {
        }

        private final List<Undo> undo = new ArrayList<>();

        private Transaction() {
        }

        public Optional<Row> find(String id) {
            return Optional.ofNullable(byId.get(id));
        }

        /** All records of a type in creation order, deleted ones included. */
        public Collection<Row> all(String type) {
            return byType.getOrDefault(type, new LinkedHashMap<>()).values();
        }

        /** Live records of {@code type} whose {@code field} equals {@code value} case-insensitively (indexed fields). */
        public List<Row> findByKey(String type, String field, String value) {
            Set<String> ids = keyIndex.getOrDefault(type + "." + field, Map.of()).get(normalizeKey(value));
            return ids == null ? List.of() : ids.stream().map(byId::get).toList();
        }

        /** Live records of {@code childType} whose reference {@code field} points at {@code parentId}. */
        public List<Row> children(String childType, String field, String parentId) {
            Set<String> ids = childIndex.getOrDefault(childType + "." + field, Map.of()).get(parentId);
            return ids == null ? List.of() : ids.stream().map(byId::get).toList();
        }

        public void put(Row row) {
            Row previous = byId.get(row.id());
            undo.add(new Undo(row.id(), previous));
            store(previous, row);
        }

        public int savepoint() {
            return undo.size();
        }

        /** Restores every record this transaction changed after {@code savepoint}. */
        public void rollbackTo(int savepoint) {
            for (int i = undo.size() - 1; i >= savepoint; i--) {
                Undo entry = undo.remove(i);
                store(byId.get(entry.id()), entry.previous());
            }
        }

        private void store(Row current, Row replacement) {
            if (current != null) {
                unindex(current);
            }
            if (replacement == null) {
                if (current != null) {
                    byId.remove(current.id());
                    byType.get(current.type()).remove(current.id());
                }
                return;
            }
            byId.put(replacement.id(), replacement);
            byType.computeIfAbsent(replacement.type(), t -> new LinkedHashMap<>()).put(replacement.id(), replacement);
            index(replacement);
        }
    }

    private void index(Row row) {
        if (row.deleted()) {
            return;
        }
        for (FieldDefinition field : schema.require(row.type()).fields()) {
            Object value = row.get(field.name());
            if (value == null) {
                continue;
            }
            if (field.externalId() || field.unique()) {
                keyIndex.computeIfAbsent(row.type() + "." + field.name(), k -> new HashMap<>())
                        .computeIfAbsent(normalizeKey(value.toString()), k -> new LinkedHashSet<>()).add(row.id());
            }
            if (field.isReference()) {
                childIndex.computeIfAbsent(row.type() + "." + field.name(), k -> new HashMap<>())
                        .computeIfAbsent(value.toString(), k -> new LinkedHashSet<>()).add(row.id());
            }
        }
    }

    private void unindex(Row row) {
        if (row.deleted()) {
            return;
        }
        for (FieldDefinition field : schema.require(row.type()).fields()) {
            Object value = row.get(field.name());
            if (value == null) {
                continue;
            }
            if (field.externalId() || field.unique()) {
                removeFrom(keyIndex, row.type() + "." + field.name(), normalizeKey(value.toString()), row.id());
            }
            if (field.isReference()) {
                removeFrom(childIndex, row.type() + "." + field.name(), value.toString(), row.id());
            }
        }
    }

    private static void removeFrom(Map<String, Map<String, Set<String>>> index, String key, String value, String id) {
        Map<String, Set<String>> byValue = index.get(key);
        if (byValue == null) {
            return;
        }
        Set<String> ids = byValue.get(value);
        if (ids != null) {
            ids.remove(id);
            if (ids.isEmpty()) {
                byValue.remove(value);
            }
        }
    }

    /** External ids and unique text fields compare case-insensitively (the Salesforce default for Unique). */
    private static String normalizeKey(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
