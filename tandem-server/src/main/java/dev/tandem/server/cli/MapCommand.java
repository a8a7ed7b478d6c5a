package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.server.api.MappingApi;
import dev.tandem.server.api.ProblemException;
import dev.tandem.server.flows.FlowFiles;
import dev.tandem.server.flows.FlowRepository;
import dev.tandem.server.flows.PlanPreview;
import dev.tandem.server.flows.PreviewReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code tandem map preview}: runs a flow's real pipeline on a sample source record with stand-ins for the systems
 * ({@link PlanPreview}), and prints the validation results and the write plan ({@link PreviewReport}, the same
 * report the console's mapping canvas shows). {@code tandem map suggest}
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
        @Option(names = "--mapping", paramLabel = "FILE.jsonata", description = "try this mapping instead of the flow's own (nothing is written)")
        Path mapping;
        @Option(names = "--json", description = "print the report as JSON (as the admin API's POST /flows/{id}/mapping/preview answers)")
        boolean json;

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
            if (mapping != null) {
                if (!Files.isRegularFile(mapping) || Files.size(mapping) > 1024 * 1024) {
                    err().println("tandem: " + mapping + " is not a readable file of at most 1 MiB");
                    return 1;
                }
                try {
                    spec = FlowFiles.withMapping(FlowRepository.shippedCatalog(), spec, Files.readString(mapping));
                } catch (FlowFileException e) {
                    e.problems().forEach(p -> err().println(p));
                    return 1;
                }
            }
            PreviewReport report;
            FlowSpec previewed = spec;
            try {
                // the console preview's bounds: a mapping that loops is said, it does not hang the command
                report = MappingApi.boundedPreview(() -> PreviewReport.run(previewed, source));
            } catch (ProblemException e) {
                err().println("tandem: " + e.problem().title().toLowerCase(java.util.Locale.ROOT) + ": "
                        + e.problem().detail());
                return 1;
            }
            if (json) {
                TableOutput.json(out(), report.toJson());
            } else {
                report.lines().forEach(out()::println);
            }
            out().flush();
            return report.failed() ? 1 : 0;
        }
    }
}
