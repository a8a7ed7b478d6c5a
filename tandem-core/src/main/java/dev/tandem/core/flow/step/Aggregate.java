package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import dev.tandem.core.mapping.functions.PicklistValueException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregator closing a split: the parts that went through (in their original order; skipped parts left out) are
 * combined by a JSONata {@code aggregationStrategy} into the exchange's new body or write plan. It runs for every
 * exchange whose parts did not fail — also when there were no parts, on an empty array. An undefined result means
 * there is nothing to carry on with: the exchange is skipped with that reason (audited). A strategy that fails, or
 * a plan that is not one, dead-letters the exchange with {@code MAPPING_ERROR}. Failed parts never reach here: the
 * {@link Split} fails the exchange with the part's index.
 */
public final class Aggregate {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonataMapping strategy;
    private final boolean intoPlan;

    public Aggregate(JsonataMapping strategy, boolean intoPlan) {
        this.strategy = strategy;
        this.intoPlan = intoPlan;
    }

    public String kind() {
        return "aggregate";
    }

    /** The exchange put back together from its parts (none of which failed). */
    Exchange combine(Exchange x, List<Exchange> parts, StepContext ctx) {
        List<Object> bodies = new ArrayList<>();
        List<Object> plans = new ArrayList<>();
        int skipped = 0;
        for (Exchange p : parts) {
            if (p.outcome().orElse(null) instanceof FlowOutcome.Skipped) {
                skipped++;
                continue;
            }
            bodies.add(p.bodyValue());
            p.plan().ifPresent(plan -> plans.add(JSON.convertValue(plan, Object.class)));
        }
        Map<String, Object> bindings = new LinkedHashMap<>(x.bindings());
        bindings.put("parent", x.bodyValue());
        // fresh mutable lists: jsonata-java's group expression ({...} on an empty array input) adds to its input
        bindings.put("plans", plans);
        String counts = bodies.size() + " of " + parts.size() + " parts" + (skipped == 0 ? "" : ", " + skipped + " skipped");
        try {
            Object result = strategy.evaluate(bodies, bindings);
            if (result == null) {
                String reason = "the aggregationStrategy gave no value (" + counts + ")";
                ctx.audit(x, kind(), "JSONata", 0, "SKIPPED", reason, 0);
                return x.settle(new FlowOutcome.Skipped(0, reason));
            }
            JsonNode value = JsonataMapping.toJson(result);
            ctx.audit(x, kind(), "JSONata", 0, "OK", counts + " aggregated into the " + (intoPlan ? "plan" : "body"), 0);
            return intoPlan ? x.withPlan(Transform.plan(value, ctx.flowId() + ":" + x.first().offset())) : x.withBody(value);
        } catch (PicklistValueException e) {
            ctx.audit(x, kind(), "JSONata", 0, "DEAD_LETTER", e.code() + ": " + e.getMessage(), 0);
            return x.settle(new FlowOutcome.Failed(0, e.code(), e.getMessage(), false, Duration.ZERO, x.payload()));
        } catch (MappingException e) {
            String message = "the aggregationStrategy failed: " + e.getMessage()
                    + (e.position() >= 0 ? " (at character " + e.position() + ")" : "");
            ctx.audit(x, kind(), "JSONata", 0, "DEAD_LETTER", Transform.MAPPING_ERROR + ": " + message, 0);
            return x.settle(new FlowOutcome.Failed(0, Transform.MAPPING_ERROR, message, false, Duration.ZERO, x.payload()));
        }
    }
}
