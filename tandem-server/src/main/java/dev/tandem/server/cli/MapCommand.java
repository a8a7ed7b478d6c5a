package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import dev.tandem.server.flows.FlowRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * {@code tandem map preview}: runs a flow's real pipeline on a sample source record with stand-ins for the systems
 * (the record is what {@code fetch} reads; enrichers leave their placeholders; {@code to} writes nothing), and prints
 * the validation results and the write plan.
 */
@Command(name = "map", mixinStandardHelpOptions = true, description = "Mapping tools.",
        subcommands = {MapCommand.Preview.class})
public final class MapCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "preview", mixinStandardHelpOptions = true,
            description = "Prints the write plan and the validation results of a flow for a sample source record (JSON); no writes.")
    static final class Preview extends CommandIo implements Callable<Integer> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Option(names = "--flow", required = true, paramLabel = "ID")
        String flowId;
        @Option(names = "--record", required = true, paramLabel = "FILE", description = "the source record, as its system serialises it (JSON)")
        Path record;
        @Option(names = "--dir", paramLabel = "DIR", description = "flows.dir")
        Path dir;

        @Override
        public Integer call() throws Exception {
            FlowSpec spec = FlowsCommand.load(dir).flows().get(flowId);
            if (spec == null) {
                err().println("tandem: no flow with id '" + flowId + "' (tandem flows list shows them)");
                return 1;
            }
            if (!Files.isRegularFile(record) || Files.size(record) > 10 * 1024 * 1024) {
                err().println("tandem: " + record + " is not a readable file of at most 10 MiB");
                return 1;
            }
            JsonNode sample;
            try {
                sample = JSON.readTree(record.toFile());
            } catch (java.io.IOException e) {
                err().println("tandem: " + record + " is not JSON: " + e.getMessage());
                return 1;
            }
            if (!(sample instanceof ObjectNode source)) {
                err().println("tandem: " + record + " must hold one JSON object (the source record)");
                return 1;
            }
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
                    g.withRecords(g.records().stream().map(MapCommand::describePlaceholders).toList()))).toList();
            Map<String, ConnectorParts> connectors = new LinkedHashMap<>();
            for (String system : List.of("clarity", "salesforce")) {
                connectors.put(system, new ConnectorParts(system, Optional.of(reader), Optional.of(writer),
                        Map.of("salesforce.pricebookEntries", passThrough, "salesforce.recordTypes", passThrough)));
            }
            FlowPipeline pipeline = new FlowPipeline(spec, connectors, new NoLinks(), Clock.systemUTC());
            String id = source.path("ID").asText("1");
            InboundEvent event = new InboundEvent(spec.definition().from().system(), "preview",
                    spec.definition().from().events().getFirst(), "Preview", id, source.path("CustomKey").asText(""),
                    Instant.now(), "{}");
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
            out().println("# flow " + spec.id() + " version " + spec.version());
            for (AuditEntry a : audit) {
                if (!a.step().equals("to")) {
                    out().println("# " + a.step() + ": " + a.outcome() + (a.detail().isEmpty() ? "" : " — " + a.detail()));
                }
            }
            if (!planned.isEmpty()) {
                out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(planned.getFirst()));
            }
            switch (outcome) {
                case FlowOutcome.Failed f -> {
                    out().println("# result: would be " + (f.retryable() ? "retried" : "dead-lettered") + ": "
                            + f.errorCode() + ": " + f.message());
                    return 1;
                }
                case FlowOutcome.Skipped s -> out().println("# result: skipped: " + s.reason());
                case FlowOutcome.Synced s -> out().println("# result: would write the plan above");
            }
            return 0;
        }
    }

    static RecordWrite describePlaceholders(RecordWrite r) {
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

    /** Nothing is linked yet in a preview. */
    private static final class NoLinks implements IdMap {
        @Override
        public void putId(String objectType, String clarityKey, String salesforceId) {
        }

        @Override
        public Optional<String> salesforceId(String objectType, String clarityKey) {
            return Optional.empty();
        }

        @Override
        public Optional<String> clarityKey(String objectType, String salesforceId) {
            return Optional.empty();
        }

        @Override
        public long countIds(String objectType) {
            return 0;
        }
    }
}
