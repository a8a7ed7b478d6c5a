package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** The target system's idempotent writer: writes each exchange's write plan as one all-or-nothing group. */
public record ToStep(@JsonProperty(required = true) @JsonPropertyDescription("The target system, e.g. salesforce") String system)
        implements StepDefinition {

    @Override
    public String kind() {
        return "to";
    }
}
