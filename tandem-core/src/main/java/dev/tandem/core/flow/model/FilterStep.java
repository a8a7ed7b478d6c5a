package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Message Filter: exchanges for which {@code when} is false are skipped, with {@code reason} audited.
 *
 * @param when   JSONata on the body (with {@code $event}); true keeps the exchange
 * @param reason why a dropped exchange was dropped, for the audit trail
 */
public record FilterStep(
        @JsonProperty(required = true) @JsonPropertyDescription("JSONata on the body (and $event): true keeps the exchange") String when,
        @JsonPropertyDescription("Why a dropped exchange was dropped (audited)") String reason)
        implements StepDefinition {

    @Override
    public String kind() {
        return "filter";
    }
}
