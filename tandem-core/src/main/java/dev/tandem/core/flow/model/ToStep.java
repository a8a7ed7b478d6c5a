package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The target system's idempotent writer: writes each exchange's write plan as one all-or-nothing group.
 *
 * @param system the target system
 * @param master the field-level master-data policy of a two-way flow (optional): only fields changed since the last
 *               sync are written, and a field changed on both sides is settled by the policy
 * @param writeBack what to write back to the source record when this write created the target record (e.g. the new
 *               Salesforce id into a Clarity attribute); needs the record's object in {@code master}
 */
public record ToStep(@JsonProperty(required = true) @JsonPropertyDescription("The target system, e.g. salesforce") String system,
                     @JsonPropertyDescription("Field-level master-data policy for two-way sync: write only what changed since the last sync, settle conflicts") MasterDefinition master,
                     @JsonPropertyDescription("Written back to the source record when a target record is created: {objects: [Contact], set: {<fields, \"{id}\" = the new id>}}") WriteBack writeBack)
        implements StepDefinition {

    public ToStep(String system) {
        this(system, null, null);
    }

    /**
     * @param objects the target objects (plan entities) whose creation is written back
     * @param set     the source fields to set, as JSON; a text value {@code "{id}"} becomes the new target id
     */
    public record WriteBack(
            @JsonProperty(required = true) @JsonPropertyDescription("Target objects whose new id is written back, e.g. [Account, Contact]") java.util.List<String> objects,
            @JsonProperty(required = true) @JsonPropertyDescription("Source fields to set; the text {id} is the new target id") java.util.Map<String, Object> set) {

        public WriteBack {
            objects = objects == null ? java.util.List.of() : java.util.List.copyOf(objects);
            set = set == null ? java.util.Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
        }
    }

    @Override
    public String kind() {
        return "to";
    }
}
