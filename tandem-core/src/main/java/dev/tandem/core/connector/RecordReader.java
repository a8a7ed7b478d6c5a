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
}
