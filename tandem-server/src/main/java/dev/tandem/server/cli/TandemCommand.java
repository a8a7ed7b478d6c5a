package dev.tandem.server.cli;

import picocli.CommandLine.Command;

@Command(name = "tandem", mixinStandardHelpOptions = true, version = "tandem 0.1.0",
        description = "Keeps a Clarity eCommerce store and a Salesforce org in sync.",
        subcommands = {DemoCommand.class, ServerCommand.class, SandboxCommand.class, FlowsCommand.class, MapCommand.class,
                ConfigCommand.class, AlertsCommand.class, StatusCommand.class, TokensCommand.class,
                DlqCommand.class, RetriesCommand.class, TimelineCommand.class, ConflictsCommand.class,
                DuplicatesCommand.class, BackfillCommand.class, ReconcileCommand.class, ProfilesCommand.class})
public final class TandemCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
