package dev.tandem.sandbox.salesforce.data;

import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
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
    /** Type → its live (not deleted) records' count, kept by {@code store} so stats need no scan. */
    private final Map<String, int[]> live = new HashMap<>();
    /** Type → its indexed fields and their indexes; built on a type's first write. */
    private final Map<String, TypeIndex> indexes = new HashMap<>();
    /** Record id → when it was first stored (a counter): the creation order of rows found through an index. */
    private final Map<String, Long> created = new HashMap<>();
    private long nextCreated;

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
        return transaction(null, work);
    }

    /**
     * Like {@link #transaction(Function)}, for a write on behalf of an API call: when {@code work} returns, the
     * records it changed (after any savepoint rollbacks) go to the commit listener with {@code origin}, still under
     * the lock, so listeners see commits in commit order. This is the one place every write path of the sandbox
     * commits through (REST, Composite, Graph, Tree, Collections, Bulk): Change Data Capture hooks here.
     */
    public <T> T transaction(CommitOrigin origin, Function<Transaction, T> work) {
        lock.lock();
        try {
            Transaction tx = new Transaction();
            T result;
            try {
                result = work.apply(tx);
            } catch (RuntimeException | Error e) {
                tx.rollbackTo(0);
                throw e;
            }
            CommitListener listener = commitListener;
            if (origin != null && listener != null && !tx.undo.isEmpty()) {
                List<Change> changes = tx.changes();
                if (!changes.isEmpty()) {
                    listener.committed(origin, changes);
                }
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} under the store's lock without a transaction (e.g. to order an injected event). */
    public void locked(Runnable work) {
        lock.lock();
        try {
            work.run();
        } finally {
            lock.unlock();
        }
    }

    /** One record's change in a committed transaction: {@code before} null = created, in first-touch order. */
    public record Change(String type, String id, Row before, Row after) {
    }

    /** Told about every committed transaction that has an origin; called under the store's lock. */
    @FunctionalInterface
    public interface CommitListener {
        void committed(CommitOrigin origin, List<Change> changes);
    }

    private volatile CommitListener commitListener;

    public void onCommit(CommitListener listener) {
        this.commitListener = listener;
    }

    /** Removes every record (sandbox reset). */
    public void clear() {
        lock.lock();
        try {
            byId.clear();
            byType.clear();
            live.clear();
            indexes.clear();
            created.clear();
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
                int[] count = live.get(object.name());
                counts.put(object.name(), count == null ? 0 : count[0]);
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
            IndexedField indexed = indexedField(type, field);
            return indexed == null || indexed.byKey == null ? List.of()
                    : rows(indexed.byKey.get(normalizeKey(value)));
        }

        /**
         * Live records of {@code type} whose text {@code field} equals one of {@code values} as SOQL compares text
         * (case-insensitively, {@link String#compareToIgnoreCase}), in creation order: the query executor's index
         * look-up for {@code =} and {@code IN} filters. The field's value index is built on its first look-up and
         * kept up to date by every later write, as a database keeps an index: Salesforce's query optimizer answers
         * a selective filter from an index, not by reading the whole object ("Working with Very Large SOQL
         * Queries", https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/langCon_apex_SOQL_VLSQ.htm).
         * The caller still applies the whole WHERE clause to the rows found: the index only narrows the scan. A null
         * in {@code values} stands for the records where the field is null ({@code Field = null}).
         */
        public List<Row> findByValues(String type, String field, Collection<String> values) {
            IndexedField indexed = valueIndex(type, field);
            Set<String> ids = new LinkedHashSet<>();
            for (String value : values) {
                if (value == null) {
                    ids.addAll(indexed.nulls);
                    continue;
                }
                addIds(indexed.byValue.get(foldCase(value)), ids);
            }
            List<Row> rows = new ArrayList<>(ids.size());
            for (String id : ids) {
                rows.add(byId.get(id));
            }
            rows.sort(java.util.Comparator.comparingLong(r -> created.getOrDefault(r.id(), Long.MAX_VALUE)));
            return rows;
        }

        /** How many live records {@link #findByValues} would return at most (the index's entries for the values). */
        public int countByValues(String type, String field, Collection<String> values) {
            IndexedField indexed = valueIndex(type, field);
            int count = 0;
            for (String value : values) {
                Object found = value == null ? indexed.nulls : indexed.byValue.get(foldCase(value));
                count += found == null ? 0 : found instanceof String ? 1 : ((Set<?>) found).size();
            }
            return count;
        }

        /** {@code rows} sorted by when each record was first stored. */
        public List<Row> inCreationOrder(Collection<Row> rows) {
            List<Row> sorted = new ArrayList<>(rows);
            sorted.sort(java.util.Comparator.comparingLong(r -> created.getOrDefault(r.id(), Long.MAX_VALUE)));
            return sorted;
        }

        /**
         * Live records of {@code type} whose reference {@code field} points at one of {@code parentIds} (canonical
         * 18-character ids), in creation order, from the reference index every write keeps: the query executor's
         * look-up for {@code Field = 'id'} and {@code Field IN (...)} on a lookup field.
         */
        public List<Row> findByReferences(String type, String field, Collection<String> parentIds) {
            IndexedField indexed = indexedField(type, field);
            if (indexed == null || indexed.byParent == null) {
                return List.of();
            }
            Set<String> ids = new LinkedHashSet<>();
            for (String parent : new LinkedHashSet<>(parentIds)) {
                addIds(indexed.byParent.get(parent), ids);
            }
            return inCreationOrder(ids.stream().map(byId::get).filter(r -> r != null && !r.deleted()).toList());
        }

        /** How many records {@link #findByReferences} would return at most. */
        public int countByReferences(String type, String field, Collection<String> parentIds) {
            IndexedField indexed = indexedField(type, field);
            if (indexed == null || indexed.byParent == null) {
                return 0;
            }
            int count = 0;
            for (String parent : new LinkedHashSet<>(parentIds)) {
                Object found = indexed.byParent.get(parent);
                count += found == null ? 0 : found instanceof String ? 1 : ((Set<?>) found).size();
            }
            return count;
        }

        /** Whether {@code type}'s reference {@code field} has an index ({@link #findByReferences} answers it). */
        public boolean referenceIndexed(String type, String field) {
            IndexedField indexed = typeIndex(type).byName().get(field);
            return indexed != null && indexed.byParent != null;
        }

        /** The live records of {@code type} with these canonical ids, in creation order. */
        public List<Row> findByIds(String type, Collection<String> ids) {
            return inCreationOrder(new LinkedHashSet<>(ids).stream().map(byId::get)
                    .filter(r -> r != null && !r.deleted() && r.type().equals(type)).toList());
        }

        /** Live records of {@code childType} whose reference {@code field} points at {@code parentId}. */
        public List<Row> children(String childType, String field, String parentId) {
            IndexedField indexed = indexedField(childType, field);
            return indexed == null || indexed.byParent == null ? List.of() : rows(indexed.byParent.get(parentId));
        }

        public void put(Row row) {
            Row previous = byId.get(row.id());
            undo.add(new Undo(row.id(), previous));
            store(previous, row);
        }

        /** The records this transaction changed, each with its version before the transaction and now. */
        List<Change> changes() {
            Map<String, Row> firstBefore = new LinkedHashMap<>();
            for (Undo entry : undo) {
                // Not putIfAbsent: a record created here has a null "before", which putIfAbsent would overwrite
                // with the created version when the transaction writes the record a second time.
                if (!firstBefore.containsKey(entry.id())) {
                    firstBefore.put(entry.id(), entry.previous());
                }
            }
            List<Change> changes = new ArrayList<>(firstBefore.size());
            for (Map.Entry<String, Row> entry : firstBefore.entrySet()) {
                Row before = entry.getValue();
                Row after = byId.get(entry.getKey());
                if (before == after || (before == null && after == null)) {
                    continue;
                }
                changes.add(new Change(after != null ? after.type() : before.type(), entry.getKey(), before, after));
            }
            return changes;
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
            if (current != null && !current.deleted()) {
                live.get(current.type())[0]--;
            }
            if (replacement != null && !replacement.deleted()) {
                live.computeIfAbsent(replacement.type(), t -> new int[1])[0]++;
            }
            if (current != null && replacement != null && current.type().equals(replacement.type())
                    && !current.deleted() && !replacement.deleted()) {
                reindex(current, replacement);
            } else {
                if (current != null) {
                    unindex(current);
                }
                if (replacement != null) {
                    index(replacement);
                }
            }
            if (replacement == null) {
                if (current != null) {
                    byId.remove(current.id());
                    byType.get(current.type()).remove(current.id());
                }
                return;
            }
            byId.put(replacement.id(), replacement);
            created.computeIfAbsent(replacement.id(), id -> nextCreated++);
            byType.computeIfAbsent(replacement.type(), t -> new LinkedHashMap<>()).put(replacement.id(), replacement);
        }
    }

    /**
     * One indexed field of a type. An index maps a value to the ids of the live records holding it, in the order
     * they were (re)indexed: a single id is stored as the String itself, several as a LinkedHashSet.
     */
    private static final class IndexedField {
        final String name;
        /** lower-cased value → id(s), for external-id and unique fields; null otherwise. */
        final Map<String, Object> byKey;
        /** parent id → child id(s), for reference fields; null otherwise. */
        final Map<String, Object> byParent;
        /**
         * case-folded value → id(s), once a query has filtered on the text field ({@link Transaction#findByValues});
         * null before.
         */
        Map<String, Object> byValue;
        /** The live records where the field is null, kept with {@link #byValue}. */
        Set<String> nulls;

        IndexedField(FieldDefinition field) {
            this.name = field.name();
            this.byKey = field.externalId() || field.unique() ? new HashMap<>() : null;
            this.byParent = field.isReference() ? new HashMap<>() : null;
        }
    }

    private record TypeIndex(IndexedField[] fields, Map<String, IndexedField> byName) {
    }

    /** The value index of a text field, built from the live rows on the first call. */
    private IndexedField valueIndex(String type, String field) {
        TypeIndex index = typeIndex(type);
        IndexedField indexed = index.byName().get(field);
        if (indexed != null && indexed.byValue != null) {
            return indexed;
        }
        if (indexed == null) {
            indexed = new IndexedField(schema.require(type).field(field).orElseThrow(() ->
                    new IllegalArgumentException("no field " + field + " on " + type)));
            IndexedField[] fields = java.util.Arrays.copyOf(index.fields(), index.fields().length + 1);
            fields[fields.length - 1] = indexed;
            Map<String, IndexedField> byName = new HashMap<>(index.byName());
            byName.put(field, indexed);
            indexes.put(type, new TypeIndex(fields, byName));
        }
        Map<String, Object> byValue = new HashMap<>();
        Set<String> nulls = new LinkedHashSet<>();
        for (Row row : byType.getOrDefault(type, new LinkedHashMap<>()).values()) {
            if (row.deleted()) {
                continue;
            }
            Object value = row.get(field);
            if (value != null) {
                add(byValue, foldCase(value.toString()), row.id());
            } else {
                nulls.add(row.id());
            }
        }
        indexed.nulls = nulls;
        indexed.byValue = byValue;
        return indexed;
    }

    private TypeIndex typeIndex(String type) {
        TypeIndex existing = indexes.get(type);
        if (existing != null) {
            return existing;
        }
        List<IndexedField> fields = new ArrayList<>();
        Map<String, IndexedField> byName = new HashMap<>();
        for (FieldDefinition field : schema.require(type).fields()) {
            if (field.externalId() || field.unique() || field.isReference()) {
                IndexedField indexed = new IndexedField(field);
                fields.add(indexed);
                byName.put(field.name(), indexed);
            }
        }
        TypeIndex created = new TypeIndex(fields.toArray(IndexedField[]::new), byName);
        indexes.put(type, created);
        return created;
    }

    private IndexedField indexedField(String type, String field) {
        TypeIndex index = indexes.get(type);
        return index == null ? null : index.byName().get(field);
    }

    /** Adds an index entry's id(s) (a single id is the String itself, several a set) to {@code into}. */
    private static void addIds(Object entry, Set<String> into) {
        if (entry instanceof String id) {
            into.add(id);
        } else if (entry != null) {
            @SuppressWarnings("unchecked")
            Set<String> set = (Set<String>) entry;
            into.addAll(set);
        }
    }

    private List<Row> rows(Object ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids instanceof String id) {
            return Collections.singletonList(byId.get(id));
        }
        @SuppressWarnings("unchecked")
        Set<String> set = (Set<String>) ids;
        return set.stream().map(byId::get).toList();
    }

    private void index(Row row) {
        if (row.deleted()) {
            return;
        }
        for (IndexedField field : typeIndex(row.type()).fields()) {
            Object value = row.get(field.name);
            if (value == null) {
                if (field.nulls != null) {
                    field.nulls.add(row.id());
                }
                continue;
            }
            if (field.byKey != null) {
                add(field.byKey, normalizeKey(value.toString()), row.id());
            }
            if (field.byParent != null) {
                add(field.byParent, value.toString(), row.id());
            }
            if (field.byValue != null) {
                add(field.byValue, foldCase(value.toString()), row.id());
            }
        }
    }

    private void unindex(Row row) {
        if (row.deleted()) {
            return;
        }
        for (IndexedField field : typeIndex(row.type()).fields()) {
            Object value = row.get(field.name);
            if (value == null) {
                if (field.nulls != null) {
                    field.nulls.remove(row.id());
                }
                continue;
            }
            if (field.byKey != null) {
                remove(field.byKey, normalizeKey(value.toString()), row.id());
            }
            if (field.byParent != null) {
                remove(field.byParent, value.toString(), row.id());
            }
            if (field.byValue != null) {
                remove(field.byValue, foldCase(value.toString()), row.id());
            }
        }
    }

    /**
     * Exactly {@code unindex(current); index(replacement)} for two live versions of one record, but a field whose
     * index entry stays the same is only moved to the end of its id set (where the re-add would put it).
     */
    private void reindex(Row current, Row replacement) {
        String id = replacement.id();
        for (IndexedField field : typeIndex(replacement.type()).fields()) {
            Object before = current.get(field.name);
            Object after = replacement.get(field.name);
            if (field.nulls != null && (before == null) != (after == null)) {
                if (after == null) {
                    field.nulls.add(id);
                } else {
                    field.nulls.remove(id);
                }
            }
            if (before == null && after == null) {
                continue;
            }
            String beforeText = before == null ? null : before.toString();
            String afterText = after == null ? null : after.toString();
            if (field.byKey != null) {
                String beforeKey = beforeText == null ? null : normalizeKey(beforeText);
                String afterKey = afterText == null ? null : normalizeKey(afterText);
                update(field.byKey, beforeKey, afterKey, id);
            }
            if (field.byParent != null) {
                update(field.byParent, beforeText, afterText, id);
            }
            if (field.byValue != null) {
                update(field.byValue, beforeText == null ? null : foldCase(beforeText),
                        afterText == null ? null : foldCase(afterText), id);
            }
        }
    }

    private static void update(Map<String, Object> index, String before, String after, String id) {
        if (before != null && before.equals(after)) {
            moveToEnd(index, before, id);
            return;
        }
        if (before != null) {
            remove(index, before, id);
        }
        if (after != null) {
            add(index, after, id);
        }
    }

    private static void add(Map<String, Object> index, String value, String id) {
        Object ids = index.putIfAbsent(value, id);
        if (ids == null || ids.equals(id)) {
            return;
        }
        if (ids instanceof String single) {
            Set<String> set = new LinkedHashSet<>();
            set.add(single);
            set.add(id);
            index.put(value, set);
            return;
        }
        @SuppressWarnings("unchecked")
        Set<String> set = (Set<String>) ids;
        set.add(id);
    }

    private static void remove(Map<String, Object> index, String value, String id) {
        Object ids = index.get(value);
        if (ids == null) {
            return;
        }
        if (ids instanceof String single) {
            if (single.equals(id)) {
                index.remove(value);
            }
            return;
        }
        @SuppressWarnings("unchecked")
        Set<String> set = (Set<String>) ids;
        set.remove(id);
        if (set.size() == 1) {
            index.put(value, set.iterator().next());
        } else if (set.isEmpty()) {
            index.remove(value);
        }
    }

    private static void moveToEnd(Map<String, Object> index, String value, String id) {
        if (index.get(value) instanceof String single && single.equals(id)) {
            return;
        }
        remove(index, value, id);
        add(index, value, id);
    }

    /**
     * The case fold under which two strings are equal exactly when {@link String#compareToIgnoreCase} finds them
     * equal (it compares {@code toLowerCase(toUpperCase(c))} code point by code point), as SOQL compares text.
     */
    public static String foldCase(String value) {
        StringBuilder folded = new StringBuilder(value.length());
        value.codePoints().forEach(cp -> folded.appendCodePoint(Character.toLowerCase(Character.toUpperCase(cp))));
        return folded.toString();
    }

    /** External ids and unique text fields compare case-insensitively (the Salesforce default for Unique). */
    private static String normalizeKey(String value) {
        return value.toLowerCase(Locale.ROOT);
    }
}
