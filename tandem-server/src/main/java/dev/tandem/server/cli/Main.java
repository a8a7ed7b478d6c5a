package dev.tandem.server.cli;

import picocli.CommandLine;

/** Entry point of the {@code tandem} command. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        CommandLine cli = commandLine();
        int code = cli.execute(args);
        cli.getOut().flush();
        cli.getErr().flush();
        System.exit(code);
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new TandemCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("tandem: " + e.getMessage());
            commandLine.getErr().flush();
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("Command failed", e);
            return 1;
        });
        return cli;
    }
}
