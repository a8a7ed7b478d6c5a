package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The target system's idempotent writer: writes each exchange's write plan as one all-or-nothing group.
 *
 * @param system the target system
 * @param master the field-level master-data policy of a two-way flow (optional): only fields changed since the last
 *               sync are written, and a field changed on both sides is settled by the policy
 */
public record ToStep(@JsonProperty(required = true) @JsonPropertyDescription("The target system, e.g. salesforce") String system,
                     @JsonPropertyDescription("Field-level master-data policy for two-way sync: write only what changed since the last sync, settle conflicts") MasterDefinition master)
        implements StepDefinition {

    public ToStep(String system) {
        this(system, null);
    }

    @Override
    public String kind() {
        return "to";
    }
}
