package dev.tandem.server.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.Enricher;
import dev.tandem.core.connector.RecordReader;
import dev.tandem.core.connector.RecordWriter;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.FlowState;
import dev.tandem.core.runtime.FlowPipeline;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.core.write.RecordWrite;
import dev.tandem.core.write.WriteGroup;
import dev.tandem.core.write.WriteOutcome;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Runs a flow's real pipeline on one sample source record with stand-ins for the systems: the record is what
 * {@code fetch} reads (related records too), enrichers name what they would fill in, {@code to} writes nothing and
 * keeps the plan. For {@code tandem map preview} and {@code tandem flows validate --against salesforce}.
 */
public final class PlanPreview {

    /** What the flow would do with the record. */
    public record Result(FlowOutcome outcome, Optional<WriteGroup> plan, List<AuditEntry> audit) {
    }

    private PlanPreview() {
    }

    public static Result run(FlowSpec spec, ObjectNode source) {
        List<WriteGroup> planned = new ArrayList<>();
        RecordReader reader = new RecordReader() {
            @Override
            public Optional<ObjectNode> fetch(String entity, String id) {
                return Optional.of(source);
            }
        };
        RecordWriter writer = new RecordWriter() {
            @Override
            public CompletableFuture<WriteOutcome> write(WriteGroup group) {
                planned.add(group);
                Map<String, String> ids = new HashMap<>();
                group.records().forEach(r -> ids.put(r.ref(), "(preview)"));
                return CompletableFuture.completedFuture(new WriteOutcome.Written(ids, false, "preview: nothing sent"));
            }

            @Override
            public void flush() {
            }
        };
        // Enrichers would call the target; the preview names what they would fill in instead.
        Enricher passThrough = groups -> groups.stream().<Enricher.Result>map(g -> new Enricher.Result.Enriched(
                g.withRecords(g.records().stream().map(PlanPreview::describePlaceholders).toList()))).toList();
        Map<String, Enricher> enrichers = new LinkedHashMap<>();
        for (String name : List.of("salesforce.pricebookEntries", "salesforce.recordTypes",
                "salesforce.personAccounts", "salesforce.match")) {
            enrichers.put(name, passThrough);
        }
        Map<String, ConnectorParts> connectors = new LinkedHashMap<>();
        for (String system : List.of(spec.definition().from().system(), "clarity", "salesforce")) {
            connectors.putIfAbsent(system, new ConnectorParts(system, Optional.of(reader), Optional.of(writer), enrichers));
        }
        FlowPipeline pipeline = new FlowPipeline(spec, connectors, IdMap.none(), Clock.systemUTC());
        InboundEvent event = new InboundEvent(spec.definition().from().system(), "preview",
                spec.definition().from().events().getFirst(), "Preview", source.path("ID").asText("1"),
                source.path("CustomKey").asText(""), Instant.now(), "{}");
        List<AuditEntry> audit = new ArrayList<>();
        FlowState state = new FlowState() {
            @Override
            public void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public void link(String entity, String sourceKey, String targetId) {
            }
        };
        FlowOutcome outcome = pipeline.process(List.of(new LoggedEvent(1, event, Instant.now())), state).getFirst();
        return new Result(outcome, planned.stream().findFirst(), audit);
    }

    private static RecordWrite describePlaceholders(RecordWrite r) {
        ObjectNode fields = r.fields().deepCopy();
        r.fields().properties().forEach(f -> {
            JsonNode v = f.getValue();
            if (v.isObject() && v.has("enrich")) {
                fields.put(f.getKey(), "(enriched: " + v.path("enrich").asText()
                        + (v.has("productKey") ? " of " + v.path("productKey").asText() : "") + ")");
            }
        });
        return r.withFields(fields);
    }
}
