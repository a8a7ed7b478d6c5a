package dev.tandem.core.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.write.WriteGroup;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.mapping.JsonataMapping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One record on its way through a flow (Camel's Exchange): the events that announced it (two deliveries of the
 * same change in one batch are one exchange), the body (the fetched record), the write plan once transformed, and
 * the outcome once settled. Immutable; steps return new exchanges.
 */
public final class Exchange {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<LoggedEvent> events;
    private final JsonNode body;
    private final WriteGroup plan;
    private final FlowOutcome outcome;
    /** JSONata variables beyond $event and $plan, e.g. a split part's $splitIndex, $splitSize and $parent. */
    private final Map<String, Object> variables;
    /** Related records read for this one, as {@code entity/id}: a dead letter names them, so their change retries it. */
    private final List<String> refs;
    /** The body and the JSONata variables in JSONata's Java form, made once per exchange: every expression of a step reads them. */
    private Object bodyValue;
    private Map<String, Object> bindings;

    private Exchange(List<LoggedEvent> events, JsonNode body, WriteGroup plan, FlowOutcome outcome,
                     Map<String, Object> variables, List<String> refs) {
        this.events = List.copyOf(events);
        this.body = Objects.requireNonNull(body, "body");
        this.plan = plan;
        this.outcome = outcome;
        this.variables = variables;
        this.refs = refs;
    }

    public static Exchange of(List<LoggedEvent> events) {
        return new Exchange(events, MissingNode.getInstance(), null, null, Map.of(), List.of());
    }

    /**
     * A part of this exchange made by a split: the same events (its audit entries are the record's), {@code value}
     * (in JSONata's Java form) as body, no plan, and {@code partVariables} added to the JSONata variables.
     */
    public Exchange part(Object value, Map<String, Object> partVariables) {
        Map<String, Object> v = new LinkedHashMap<>(variables);
        v.putAll(partVariables);
        Exchange p = new Exchange(events, JsonataMapping.toJson(value), null, null, java.util.Collections.unmodifiableMap(v), refs);
        p.bodyValue = value;
        return p;
    }

    public List<LoggedEvent> events() {
        return events;
    }

    public LoggedEvent first() {
        return events.getFirst();
    }

    /** The fetched record, or a missing node before {@code fetch}. */
    public JsonNode body() {
        return body;
    }

    public Optional<WriteGroup> plan() {
        return Optional.ofNullable(plan);
    }

    public Optional<FlowOutcome> outcome() {
        return Optional.ofNullable(outcome);
    }

    public boolean settled() {
        return outcome != null;
    }

    public Exchange withBody(JsonNode newBody) {
        return new Exchange(events, newBody, plan, outcome, variables, refs);
    }

    public Exchange withPlan(WriteGroup newPlan) {
        return new Exchange(events, body, newPlan, outcome, variables, refs);
    }

    /** This exchange with one more related record ({@code entity/id}) it was read with. */
    public Exchange withRef(String ref) {
        if (refs.contains(ref)) {
            return this;
        }
        List<String> r = new java.util.ArrayList<>(refs);
        r.add(ref);
        Exchange x = new Exchange(events, body, plan, outcome, variables, List.copyOf(r));
        x.bodyValue = bodyValue;
        return x;
    }

    public List<String> refs() {
        return refs;
    }

    public Exchange settle(FlowOutcome o) {
        Exchange x = new Exchange(events, body, plan, o, variables, refs);
        x.bodyValue = bodyValue;
        return x;
    }

    /** The body in JSONata's Java form (converted once). */
    public synchronized Object bodyValue() {
        if (bodyValue == null && !body.isMissingNode()) {
            bodyValue = JsonataMapping.toValue(body);
        }
        return bodyValue;
    }

    /** {@code $event} and, once transformed, {@code $plan}, in JSONata's Java form (made once). */
    public synchronized Map<String, Object> bindings() {
        if (bindings == null) {
            Map<String, Object> b = new LinkedHashMap<>(variables);
            b.put("event", JsonataMapping.toValue(StepContext.eventNode(first().event())));
            if (plan != null) {
                b.put("plan", JSON.convertValue(plan, Object.class));
            }
            bindings = java.util.Collections.unmodifiableMap(b);
        }
        return bindings;
    }

    /** What a dead letter keeps: the fetched record when there is one, else the event as received. */
    public String payload() {
        return body.isMissingNode() ? first().event().payload() : body.toString();
    }
}
