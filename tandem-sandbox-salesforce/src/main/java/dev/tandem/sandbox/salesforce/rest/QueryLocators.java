package dev.tandem.sandbox.salesforce.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Open query cursors: the full, already-projected result of a query whose first page did not hold every record.
 * Results are snapshotted when the query runs, as a server-side cursor would. Only the most recent cursors are
 * kept; an evicted locator answers INVALID_QUERY_LOCATOR like an expired one.
 */
final class QueryLocators {

    /** Query locators use the 01g key prefix (spec §2.5 example "01gD0000002HU6KIAW-2000"). */
    private static final String LOCATOR_PREFIX = "01g";
    private static final int MAX_OPEN_CURSORS = 500;

    record Cursor(List<ObjectNode> records, String version) {
    }

    private final IdGenerator ids;
    private final Map<String, Cursor> cursors = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cursor> eldest) {
            return size() > MAX_OPEN_CURSORS;
        }
    };

    QueryLocators(IdGenerator ids) {
        this.ids = ids;
    }

    synchronized String open(List<ObjectNode> records, String version) {
        String locator = ids.next(LOCATOR_PREFIX);
        cursors.put(locator, new Cursor(List.copyOf(records), version));
        return locator;
    }

    synchronized Optional<Cursor> find(String locator) {
        return Optional.ofNullable(cursors.get(locator));
    }

    synchronized void clear() {
        cursors.clear();
    }
}
