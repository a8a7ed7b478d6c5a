package dev.tandem.server.cli;

import dev.tandem.server.config.ConfigException;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.server.reconcile.ReconcileObject;
import dev.tandem.server.reconcile.ReconcileReport;
import dev.tandem.server.reconcile.ReconcileResult;
import dev.tandem.server.reconcile.Reconciliation;
import dev.tandem.store.jdbc.JdbcStores;
import dev.tandem.store.jdbc.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code tandem reconcile customers|products|inventory|orders}: compares Clarity and Salesforce through the object's
 * flow file ({@link Reconciliation}) and reports what is missing on either side and which fields differ;
 * {@code --repair} enqueues sync events for what drifted. Exit 0 when there is no drift, 1 when there is, 2 for a
 * configuration fault or an outage (nothing compared, nothing enqueued), 64 for bad arguments.
 */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Compares Clarity and Salesforce record by record through the flow files' mappings: records "
                + "missing in Salesforce, missing in Clarity, and fields that differ. --repair enqueues sync events "
                + "for them. Exit 0 no drift, 1 drift found, 2 configuration fault or outage, 64 bad arguments.")
public final class ReconcileCommand extends CommandIo implements Callable<Integer> {

    /** Exit code when drift was found. */
    public static final int DRIFT = 1;
    /** Exit code when a configuration fault or an outage stopped the run. */
    public static final int ABORTED = 2;
    public static final int USAGE = 64;

    enum Format { table, json, csv }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    @Parameters(index = "0", paramLabel = "OBJECT", description = "customers, products, inventory or orders")
    String object;
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "tandem.yaml")
    Path config;
    @Option(names = "--repair", description = "enqueue sync events for the records that drifted or are missing in "
            + "Salesforce (processed by tandem server through the flow, with its policy, audit and echo suppression)")
    boolean repair;
    @Option(names = "--report", paramLabel = "FILE",
            description = "write the report to FILE: JSON (counts per object and every difference), CSV with --format csv")
    Path report;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or csv: the report's format; without --report json and csv go to stdout")
    String format;
    @Option(names = "--url", paramLabel = "URL", description = "with --repair while tandem server runs on the "
            + "store: its base URL (default: $TANDEM_URL, else server.host/port of --config)")
    java.net.URI url;
    @Option(names = "--token-file", paramLabel = "FILE",
            description = "with --repair while tandem server runs: a file holding an operator API token (default: $TANDEM_TOKEN)")
    Path tokenFile;
    @Option(names = "--page", paramLabel = "N", defaultValue = "500",
            description = "Clarity records per page, 1-1000 (default ${DEFAULT-VALUE})")
    int page;

    @Override
    public Integer call() {
        ReconcileObject o;
        Format f;
        try {
            o = ReconcileObject.parse(object);
            f = parseFormat(format);
            if (page < 1 || page > 1_000) {
                throw new IllegalArgumentException("--page must be between 1 and 1000, got " + page);
            }
            checkReport(report);
        } catch (IllegalArgumentException e) {
            err().println("tandem reconcile: " + e.getMessage());
            return USAGE;
        }
        TandemConfig cfg;
        try {
            cfg = ConfigLoader.fromSystemEnvironment().load(config);
        } catch (ConfigException e) {
            err().println("tandem reconcile: configuration: " + e.getMessage());
            return ABORTED;
        }
        ReconcileResult result;
        try (Reconciliation r = new Reconciliation(cfg, new Reconciliation.Options(page, 100_000),
                Clock.systemUTC())) {
            if (repair) {
                JdbcStores stores;
                try {
                    stores = JdbcStores.openSqlite(cfg.store().path());
                } catch (StoreException e) {
                    if (!String.valueOf(e.getMessage()).contains("in use by another Tandem")) {
                        throw e;
                    }
                    // The running server owns its store (one process at a time): it runs the repair itself.
                    result = viaServer(cfg, o);
                    if (result == null) {
                        return ABORTED;
                    }
                    return finish(List.of(result), f);
                }
                try (stores) {
                    result = r.repair(r.run(o), o, stores.eventLog(), stores.stateStore());
                }
            } else {
                result = r.run(o);
            }
        } catch (Reconciliation.Aborted e) {
            err().println("tandem reconcile: " + o.id() + " stopped: " + e.getMessage());
            return ABORTED;
        }
        return finish(List.of(result), f);
    }

    /** Asks the running server (its admin API) to reconcile and repair; null when it could not. */
    private ReconcileResult viaServer(TandemConfig cfg, ReconcileObject o) {
        try {
            ApiClient api = ApiClient.from(url, tokenFile, config, System::getenv);
            com.fasterxml.jackson.databind.JsonNode body = api.post("/reconcile/" + o.id() + "?repair=true",
                    java.util.Map.of());
            return JSON.treeToValue(body.path("objects").get(0), ReconcileResult.class);
        } catch (ApiClient.ApiException e) {
            err().println("tandem reconcile: the store " + cfg.store().path() + " is held by a running tandem server, "
                    + "and asking it to repair through its admin API failed: " + e.getMessage() + " (give --url and "
                    + "--token-file, or $TANDEM_URL and $TANDEM_TOKEN, with an operator token); nothing was enqueued");
            return null;
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            err().println("tandem reconcile: asking the running tandem server to repair failed: " + e.getMessage()
                    + "; nothing was enqueued by this command");
            return null;
        }
    }

    private int finish(List<ReconcileResult> results, Format f) {
        ReconcileResult result = results.getFirst();
        try {
            if (report != null) {
                Files.writeString(report, f == Format.csv ? ReconcileReport.csv(results) : ReconcileReport.json(results));
            }
        } catch (IOException e) {
            err().println("tandem reconcile: --report " + report + ": cannot write: " + e.getMessage());
            return USAGE;
        }
        if (report == null && f == Format.json) {
            out().println(ReconcileReport.json(results));
        } else if (report == null && f == Format.csv) {
            out().print(ReconcileReport.csv(results));
        } else {
            ReconcileReport.table(out(), results, 20);
        }
        out().flush();
        return result.drift() > 0 ? DRIFT : 0;
    }

    private static Format parseFormat(String text) {
        try {
            return Format.valueOf(text.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--format '" + text + "': one of table, json, csv");
        }
    }

    /** Refused before anything is read: a report that could not be written would lose the run's findings. */
    private static void checkReport(Path report) {
        if (report == null) {
            return;
        }
        Path parent = report.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new IllegalArgumentException("--report " + report + ": the directory " + parent + " does not exist");
        }
        if (Files.isDirectory(report)) {
            throw new IllegalArgumentException("--report " + report + " is a directory; name a file");
        }
        if (!Files.isWritable(parent) || (Files.exists(report) && !Files.isWritable(report))) {
            throw new IllegalArgumentException("--report " + report + ": not writable");
        }
    }
}
