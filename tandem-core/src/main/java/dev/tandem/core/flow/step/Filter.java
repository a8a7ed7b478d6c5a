package dev.tandem.core.flow.step;

import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;

import java.util.ArrayList;
import java.util.List;

/** Message Filter: an exchange for which the condition is false is skipped, with the reason audited. */
public final class Filter implements Step {

    private final JsonataMapping when;
    private final String reason;

    public Filter(JsonataMapping when, String reason) {
        this.when = when;
        this.reason = reason == null || reason.isBlank() ? "filtered out by the flow" : reason;
    }

    @Override
    public String kind() {
        return "filter";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(batch.size());
        for (Exchange x : batch) {
            if (when.testValue(x.bodyValue(), x.bindings())) {
                out.add(x);
            } else {
                ctx.audit(x, kind(), "filter", 0, "SKIPPED", reason, 0);
                out.add(x.settle(new FlowOutcome.Skipped(0, reason)));
            }
        }
        return out;
    }
}
