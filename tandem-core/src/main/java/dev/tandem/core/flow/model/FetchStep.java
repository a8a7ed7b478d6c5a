package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * Content Enricher from a system's reader: replaces the exchange's body with the current record the event points
 * at, then fetches the related records the record names but does not embed (e.g. an order's billing contact).
 *
 * @param system  the system to read, e.g. {@code clarity}
 * @param entity  the entity, e.g. {@code SalesOrder}
 * @param id      JSONata on {@code $event} giving the id; default {@code $event.entityId}
 * @param related records fetched by id and set into the body
 */
public record FetchStep(
        @JsonProperty(required = true) @JsonPropertyDescription("The system to read, e.g. clarity") String system,
        @JsonProperty(required = true) @JsonPropertyDescription("The entity to read, e.g. SalesOrder") String entity,
        @JsonPropertyDescription("JSONata on $event giving the record id; default $event.entityId") String id,
        @JsonPropertyDescription("Related records fetched by id when the record does not embed them") List<Related> related)
        implements StepDefinition {

    public FetchStep {
        related = related == null ? List.of() : List.copyOf(related);
    }

    @Override
    public String kind() {
        return "fetch";
    }

    /**
     * @param as     the body field the related record is set into, e.g. {@code BillingContact}
     * @param entity the related entity, e.g. {@code Contact}
     * @param id     JSONata on the body giving the related id, e.g. {@code BillingContactID}
     * @param when   JSONata on the body: fetch only when true; default: when {@code as} is absent
     * @param by     a field of the related entity to search instead of reading by id: the first active record
     *               whose field holds {@code id} (e.g. {@code SlaveID}: a contact's entry in an account's address
     *               book); null reads by id
     */
    public record Related(
            @JsonProperty(required = true) @JsonPropertyDescription("Body field to set, e.g. BillingContact") String as,
            @JsonProperty(required = true) @JsonPropertyDescription("Entity to read, e.g. Contact") String entity,
            @JsonProperty(required = true) @JsonPropertyDescription("JSONata on the body giving the id, e.g. BillingContactID") String id,
            @JsonPropertyDescription("JSONata on the body: fetch only when true; default when the field is absent") String when,
            @JsonPropertyDescription("Search the entity by this field instead of reading it by id: the first active record whose field holds the id, e.g. SlaveID (a contact's entry in an account's address book)") String by) {

        /** A related record read by id. */
        public Related(String as, String entity, String id, String when) {
            this(as, entity, id, when, null);
        }
    }
}
