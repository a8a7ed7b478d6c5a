package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSchema;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.server.flows.FlowRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tandem flows ...}: the flow files, without a running server. */
@Command(name = "flows", mixinStandardHelpOptions = true,
        description = "Lists, shows, validates and compares flow files (docs/flows.md); pauses and resumes flows of a running Tandem.",
        subcommands = {FlowsCommand.ListFlows.class, FlowsCommand.Show.class, FlowsCommand.Validate.class,
                FlowsCommand.Diff.class, FlowsCommand.Schema.class, FlowsCommand.Pause.class, FlowsCommand.Resume.class})
public final class FlowsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    static FlowRepository.Loaded load(Path dir) {
        return new FlowRepository(FlowRepository.shippedCatalog(), dir, Map.of()).load();
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every flow: id, version, trigger, enabled.")
    static final class ListFlows extends CommandIo implements Callable<Integer> {
        @Option(names = "--dir", paramLabel = "DIR", description = "flows.dir: flow files that add to or override the shipped ones")
        Path dir;

        @Override
        public Integer call() {
            FlowRepository.Loaded loaded = load(dir);
            out().printf("%-36s %-13s %-8s %s%n", "ID", "VERSION", "ENABLED", "TRIGGER");
            for (FlowSpec f : loaded.flows().values()) {
                out().printf("%-36s %-13s %-8s %s %s%n", f.id(), f.version(), f.enabled(),
                        f.definition().from().system(), String.join(",", f.definition().from().events()));
            }
            loaded.problems().forEach(p -> err().println(p));
            return loaded.problems().isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One flow as loaded: its definition and version.")
    static final class Show extends CommandIo implements Callable<Integer> {
        @Parameters(paramLabel = "ID")
        String id;
        @Option(names = "--dir", paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() throws Exception {
            FlowSpec f = load(dir).flows().get(id);
            if (f == null) {
                err().println("tandem: no flow with id '" + id + "' (tandem flows list shows them)");
                return 1;
            }
            out().println("# " + f.file() + ", version " + f.version() + (f.enabled() ? "" : " (disabled)"));
            out().print(YAML.writeValueAsString(f.definition()));
            return 0;
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Checks flow files (a file, or every *.yaml of a folder; default: the shipped flows). "
                    + "Prints every problem as file:line:column: message; exits 1 when there is any.")
    static final class Validate extends CommandIo implements Callable<Integer> {
        @Parameters(paramLabel = "FILE|DIR", arity = "0..1")
        Path path;
        @Option(names = "--against", paramLabel = "SYSTEM",
                description = "also check every object and field the flows write against this org's describe "
                        + "(salesforce); runs each flow on its example record to see the write plan")
        String against;
        @Option(names = "--config", paramLabel = "FILE", description = "tandem.yaml naming the org (with --against)")
        Path config;

        @Override
        public Integer call() {
            List<FlowProblem> problems = new ArrayList<>();
            List<FlowSpec> valid = new ArrayList<>();
            int ok = 0;
            if (against != null && !against.equals("salesforce")) {
                err().println("tandem: --against takes salesforce, got '" + against + "'");
                return 1;
            }
            if (against != null && config == null) {
                err().println("tandem: --against salesforce needs --config tandem.yaml (the org to check against)");
                return 1;
            }
            if (path == null) {
                FlowRepository.Loaded loaded = load(null);
                problems.addAll(loaded.problems());
                ok = loaded.flows().size();
                valid.addAll(loaded.flows().values());
            } else {
                if (!Files.exists(path)) {
                    err().println("tandem: " + path + " does not exist");
                    return 1;
                }
                FlowRepository repo = new FlowRepository(FlowRepository.shippedCatalog(), null, Map.of());
                for (Path file : FlowRepository.files(path)) {
                    try {
                        FlowSpec f = repo.loadFile(file);
                        out().println("ok " + file + " (" + f.id() + ", version " + f.version() + ")");
                        ok++;
                        valid.add(f);
                    } catch (FlowFileException e) {
                        problems.addAll(e.problems());
                    }
                }
            }
            if (against != null && problems.isEmpty()) {
                problems.addAll(new SalesforceSchemaCheck(config).check(valid));
            }
            problems.forEach(p -> out().println(p));
            out().println(ok + " flow(s) valid, " + problems.size() + " problem(s)");
            return problems.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compares two flow files as loaded: the definition as a tree, then a unified diff of each changed mapping file. Exit 0 same, 1 different, 2 a file does not load.")
    static final class Diff extends CommandIo implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "A")
        Path a;
        @Parameters(index = "1", paramLabel = "B")
        Path b;

        @Override
        public Integer call() throws Exception {
            FlowRepository repo = new FlowRepository(FlowRepository.shippedCatalog(), null, Map.of());
            FlowSpec fa;
            FlowSpec fb;
            try {
                fa = repo.loadFile(a);
                fb = repo.loadFile(b);
            } catch (FlowFileException e) {
                // as diff(1): 2 for trouble; a flow that does not load has no definition to compare
                e.problems().forEach(p -> err().println(p));
                err().println("tandem: cannot compare: fix the flow file first");
                return 2;
            }
            out().println("--- " + a + " (version " + fa.version() + ")");
            out().println("+++ " + b + " (version " + fb.version() + ")");
            List<String> changes = dev.tandem.server.flows.FlowDiff.between(fa, fb);
            changes.forEach(out()::println);
            if (changes.isEmpty()) {
                out().println("no differences");
                return 0;
            }
            return 1; // as diff(1): 1 when the flows differ, so a script can tell
        }
    }

    @Command(name = "schema", mixinStandardHelpOptions = true,
            description = "Prints the JSON Schema of flow files (generated from the step model), for editors and the designer.")
    static final class Schema extends CommandIo implements Callable<Integer> {
        @Override
        public Integer call() {
            out().print(FlowSchema.text());
            return 0;
        }
    }

    @Command(name = "pause", mixinStandardHelpOptions = true,
            description = "Pause a flow of a running Tandem (kept across restarts; its events wait in the log).")
    static final class Pause extends CommandIo implements Callable<Integer> {
        @picocli.CommandLine.Mixin ApiOptions api;
        @Parameters(paramLabel = "FLOW") String flow;
        @picocli.CommandLine.Option(names = "--reason") String reason;

        @Override
        public Integer call() {
            com.fasterxml.jackson.databind.JsonNode f = api.client().post("/flows/" + DlqCommand.enc(flow) + "/pause",
                    reason == null ? DlqCommand.JSON.createObjectNode() : DlqCommand.JSON.createObjectNode().put("reason", reason));
            return DlqCommand.printed(this, api, f, flow + " is " + f.path("state").asText() + " (backlog "
                    + f.path("backlog").asText() + ")");
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused flow of a running Tandem.")
    static final class Resume extends CommandIo implements Callable<Integer> {
        @picocli.CommandLine.Mixin ApiOptions api;
        @Parameters(paramLabel = "FLOW") String flow;

        @Override
        public Integer call() {
            com.fasterxml.jackson.databind.JsonNode f = api.client().post("/flows/" + DlqCommand.enc(flow) + "/resume",
                    DlqCommand.JSON.createObjectNode());
            return DlqCommand.printed(this, api, f, flow + " is " + f.path("state").asText() + " (backlog "
                    + f.path("backlog").asText() + ")");
        }
    }
}
