package dev.tandem.core.flow.step;

import dev.tandem.core.connector.Enricher;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.error.ApiError;
import dev.tandem.core.write.WriteGroup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Content Enricher by a named enricher: one call for the batch's write plans. */
public final class Enrich implements Step {

    private final String name;
    private final Enricher enricher;

    public Enrich(String name, Enricher enricher) {
        this.name = name;
        this.enricher = enricher;
    }

    @Override
    public String kind() {
        return "enrich";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Integer> withPlan = new ArrayList<>();
        List<WriteGroup> plans = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).plan().isPresent()) {
                withPlan.add(i);
                plans.add(batch.get(i).plan().get());
            }
        }
        List<Exchange> out = new ArrayList<>(batch);
        if (plans.isEmpty()) {
            return out;
        }
        Instant started = ctx.clock().instant();
        List<Enricher.Result> results;
        try {
            results = enricher.enrich(plans);
        } catch (RuntimeException e) {
            ctx.failAll(out, withPlan, kind(), name, e, started);
            return out;
        }
        long millis = ctx.millisSince(started);
        for (int n = 0; n < withPlan.size(); n++) {
            int i = withPlan.get(n);
            Exchange x = out.get(i);
            switch (results.get(n)) {
                case Enricher.Result.Enriched e -> out.set(i, x.withPlan(e.group()));
                case Enricher.Result.Failed f -> {
                    ApiError err = f.error();
                    String message = name + " could not enrich the record: " + err.message();
                    ctx.audit(x, kind(), name, 0, err.retryable() ? "FAILED" : "DEAD_LETTER", err.errorCode() + ": " + message, millis);
                    out.set(i, x.settle(new FlowOutcome.Failed(0, err.errorCode(), message, err.retryable(), Duration.ZERO, x.payload())));
                }
            }
        }
        return out;
    }
}
