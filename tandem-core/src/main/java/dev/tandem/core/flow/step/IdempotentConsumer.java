package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Idempotent Consumer: skips an exchange whose record is already linked to the target. */
public final class IdempotentConsumer implements Step {

    private final String link;
    private final JsonataMapping key;

    public IdempotentConsumer(String link, JsonataMapping key) {
        this.link = link;
        this.key = key;
    }

    @Override
    public String kind() {
        return "idempotentConsumer";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(batch.size());
        for (Exchange x : batch) {
            Object k = key.evaluate(x.bodyValue(), x.bindings());
            String value = Fetch.text(k);
            Optional<String> existing = value.isBlank() ? Optional.empty() : ctx.links().targetId(link, value);
            if (existing.isPresent()) {
                String reason = link + " " + value + " is already synced as " + existing.get();
                ctx.audit(x, kind(), "link " + link + " " + value, 0, "SKIPPED", reason, 0);
                out.add(x.settle(new FlowOutcome.Skipped(0, reason)));
            } else {
                out.add(x);
            }
        }
        return out;
    }
}
