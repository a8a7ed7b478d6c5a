package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Idempotent Consumer: an exchange whose record is already linked to the target (written by an earlier event) is
 * skipped, with the reason audited.
 *
 * @param link the linked entity in the target, e.g. {@code Order}
 * @param key  JSONata giving the record's key from the body (after {@code fetch}) or from {@code $event}
 */
public record IdempotentConsumerStep(
        @JsonProperty(required = true) @JsonPropertyDescription("The target entity whose link marks the record as done, e.g. Order") String link,
        @JsonProperty(required = true) @JsonPropertyDescription("JSONata: the record's key, from the body or from $event (e.g. $event.entityKey)") String key)
        implements StepDefinition {

    @Override
    public String kind() {
        return "idempotentConsumer";
    }
}
