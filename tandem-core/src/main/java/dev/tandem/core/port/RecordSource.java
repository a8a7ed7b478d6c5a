package dev.tandem.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Optional;

/**
 * Reads the current state of a record from a source system (Clarity). Implemented by a connector; flows use it to
 * fetch the record an event points at.
 */
public interface RecordSource {

    /**
     * The record, as the source serialises it, or empty when it does not exist.
     *
     * @param entity the entity name, e.g. {@code SalesOrder}, {@code Account}, {@code User}, {@code Contact}, {@code Product}
     * @param id     the record's id in the source
     * @throws dev.tandem.core.error.IntegrationException when the source cannot answer
     */
    Optional<ObjectNode> fetch(String entity, String id);
}
