package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.server.flows.PlanPreview;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tandem map preview}: runs a flow's real pipeline on a sample source record with stand-ins for the systems
 * ({@link PlanPreview}), and prints the validation results and the write plan. {@code tandem map suggest}
 * ({@link MapSuggest}): ranked, explained field-mapping suggestions, offline (docs/ai-mapping.md).
 */
@Command(name = "map", mixinStandardHelpOptions = true, description = "Mapping tools.",
        subcommands = {MapCommand.Preview.class, MapSuggest.class})
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
        @Option(names = "--record", paramLabel = "FILE", description = "the source record, as its system serialises it (JSON); default: the flow's example")
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
            String text;
            String name;
            if (record == null) {
                if (spec.example().isEmpty()) {
                    err().println("tandem: flow " + flowId + " names no example record; give one with --record FILE");
                    return 1;
                }
                text = spec.example();
                name = spec.definition().example();
            } else {
                if (!Files.isRegularFile(record) || Files.size(record) > 10 * 1024 * 1024) {
                    err().println("tandem: " + record + " is not a readable file of at most 10 MiB");
                    return 1;
                }
                text = Files.readString(record);
                name = record.toString();
            }
            JsonNode sample;
            try {
                sample = JSON.readTree(text);
            } catch (java.io.IOException e) {
                err().println("tandem: " + name + " is not JSON: " + e.getMessage());
                return 1;
            }
            if (!(sample instanceof ObjectNode source)) {
                err().println("tandem: " + name + " must hold one JSON object (the source record)");
                return 1;
            }
            PlanPreview.Result result = PlanPreview.run(spec, source);
            out().println("# flow " + spec.id() + " version " + spec.version());
            for (AuditEntry a : result.audit()) {
                if (!a.step().equals("to")) {
                    out().println("# " + a.step() + ": " + a.outcome() + (a.detail().isEmpty() ? "" : " — " + a.detail()));
                }
            }
            if (result.plan().isPresent()) {
                out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result.plan().get()));
            }
            switch (result.outcome()) {
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
}
