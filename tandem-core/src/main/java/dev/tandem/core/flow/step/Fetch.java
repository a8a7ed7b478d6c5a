package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Content Enricher from the source's reader: the current record replaces the body (an event is a notification,
 * never the record), read for the whole batch at once ({@link RecordReader#fetchAll}); then the related records a
 * record names but does not embed (an order's billing contact by id) are fetched the same way.
 */
public final class Fetch implements Step {

    /**
     * A related record to fetch: by its id, or, with {@code by}, the first active record whose field {@code by} holds
     * the value {@code id} gives ({@link RecordReader#findAllBy}).
     */
    public record Related(String as, String entity, JsonataMapping id, JsonataMapping when, String by) {

        public Related(String as, String entity, JsonataMapping id, JsonataMapping when) {
            this(as, entity, id, when, null);
        }
    }

    private final String system;
    private final String entity;
    private final JsonataMapping id;
    private final List<Related> related;
    private final RecordReader reader;

    /** @param id JSONata on {@code $event} giving the id, or null for the event's entity id */
    public Fetch(String system, String entity, JsonataMapping id, List<Related> related, RecordReader reader) {
        this.system = system;
        this.entity = entity;
        this.id = id;
        this.related = List.copyOf(related);
        this.reader = reader;
    }

    @Override
    public String kind() {
        return "fetch";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<String> ids = new ArrayList<>(batch.size());
        for (Exchange x : batch) {
            ids.add(id == null ? x.first().event().entityId() : text(id.evaluate(x.bodyValue(), x.bindings())));
        }
        Instant started = ctx.clock().instant();
        Map<String, ObjectNode> found;
        try {
            found = reader.fetchAll(entity, new LinkedHashSet<>(ids));
        } catch (RuntimeException e) {
            long millis = ctx.millisSince(started);
            List<Exchange> out = new ArrayList<>(batch.size());
            for (Exchange x : batch) {
                FlowOutcome.Failed f = StepContext.failure(e, x.payload());
                ctx.audit(x, kind(), "GET " + system + " " + entity, 0, "FAILED", f.errorCode() + ": " + f.message(), millis);
                out.add(x.settle(f));
            }
            return out;
        }
        long millis = ctx.millisSince(started);
        String request = "GET " + system + " " + entity + " (" + ids.size() + " in one batch)";
        List<Exchange> out = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Exchange x = batch.get(i);
            ObjectNode record = found.get(ids.get(i));
            if (record == null) {
                // A system may not serve a record yet that an event already announced: retry, then dead-letter.
                String code = system.toUpperCase(Locale.ROOT) + "_RECORD_NOT_FOUND";
                String message = system + " has no " + entity + " with ID " + ids.get(i);
                ctx.audit(x, kind(), request, 404, "FAILED", code + ": " + message, millis);
                out.add(x.settle(new FlowOutcome.Failed(0, code, message, true, Duration.ZERO, x.payload())));
            } else {
                ctx.audit(x, kind(), request, 200, "OK", entity + " " + ids.get(i), millis);
                out.add(x.withBody(record));
            }
        }
        for (Related r : related) {
            out = fetchRelated(r, out, ctx);
        }
        return out;
    }

    private List<Exchange> fetchRelated(Related r, List<Exchange> in, StepContext ctx) {
        List<Exchange> batch = new ArrayList<>(in);
        List<Integer> wanted = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Exchange x = batch.get(i);
            if (x.settled()) {
                continue;
            }
            boolean need = r.when() == null ? x.body().path(r.as()).isMissingNode() || x.body().path(r.as()).isNull()
                    : r.when().testValue(x.bodyValue(), x.bindings());
            String namedId = text(r.id().evaluate(x.bodyValue(), x.bindings()));
            if (!namedId.isBlank() && r.by() == null) {
                // Fetched or embedded, the record depends on it: a change of it may fix this record's failure.
                x = x.withRef(r.entity() + "/" + namedId);
                batch.set(i, x);
            }
            String relatedId = need ? namedId : "";
            if (!relatedId.isBlank()) {
                wanted.add(i);
                ids.add(relatedId);
            }
        }
        if (wanted.isEmpty()) {
            return batch;
        }
        Set<String> distinct = new LinkedHashSet<>(ids);
        Instant started = ctx.clock().instant();
        Map<String, ObjectNode> found;
        List<Exchange> out = new ArrayList<>(batch);
        String request = "GET " + system + " " + r.entity() + " (" + distinct.size() + " related, as " + r.as()
                + (r.by() == null ? "" : ", by " + r.by()) + ")";
        try {
            found = r.by() == null ? reader.fetchAll(r.entity(), distinct) : reader.findAllBy(r.entity(), r.by(), distinct);
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            if (r.by() == null) {
                ctx.failAll(out, wanted, kind(), request, e, started);
                return out;
            }
            // The flow file asks for a search the system cannot do (or a value it cannot search for): no retry helps.
            long millis = ctx.millisSince(started);
            for (int i : wanted) {
                Exchange x = out.get(i);
                String message = "related " + r.as() + ": " + system + " " + r.entity() + " by " + r.by() + ": "
                        + e.getMessage();
                ctx.audit(x, kind(), request, 0, "FAILED", "FLOW_ERROR: " + message, millis);
                out.set(i, x.settle(new FlowOutcome.Failed(0, "FLOW_ERROR", message, false, Duration.ZERO, x.payload())));
            }
            return out;
        } catch (RuntimeException e) {
            ctx.failAll(out, wanted, kind(), request, e, started);
            return out;
        }
        long millis = ctx.millisSince(started);
        for (int n = 0; n < wanted.size(); n++) {
            int i = wanted.get(n);
            Exchange x = out.get(i);
            ObjectNode rel = found.get(ids.get(n));
            if (rel == null) {
                ctx.audit(x, kind(), request, 404, r.by() == null ? "WARNING" : "OK", system + " has no "
                        + (r.by() == null ? "" : "active ") + r.entity() + " with " + (r.by() == null ? "ID" : r.by())
                        + " " + ids.get(n) + "; " + r.as() + " stays empty", millis);
                continue;
            }
            ObjectNode body = ((ObjectNode) x.body()).deepCopy();
            body.set(r.as(), rel);
            ctx.audit(x, kind(), request, 200, "OK", r.as() + " = " + r.entity() + " "
                    + (r.by() == null ? ids.get(n) : rel.path("ID").asText(r.by() + " " + ids.get(n))), millis);
            out.set(i, x.withBody(body));
        }
        return out;
    }

    /** A scalar JSONata result as text: an id or key; anything else (undefined, an object) is empty. */
    static String text(Object v) {
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) ? String.valueOf((long) d) : n.toString();
        }
        return v instanceof String || v instanceof Boolean ? v.toString() : "";
    }
}
