package dev.tandem.core.connector;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the current state of records from a system. An event is a notification, so the {@code fetch} step reads
 * the record it points at before anything is written (architecture: "an event is a notification").
 */
public interface RecordReader {

    /**
     * The record, as the system serialises it, or empty when it does not exist.
     *
     * @throws dev.tandem.core.error.IntegrationException when the system cannot answer
     */
    Optional<ObjectNode> fetch(String entity, String id);

    /**
     * Many records of one entity, keyed by id; ids that do not exist are absent. A reader whose API can list by
     * ids (CEF's repeated {@code IDs} filter, SOQL {@code IN}) overrides this to read a whole batch in few requests;
     * this default fetches them one by one.
     */
    default Map<String, ObjectNode> fetchAll(String entity, Collection<String> ids) {
        Map<String, ObjectNode> found = new LinkedHashMap<>();
        for (String id : ids) {
            fetch(entity, id).ifPresent(r -> found.put(id, r));
        }
        return found;
    }

    /**
     * Records of one entity found by a field instead of their id: for each value, the first active record whose
     * {@code field} holds it (e.g. {@code AccountContact} by {@code SlaveID}: a contact's entry in an account's
     * address book), keyed by the value; values without such a record are absent. A reader whose system cannot
     * search refuses.
     *
     * @throws UnsupportedOperationException when the system cannot be searched so
     * @throws dev.tandem.core.error.IntegrationException when the system cannot answer
     */
    default Map<String, ObjectNode> findAllBy(String entity, String field, Collection<String> values) {
        throw new UnsupportedOperationException("this system's reader cannot search " + entity + " by " + field);
    }
}
