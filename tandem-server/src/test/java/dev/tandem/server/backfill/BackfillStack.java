package dev.tandem.server.backfill;

import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Both sandboxes on ephemeral ports and a tandem.yaml pointing at them, for running {@code tandem backfill}. */
final class BackfillStack implements AutoCloseable {

    record Run(int exitCode, String out, String err) {
    }

    final SalesforceSandbox salesforce;
    final ClaritySandbox clarity;
    final Path config;
    final Path store;

    BackfillStack(Path dir, int customers, int orders) {
        this(dir, ClaritySandbox.builder().port(0).seed(11).customers(customers).products(20).orders(orders));
    }

    BackfillStack(Path dir, ClaritySandbox.Builder clarity) {
        this(dir, clarity, b -> b);
    }

    /** With the Salesforce org set up by {@code salesforceOrg} (e.g. multiple currencies). */
    BackfillStack(Path dir, ClaritySandbox.Builder clarity,
                  java.util.function.UnaryOperator<SalesforceSandbox.Builder> salesforceOrg) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.salesforce = salesforceOrg.apply(SalesforceSandbox.builder().port(0)).build().start();
        this.clarity = clarity.build().start();
        this.store = dir.resolve("tandem.db");
        this.config = writeConfig(dir.resolve("tandem.yaml"), salesforce.tokenUrl());
    }

    /** A config whose Salesforce token URL is {@code tokenUrl} (e.g. a port nothing listens on). */
    Path writeConfig(Path file, String tokenUrl) {
        try {
            return Files.writeString(file, """
                    store:
                      path: %s
                    clarity:
                      baseUrl: %s
                      username: %s
                      password: %s
                      webhook:
                        secrets: [ "whsec-backfill-test-0123" ]
                    salesforce:
                      tokenUrl: %s
                      clientId: %s
                      clientSecret: %s
                    """.formatted(store, clarity.baseUrl(), clarity.user(), clarity.password(), tokenUrl,
                    salesforce.clientId(), salesforce.clientSecret()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Override
    public void close() {
        clarity.close();
        salesforce.close();
    }
}
