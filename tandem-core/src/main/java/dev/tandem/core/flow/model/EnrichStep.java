package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Content Enricher by a named enricher of a connector, e.g. {@code salesforce.pricebookEntries}: fills the write
 * plan's {@code {"enrich": ...}} placeholders.
 */
public record EnrichStep(
        @JsonProperty(required = true) @JsonPropertyDescription("The enricher, e.g. salesforce.pricebookEntries") String using)
        implements StepDefinition {

    @Override
    public String kind() {
        return "enrich";
    }
}
