package dev.tandem.core.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a step may use while it runs one batch: the flow's identity, the clock, the links, and the audit sink. */
public final class StepContext {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String flowId;
    private final String version;
    private final Clock clock;
    private final IdMap links;
    private final FlowState state;
    /** When the batch began ({@link System#nanoTime}), before its first step read anything. */
    private final long startedNanos;

    public StepContext(String flowId, String version, Clock clock, IdMap links, FlowState state) {
        this(flowId, version, clock, links, state, System.nanoTime());
    }

    private StepContext(String flowId, String version, Clock clock, IdMap links, FlowState state, long startedNanos) {
        this.flowId = flowId;
        this.version = version;
        this.clock = clock;
        this.links = links;
        this.state = state;
        this.startedNanos = startedNanos;
    }

    /**
     * When this batch began ({@link System#nanoTime}), before any step fetched a record: a two-way sync's {@code to}
     * step compares it with the other direction's writes to tell a possibly stale copy of its source.
     */
    public long startedNanos() {
        return startedNanos;
    }

    public String flowId() {
        return flowId;
    }

    public Clock clock() {
        return clock;
    }

    public IdMap links() {
        return links;
    }

    public FlowState state() {
        return state;
    }

    /** An audit entry for every event of the exchange. */
    public void audit(Exchange x, String step, String request, int status, String outcome, String detail, long millis) {
        Instant now = clock.instant();
        for (var e : x.events()) {
            state.audit(new AuditEntry(e.offset(), flowId, version, step, request, status, millis, outcome, detail, now));
        }
    }

    /** {@link #audit} of a write step, with what it wrote (already redacted) as JSON. */
    public void auditWrite(Exchange x, String step, String request, int status, String detail, long millis, String written) {
        Instant now = clock.instant();
        for (var e : x.events()) {
            state.audit(new AuditEntry(e.offset(), flowId, version, step, request, status, millis, "OK", detail, now, written));
        }
    }

    /** Masks sensitive fields of what is audited. */
    public dev.tandem.core.state.Redactor redactor() {
        return redactor;
    }

    public StepContext withRedactor(dev.tandem.core.state.Redactor r) {
        StepContext c = new StepContext(flowId, version, clock, links, state, startedNanos);
        c.redactor = r;
        return c;
    }

    private dev.tandem.core.state.Redactor redactor = dev.tandem.core.state.Redactor.defaults();

    public long millisSince(Instant started) {
        return Duration.between(started, clock.instant()).toMillis();
    }

    /** The JSONata variables of an exchange: {@code $event} (type, entity, entityId, entityKey, source, payload), {@code $plan}. */
    public static Map<String, Object> bindings(Exchange x) {
        return x.bindings();
    }

    public static ObjectNode eventNode(InboundEvent e) {
        ObjectNode n = JSON.createObjectNode();
        n.put("source", e.source());
        n.put("type", e.type());
        n.put("entity", e.entity());
        n.put("entityId", e.entityId());
        n.put("entityKey", e.entityKey());
        n.put("occurredAt", e.occurredAt().toString());
        try {
            JsonNode payload = JSON.readTree(e.payload());
            n.set("payload", payload == null ? JSON.nullNode() : payload);
        } catch (Exception notJson) {
            n.put("payload", e.payload());
        }
        return n;
    }

    /**
     * Settles the exchanges at {@code indexes} of {@code out} as failed by {@code e} (a connector call for the whole
     * batch failed: an outage, refused credentials), with an audit entry each.
     */
    public void failAll(List<Exchange> out, List<Integer> indexes, String step, String request, RuntimeException e,
                        Instant started) {
        long millis = millisSince(started);
        for (int i : indexes) {
            Exchange x = out.get(i);
            FlowOutcome.Failed f = failure(e, x.payload());
            audit(x, step, request, 0, "FAILED", f.errorCode() + ": " + f.message(), millis);
            out.set(i, x.settle(f));
        }
    }

    /** A failure outcome from an exception thrown by a connector. */
    public static FlowOutcome.Failed failure(Throwable t, String payload) {
        if (t instanceof IntegrationException e) {
            return new FlowOutcome.Failed(0, e.errorCode(), e.system() + ": " + e.getMessage(), e.retryable(),
                    e.retryAfter().orElse(Duration.ZERO), payload,
                    new FlowOutcome.FailureDetails("", e.httpStatus(), e.fields(), null, java.util.List.of()));
        }
        return new FlowOutcome.Failed(0, "FLOW_ERROR", t.getClass().getSimpleName() + ": " + t.getMessage(), true,
                Duration.ZERO, payload);
    }
}
