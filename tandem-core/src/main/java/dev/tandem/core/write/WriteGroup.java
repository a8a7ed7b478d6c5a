package dev.tandem.core.write;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One all-or-nothing unit of writes (an order with its account, contact and lines; one customer). The target
 * connector decides how to write it atomically: Salesforce as one Composite Graph, Clarity as CEF calls.
 *
 * @param id      unique among the groups in flight (the target may pack groups of many callers into one request)
 * @param records the records, in dependency order (a record may reference only earlier ones)
 * @param root    the ref of the record whose link marks the group as synced (written last to the link store), e.g.
 *                {@code order}; the idempotent consumer looks it up
 */
public record WriteGroup(String id, List<RecordWrite> records, String root) {

    public WriteGroup {
        Objects.requireNonNull(id, "id");
        records = List.copyOf(records);
        if (records.isEmpty()) {
            throw new IllegalArgumentException("a write group needs at least one record");
        }
        if (root == null || root.isBlank()) {
            root = records.getFirst().ref();
        }
        String r = root;
        if (records.stream().noneMatch(w -> w.ref().equals(r))) {
            throw new IllegalArgumentException("the root '" + root + "' names no record of the group");
        }
    }

    public Optional<RecordWrite> record(String ref) {
        return records.stream().filter(r -> r.ref().equals(ref)).findFirst();
    }

    public RecordWrite rootRecord() {
        return record(root).orElseThrow();
    }

    public WriteGroup withRecords(List<RecordWrite> newRecords) {
        return new WriteGroup(id, newRecords, root);
    }
}
