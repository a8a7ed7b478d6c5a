package dev.tandem.core.flow.step;

import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Splitter (Camel's {@code split}, https://camel.apache.org/components/latest/eips/split-eip.html): each exchange's
 * parts (the array its expression gives) run through the steps up to the matching {@code aggregate}; the parts of
 * the whole batch go through each step together, so reads and writes stay batched. Then each exchange is put back
 * together by its {@link Aggregate}, or, when the split runs to the end of the flow, settled by its parts'
 * outcomes.
 *
 * <p>What becomes of the exchange:
 * <ul>
 *   <li>a part that fails fails the exchange: its code, and a message naming the part ({@code part [2] of 5}, the
 *       0-based {@code $splitIndex}) with the part's own message; retryable only when every failed part is. Its
 *       siblings stop at the next step boundary (Camel's {@code stopOnException}): the whole exchange is redone
 *       on redelivery, so nothing is written for a record that cannot be completed beyond what the same step
 *       already did;</li>
 *   <li>a part that is skipped (a filter, an idempotent consumer) is left out of the aggregation, audited;</li>
 *   <li>an undefined expression gives no parts, an array its elements, any other value one part (JSONata's
 *       sequence rule: a single value is a sequence of one);</li>
 *   <li>more than {@code maxParts} parts fail the exchange permanently with {@code SPLIT_TOO_LARGE}.</li>
 * </ul>
 */
public final class Split implements Step {

    public static final String SPLIT_TOO_LARGE = "SPLIT_TOO_LARGE";
    /** How many failed parts a message names before it says "and N more". */
    private static final int NAMED_FAILURES = 3;

    private final JsonataMapping expression;
    private final int maxParts;
    private final List<Choice.Pipeline> steps;
    private final Aggregate aggregate;

    /**
     * @param steps     each step of the split's scope, run as the flow runs a step (a mapping error on one part
     *                  dead-letters only that part)
     * @param aggregate the matching aggregate, or null when the split runs to the end of the flow
     */
    public Split(JsonataMapping expression, int maxParts, List<Choice.Pipeline> steps, Aggregate aggregate) {
        this.expression = expression;
        this.maxParts = maxParts;
        this.steps = List.copyOf(steps);
        this.aggregate = aggregate;
    }

    @Override
    public String kind() {
        return "split";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(batch);
        List<Exchange> parts = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>(); // per exchange: first part, part count; null when settled here
        for (int i = 0; i < batch.size(); i++) {
            Exchange x = batch.get(i);
            List<?> values;
            try {
                values = values(expression.evaluate(x.bodyValue(), x.bindings()));
            } catch (MappingException e) {
                String message = "the split expression failed: " + e.getMessage()
                        + (e.position() >= 0 ? " (at character " + e.position() + ")" : "");
                ctx.audit(x, kind(), "JSONata", 0, "DEAD_LETTER", Transform.MAPPING_ERROR + ": " + message, 0);
                out.set(i, x.settle(new FlowOutcome.Failed(0, Transform.MAPPING_ERROR, message, false, Duration.ZERO, x.payload())));
                ranges.add(null);
                continue;
            }
            if (values.size() > maxParts) {
                String message = "the split gives " + values.size() + " parts, more than maxParts " + maxParts;
                ctx.audit(x, kind(), "split", 0, "DEAD_LETTER", SPLIT_TOO_LARGE + ": " + message, 0);
                out.set(i, x.settle(new FlowOutcome.Failed(0, SPLIT_TOO_LARGE, message, false, Duration.ZERO, x.payload())));
                ranges.add(null);
                continue;
            }
            ctx.audit(x, kind(), "split", 0, "OK", values.size() + (values.size() == 1 ? " part" : " parts"), 0);
            ranges.add(new int[]{parts.size(), values.size()});
            Object parent = x.bodyValue();
            for (int k = 0; k < values.size(); k++) {
                java.util.Map<String, Object> vars = new java.util.LinkedHashMap<>();
                vars.put("splitIndex", k);
                vars.put("splitSize", values.size());
                vars.put("parent", parent);
                parts.add(x.part(values.get(k), vars));
                owner.add(i);
            }
        }
        runParts(parts, owner, ctx);
        for (int i = 0; i < batch.size(); i++) {
            int[] range = ranges.get(i);
            if (range == null) {
                continue;
            }
            List<Exchange> mine = parts.subList(range[0], range[0] + range[1]);
            Exchange x = batch.get(i);
            FlowOutcome.Failed failed = failure(x, mine);
            if (failed != null) {
                ctx.audit(x, aggregate == null ? kind() : aggregate.kind(), "parts", 0,
                        failed.retryable() ? "FAILED" : "DEAD_LETTER", failed.errorCode() + ": " + failed.message(), 0);
                out.set(i, x.settle(failed));
            } else if (aggregate != null) {
                out.set(i, aggregate.combine(x, mine, ctx));
            } else {
                out.set(i, x.settle(ended(mine)));
            }
        }
        return out;
    }

    /** Runs the scope's steps on the open parts, step by step; after each, the siblings of a failed part stop. */
    private void runParts(List<Exchange> parts, List<Integer> owner, StepContext ctx) {
        for (Choice.Pipeline step : steps) {
            List<Integer> open = new ArrayList<>();
            for (int p = 0; p < parts.size(); p++) {
                if (!parts.get(p).settled()) {
                    open.add(p);
                }
            }
            if (open.isEmpty()) {
                return;
            }
            List<Exchange> result = step.run(open.stream().map(parts::get).toList(), ctx);
            for (int k = 0; k < open.size(); k++) {
                parts.set(open.get(k), result.get(k));
            }
            java.util.Map<Integer, Integer> failedPart = new java.util.HashMap<>();
            for (int p = 0; p < parts.size(); p++) {
                if (parts.get(p).outcome().orElse(null) instanceof FlowOutcome.Failed) {
                    failedPart.putIfAbsent(owner.get(p), p);
                }
            }
            for (int p = 0; p < parts.size(); p++) {
                Integer first = failedPart.get(owner.get(p));
                if (first != null && !parts.get(p).settled()) {
                    parts.set(p, parts.get(p).settle(new FlowOutcome.Skipped(0, STOPPED)));
                }
            }
        }
    }

    /** The reason a part is stopped with when a sibling failed (never reported on its own: the exchange fails). */
    private static final String STOPPED = "not processed further: another part of the record failed";

    /** The exchange's failure from its failed parts, or null when none failed. */
    static FlowOutcome.Failed failure(Exchange x, List<Exchange> parts) {
        List<String> messages = new ArrayList<>();
        String code = null;
        boolean retryable = true;
        Duration wait = Duration.ZERO;
        int failures = 0;
        for (int k = 0; k < parts.size(); k++) {
            if (parts.get(k).outcome().orElse(null) instanceof FlowOutcome.Failed f) {
                failures++;
                if (code == null) {
                    code = f.errorCode();
                }
                retryable &= f.retryable();
                wait = f.minimumWait().compareTo(wait) > 0 ? f.minimumWait() : wait;
                if (messages.size() < NAMED_FAILURES) {
                    messages.add("part [" + k + "] of " + parts.size() + " failed: " + f.errorCode() + ": " + f.message());
                }
            }
        }
        if (failures == 0) {
            return null;
        }
        String message = String.join("; ", messages)
                + (failures > NAMED_FAILURES ? "; and " + (failures - NAMED_FAILURES) + " more parts failed" : "");
        return new FlowOutcome.Failed(0, code, message, retryable, wait, x.payload());
    }

    /** The outcome of a split that ran to the end of the flow (no aggregate): synced when any part got through. */
    private static FlowOutcome ended(List<Exchange> parts) {
        int synced = 0;
        List<String> skipped = new ArrayList<>();
        for (int k = 0; k < parts.size(); k++) {
            switch (parts.get(k).outcome().orElse(null)) {
                case FlowOutcome.Skipped s -> skipped.add("[" + k + "] " + s.reason());
                case null, default -> synced++;
            }
        }
        if (parts.isEmpty()) {
            return new FlowOutcome.Skipped(0, "the split gave no parts");
        }
        if (synced == 0) {
            return new FlowOutcome.Skipped(0, "every part was skipped: " + String.join("; ", skipped.subList(0, Math.min(NAMED_FAILURES, skipped.size())))
                    + (skipped.size() > NAMED_FAILURES ? "; and " + (skipped.size() - NAMED_FAILURES) + " more" : ""));
        }
        return new FlowOutcome.Synced(0, synced + " of " + parts.size() + " parts processed"
                + (skipped.isEmpty() ? "" : ", " + skipped.size() + " skipped"));
    }

    /** An expression's result as parts: undefined none, an array its elements, any other value one. */
    static List<?> values(Object result) {
        if (result == null) {
            return List.of();
        }
        return result instanceof List<?> l ? l : List.of(result);
    }
}
