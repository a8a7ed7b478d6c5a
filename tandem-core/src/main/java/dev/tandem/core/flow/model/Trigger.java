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
 * @param key     JSONata on {@code $event} giving the record key the flow orders and coalesces its events by (the
 *                correlation expression of Camel's Aggregator); default the event's entity and id. Events with one key
 *                run in log order, one batch at a time, and those of one batch become one exchange, e.g. the stock
 *                changes of one product in several locations: {@code "'Product/' & $event.payload.ProductID"}.
 *                An event for which it gives no value keeps the default key.
 */
public record Trigger(
        @JsonProperty(required = true) @JsonPropertyDescription("The source system, e.g. clarity") String system,
        @JsonProperty(required = true) @JsonPropertyDescription("Event types, e.g. SalesOrder.Created") List<String> events,
        @JsonPropertyDescription("JSONata on $event: the flow runs only when true") String when,
        @JsonPropertyDescription("Where a new flow starts in the log: earliest (backfill) or latest") StartAt startAt,
        @JsonPropertyDescription("JSONata on $event: the record key events are ordered and coalesced by; default the event's entity and id") String key) {

    public Trigger {
        events = events == null ? List.of() : List.copyOf(events);
        startAt = startAt == null ? StartAt.earliest : startAt;
    }

    /** A trigger that orders events by their entity and id. */
    public Trigger(String system, List<String> events, String when, StartAt startAt) {
        this(system, events, when, startAt, null);
    }

    public enum StartAt { earliest, latest }
}
