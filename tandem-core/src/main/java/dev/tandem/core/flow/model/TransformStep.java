package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Message Translator in JSONata: the mapping file turns the body into a write plan,
 * {@code {"root": "order", "records": [{"ref", "entity", "keyField", "key", "fields"}, ...]}} — the whole plan
 * (objects, keys, references) is in the mapping file, no Java half.
 *
 * @param mapping the JSONata file, relative to the flow file's folder
 */
public record TransformStep(
        @JsonProperty(required = true) @JsonPropertyDescription("The JSONata mapping file, relative to the flow file") String mapping)
        implements StepDefinition {

    @Override
    public String kind() {
        return "transform";
    }
}
