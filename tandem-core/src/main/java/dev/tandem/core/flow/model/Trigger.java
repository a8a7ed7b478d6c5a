package dev.tandem.core.flow.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import java.util.List;

/**
 * What starts a flow: events of these types from this system, optionally narrowed by a JSONata condition on
 * {@code $event} ({@code type}, {@code entity}, {@code entityId}, {@code entityKey}, {@code source} and the parsed
 * {@code payload}).
 *
 * @param startAt where a flow that has never run starts in the event log: {@code earliest} (the whole log is
 *                backfilled) or {@code latest} (only events that arrive from now on)
 */
public record Trigger(
        @JsonProperty(required = true) @JsonPropertyDescription("The source system, e.g. clarity") String system,
        @JsonProperty(required = true) @JsonPropertyDescription("Event types, e.g. SalesOrder.Created") List<String> events,
        @JsonPropertyDescription("JSONata on $event: the flow runs only when true") String when,
        @JsonPropertyDescription("Where a new flow starts in the log: earliest (backfill) or latest") StartAt startAt) {

    public Trigger {
        events = events == null ? List.of() : List.copyOf(events);
        startAt = startAt == null ? StartAt.earliest : startAt;
    }

    public enum StartAt { earliest, latest }
}
