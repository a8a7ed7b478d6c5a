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

/**
 * Idempotent Consumer: skips an exchange whose record is already linked to the target — except a reconciliation's
 * repair of a record it found missing in the target ({@code tandemRepair: {"<link>": ["*"]}} in the payload of a
 * {@code reconcile:} event, ADR 0019): the link points at a record that is gone (deleted in Salesforce), and the
 * flow writes it again, which replaces the link.
 */
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
            if (existing.isPresent() && missingInTarget(x)) {
                ctx.audit(x, kind(), "link " + link + " " + value, 0, "OK", "a reconciliation found " + link + " "
                        + value + " (linked to " + existing.get() + ") missing in the target: written again", 0);
                out.add(x);
            } else if (existing.isPresent()) {
                String reason = link + " " + value + " is already synced as " + existing.get();
                ctx.audit(x, kind(), "link " + link + " " + value, 0, "SKIPPED", reason, 0);
                out.add(x.settle(new FlowOutcome.Skipped(0, reason)));
            } else {
                out.add(x);
            }
        }
        return out;
    }

    /** Whether the exchange is a reconciliation's repair of this link's record as missing in the target. */
    private boolean missingInTarget(Exchange x) {
        var event = x.first().event();
        String payload = event.payload();
        if (!event.sourceEventId().startsWith("reconcile:") || payload == null
                || !payload.contains(dev.tandem.core.sync.Reconciler.REPAIR)) {
            return false;
        }
        try {
            JsonNode named = JSON.readTree(payload).path(dev.tandem.core.sync.Reconciler.REPAIR).path(link);
            for (JsonNode field : named) {
                if ("*".equals(field.asText())) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
}
