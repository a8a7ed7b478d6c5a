package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code tandem map preview} and the console's mapping canvas ({@code POST /flows/{id}/mapping/preview}) show
 * for one sample record: the flow run by {@link PlanPreview} (its real pipeline, stand-ins for the systems), then
 * the steps' results, the validation results, the mapped records and the write plan — which objects, which calls.
 * Both render this one report: the CLI as text ({@link #lines}), the API as JSON ({@link #toJson}).
 */
public record PreviewReport(FlowSpec spec, PlanPreview.Result result) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static PreviewReport run(FlowSpec spec, ObjectNode source) {
        return new PreviewReport(spec, PlanPreview.run(spec, source));
    }

    /** Whether the record would be retried or dead-lettered (the CLI's exit 1). */
    public boolean failed() {
        return result.outcome() instanceof FlowOutcome.Failed;
    }

    /** The audit entries of the validate steps: each rule set's or profile's result. */
    public List<AuditEntry> validation() {
        return result.audit().stream().filter(a -> a.step().equals("validate")).toList();
    }

    /** The calls the target's connector would make for the plan (as the Salesforce and Clarity writers do). */
    public List<String> calls() {
        List<String> calls = new ArrayList<>();
        if (result.plan().isEmpty()) {
            return calls;
        }
        WriteGroup g = result.plan().get();
        String target = targetSystem();
        if (target.equals("salesforce")) {
            if (g.records().size() == 1) {
                RecordWrite r = g.records().getFirst();
                calls.add("PATCH /composite/sobjects/" + r.entity() + "/" + r.keyField()
                        + " (one upsert, packed with others by the batching writer)");
            } else {
                calls.add("POST /composite/graph (one all-or-nothing graph of " + g.records().size() + " upserts)");
            }
        } else {
            g.records().forEach(r -> calls.add(target + ": write " + r.entity() + " " + r.key()));
        }
        return calls;
    }

    private String targetSystem() {
        return spec.definition().steps().stream()
                .filter(s -> s instanceof dev.tandem.core.flow.model.ToStep)
                .map(s -> ((dev.tandem.core.flow.model.ToStep) s).system()).findFirst().orElse("salesforce");
    }

    /** The text {@code tandem map preview} prints. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("# flow " + spec.id() + " version " + spec.version());
        for (AuditEntry a : result.audit()) {
            if (!a.step().equals("to")) {
                out.add("# " + a.step() + ": " + a.outcome() + (a.detail().isEmpty() ? "" : " — " + a.detail()));
            }
        }
        result.plan().ifPresent(p -> {
            try {
                out.add(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(p));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        });
        out.add(switch (result.outcome()) {
            case FlowOutcome.Failed f -> "# result: would be " + (f.retryable() ? "retried" : "dead-lettered") + ": "
                    + f.errorCode() + ": " + f.message();
            case FlowOutcome.Skipped s -> "# result: skipped: " + s.reason();
            case FlowOutcome.Synced s -> "# result: would write the plan above";
        });
        return out;
    }

    /**
     * {@code {flow, version, outcome: {result, code?, message}, steps: [{step, outcome, detail}], validation: [...],
     * output: [{ref, entity, keyField, key, fields}], plan: {target, root, objects: [...], calls: [...]}}}.
     */
    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode();
        n.put("flow", spec.id());
        n.put("version", spec.version());
        ObjectNode o = n.putObject("outcome");
        switch (result.outcome()) {
            case FlowOutcome.Failed f -> {
                o.put("result", f.retryable() ? "retry" : "dead-letter");
                o.put("code", f.errorCode());
                o.put("message", f.message());
            }
            case FlowOutcome.Skipped s -> {
                o.put("result", "skipped");
                o.put("message", s.reason());
            }
            case FlowOutcome.Synced s -> {
                o.put("result", "write");
                o.put("message", "would write the plan");
            }
        }
        ArrayNode steps = n.putArray("steps");
        result.audit().stream().filter(a -> !a.step().equals("to")).forEach(a -> steps.add(entry(a)));
        ArrayNode validation = n.putArray("validation");
        validation().forEach(a -> validation.add(entry(a)));
        ArrayNode output = n.putArray("output");
        ObjectNode plan = n.putObject("plan");
        plan.put("target", targetSystem());
        ArrayNode objects = plan.putArray("objects");
        result.plan().ifPresent(g -> {
            plan.put("root", g.root());
            for (RecordWrite r : g.records()) {
                ObjectNode rec = output.addObject();
                rec.put("ref", r.ref());
                rec.put("entity", r.entity());
                rec.put("keyField", r.keyField());
                rec.put("key", r.key());
                rec.set("fields", r.fields());
                ObjectNode obj = objects.addObject();
                obj.put("ref", r.ref());
                obj.put("entity", r.entity());
                obj.put("operation", "upsert by " + r.keyField() + " = " + r.key());
                obj.put("fields", r.fields().size());
            }
        });
        ArrayNode calls = plan.putArray("calls");
        calls().forEach(calls::add);
        return n;
    }

    private static ObjectNode entry(AuditEntry a) {
        ObjectNode e = JSON.createObjectNode();
        e.put("step", a.step());
        e.put("request", a.requestSummary());
        e.put("outcome", a.outcome());
        e.put("detail", a.detail());
        return e;
    }
}
