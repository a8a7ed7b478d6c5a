package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;
import java.util.Map;

/**
 * A flow file ({@code flows/<id>.yaml}) as written. The id is stable: it names the flow's consumer offset, its
 * retries and its dead letters, so renaming {@code name} never reprocesses anything (the lesson of Kafka Connect,
 * whose sink consumer group is named after the connector).
 *
 * @param picklists value maps the mappings use through {@code $picklist(value, 'name')}
 * @param lookups   lookup tables (CSV or YAML files relative to the flow file) for {@code $lookup('name', key)}
 * @param example   a sample source record beside the flow, for {@code tandem map preview} and
 *                  {@code tandem flows validate --against salesforce}
 */
public record FlowDefinitionFile(
        @JsonProperty(required = true) @JsonPropertyDescription("Stable id: names the consumer offset, retries and dead letters") String id,
        @JsonPropertyDescription("Display name") String name,
        @JsonPropertyDescription("What the flow does") String description,
        @JsonPropertyDescription("false pauses the flow (its offset stays where it is)") Boolean enabled,
        @JsonProperty(required = true) @JsonPropertyDescription("The trigger") Trigger from,
        @JsonProperty(required = true) @JsonPropertyDescription("The steps, in order") List<StepDefinition> steps,
        @JsonPropertyDescription("Redelivery and dead-letter policy") ErrorHandlerDefinition errorHandler,
        @JsonPropertyDescription("Picklist value maps: name -> (source value -> target value)") Map<String, Map<String, String>> picklists,
        @JsonPropertyDescription("Lookup tables: name -> {file: CSV or YAML relative to the flow file, key: key column}") Map<String, Lookup> lookups,
        @JsonPropertyDescription("A sample source record (a JSON file beside the flow) for map preview and validate --against") String example) {

    public FlowDefinitionFile {
        steps = steps == null ? List.of() : List.copyOf(steps);
        picklists = picklists == null ? Map.of() : Map.copyOf(picklists);
        lookups = lookups == null ? Map.of() : Map.copyOf(lookups);
    }

    /** A lookup table: a CSV or YAML file relative to the flow file, keyed by a column (default: the first). */
    public record Lookup(
            @JsonProperty(required = true) @JsonPropertyDescription("CSV or YAML file, relative to the flow file") String file,
            @JsonPropertyDescription("The key column; default the first column") String key) {
    }
}
