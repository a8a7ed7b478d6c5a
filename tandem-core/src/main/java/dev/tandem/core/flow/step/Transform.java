package dev.tandem.core.flow.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.Exchange;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.Step;
import dev.tandem.core.flow.StepContext;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import dev.tandem.core.mapping.functions.PicklistValueException;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Message Translator: the JSONata mapping turns the body into the whole write plan,
 * {@code {"root": ref, "records": [{"ref", "entity", "keyField", "key", "fields"}]}}. A mapping that fails on a
 * record, or returns something that is not a plan, dead-letters the exchange with {@code MAPPING_ERROR} and
 * JSONata's message and position.
 */
public final class Transform implements Step {

    public static final String MAPPING_ERROR = "MAPPING_ERROR";

    private final JsonataMapping mapping;

    public Transform(JsonataMapping mapping) {
        this.mapping = mapping;
    }

    @Override
    public String kind() {
        return "transform";
    }

    @Override
    public List<Exchange> apply(List<Exchange> batch, StepContext ctx) {
        List<Exchange> out = new ArrayList<>(batch.size());
        for (Exchange x : batch) {
            try {
                JsonNode plan = JsonataMapping.toJson(mapping.evaluate(x.bodyValue(), x.bindings()));
                out.add(x.withPlan(plan(plan, ctx.flowId() + ":" + x.first().offset())));
            } catch (PicklistValueException e) {
                // A value the flow's picklist map does not list: bad data, caught before Salesforce answers
                // INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
                ctx.audit(x, kind(), mapping.name(), 0, "DEAD_LETTER", e.code() + ": " + e.getMessage(), 0);
                out.add(x.settle(new FlowOutcome.Failed(0, e.code(), e.getMessage(), false, Duration.ZERO, x.payload())));
            } catch (MappingException e) {
                String message = e.getMessage() + (e.position() >= 0 ? " (at character " + e.position() + ")" : "");
                ctx.audit(x, kind(), mapping.name(), 0, "DEAD_LETTER", MAPPING_ERROR + ": " + message, 0);
                out.add(x.settle(new FlowOutcome.Failed(0, MAPPING_ERROR, message, false, Duration.ZERO, x.payload())));
            }
        }
        return out;
    }

    /** Reads a plan; throws {@link MappingException} saying what is wrong with it. */
    public static WriteGroup plan(JsonNode plan, String groupId) {
        JsonNode records = plan.path("records");
        if (!records.isArray() || records.isEmpty()) {
            throw new MappingException("the mapping must return {\"records\": [...]} with at least one record, got "
                    + abbreviate(plan), null);
        }
        List<RecordWrite> writes = new ArrayList<>();
        Set<String> refs = new HashSet<>();
        int n = 0;
        for (JsonNode r : records) {
            n++;
            String ref = r.path("ref").asText("");
            String entity = r.path("entity").asText("");
            String keyField = r.path("keyField").asText("");
            String key = r.path("key").isValueNode() ? r.path("key").asText("") : "";
            if (ref.isBlank() || entity.isBlank() || keyField.isBlank()) {
                throw new MappingException("record " + n + " of the plan needs ref, entity and keyField, got " + abbreviate(r), null);
            }
            if (key.isBlank()) {
                throw new MappingException("record " + n + " (" + ref + ", " + entity + ") has an empty key " + keyField, null);
            }
            if (!refs.add(ref)) {
                throw new MappingException("two records of the plan are named '" + ref + "'", null);
            }
            JsonNode fields = r.path("fields");
            if (!fields.isObject()) {
                throw new MappingException("record " + n + " (" + ref + ") has no fields object", null);
            }
            writes.add(new RecordWrite(ref, entity, keyField, key, (ObjectNode) fields));
        }
        String root = plan.path("root").asText("");
        try {
            return new WriteGroup(groupId, writes, root);
        } catch (IllegalArgumentException e) {
            throw new MappingException("the plan's " + e.getMessage(), e);
        }
    }

    private static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
