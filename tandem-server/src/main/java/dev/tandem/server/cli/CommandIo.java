package dev.tandem.server.cli;

import picocli.CommandLine;

import java.io.PrintWriter;

/** A subcommand that prints through picocli's writers (so tests and embedders capture what it says). */
abstract class CommandIo {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
