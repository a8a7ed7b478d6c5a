package dev.tandem.server.cli;

import dev.tandem.server.config.ConfigDocs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tandem config ...}: tandem.yaml's keys, as declared by their owners. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The keys of tandem.yaml (docs/configuration.md).",
        subcommands = {ConfigCommand.Docs.class})
public final class ConfigCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "docs", mixinStandardHelpOptions = true,
            description = "Prints the tables of every tandem.yaml key (key, type, default, meaning), generated from "
                    + "the declarations; with --write, replaces the tables between the markers of FILE.")
    static final class Docs extends CommandIo implements Callable<Integer> {
        @Option(names = "--write", paramLabel = "FILE",
                description = "rewrite FILE in place between " + ConfigDocs.BEGIN + " and " + ConfigDocs.END
                        + ", keeping the prose around them (e.g. docs/configuration.md)")
        Path write;

        @Override
        public Integer call() throws Exception {
            if (write == null) {
                out().print(ConfigDocs.tables());
                return 0;
            }
            if (!Files.isRegularFile(write)) {
                err().println("tandem: " + write + " is not a file");
                return 1;
            }
            String before = Files.readString(write, StandardCharsets.UTF_8);
            String after;
            try {
                after = ConfigDocs.rewrite(before);
            } catch (IllegalArgumentException e) {
                err().println("tandem: " + write + ": " + e.getMessage());
                return 1;
            }
            if (after.equals(before)) {
                out().println(write + " is up to date");
            } else {
                Files.writeString(write, after, StandardCharsets.UTF_8);
                out().println(write + ": tables rewritten");
            }
            return 0;
        }
    }
}
