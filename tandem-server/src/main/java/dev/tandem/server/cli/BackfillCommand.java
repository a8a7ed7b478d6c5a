package dev.tandem.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.tandem.server.backfill.Backfill;
import dev.tandem.server.backfill.BackfillObject;
import dev.tandem.server.backfill.BackfillSummary;
import dev.tandem.server.config.ConfigLoader;
import dev.tandem.server.config.TandemConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tandem backfill customers|products|orders|inventory|all}: the initial load of a store into Salesforce
 * through Bulk API 2.0, mapped by the flow files ({@link Backfill}). Exit 0 when every object completed, 1 when
 * records were dead-lettered or a flow file is missing, 2 for a configuration fault or an outage (resume by running
 * the same command again), 64 for bad arguments.
 */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Loads Clarity customers, products, orders or inventory (or all, in dependency order) into "
                + "Salesforce with Bulk API 2.0 upserts, mapped by the flow files; resumable after a crash or Ctrl-C.")
public final class BackfillCommand extends CommandIo implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "OBJECT", description = "customers, products, orders, inventory or all")
    String object;
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "tandem.yaml")
    Path config;
    @Option(names = "--since", paramLabel = "DATE",
            description = "only records created or changed since DATE (2026-01-31 or 2026-01-31T08:00:00Z)")
    String since;
    @Option(names = "--dry-run", description = "read and map everything, write nothing; print what would be written")
    boolean dryRun;
    @Option(names = "--report", paramLabel = "FILE", description = "write the summary as JSON to FILE")
    Path report;
    @Option(names = "--skip-duplicate-match",
            description = "leave out the flow's salesforce.match look-ups for existing unkeyed records: only for an org that holds none of the store's records yet")
    boolean skipDuplicateMatch;
    @Option(names = "--chunk", paramLabel = "N", defaultValue = "5000",
            description = "records per chunk (one Bulk job per Salesforce object and checkpoint), 1-10000 (default ${DEFAULT-VALUE})")
    int chunk;

    @Override
    public Integer call() throws Exception {
        List<BackfillObject> objects;
        Instant from;
        try {
            objects = BackfillObject.parse(object);
            from = since == null ? null : parseSince(since);
            if (chunk < 1 || chunk > 10_000) {
                throw new IllegalArgumentException("--chunk must be between 1 and 10000, got " + chunk);
            }
        } catch (IllegalArgumentException e) {
            err().println("tandem backfill: " + e.getMessage());
            return 64;
        }
        if (report != null && report.getParent() != null && !Files.isDirectory(report.getParent())) {
            err().println("tandem backfill: --report " + report + ": the directory " + report.getParent()
                    + " does not exist");
            return 64;
        }
        TandemConfig cfg = ConfigLoader.fromSystemEnvironment().load(config);
        Backfill.Options options = Backfill.Options.defaults().withSince(from).withDryRun(dryRun).withChunkSize(chunk)
                .withSkipDuplicateMatch(skipDuplicateMatch);
        List<BackfillSummary> summaries = new ArrayList<>();
        int exit = 0;
        try (Backfill backfill = new Backfill(cfg, options, newProgress(), Clock.systemUTC())) {
            for (BackfillObject o : objects) {
                if (backfill.flow(o).isEmpty()) {
                    String why = "no flow file with id " + o.flow() + " is loaded, so there is no mapping for " + o.id()
                            + " (add " + o.flow() + ".yaml to flows.dir)";
                    err().println("tandem backfill: " + o.id() + ": " + why);
                    summaries.add(summaryOfSkipped(o, why));
                    exit = Math.max(exit, 1);
                    continue;
                }
                try {
                    BackfillSummary s = backfill.run(o);
                    summaries.add(s);
                    print(s);
                    if (s.failed() > 0) {
                        exit = Math.max(exit, 1);
                    }
                } catch (Backfill.Aborted e) {
                    err().println();
                    err().println("tandem backfill: " + o.id() + " stopped: " + e.getMessage());
                    summaries.add(new BackfillSummary(o.id(), o.flow(), "aborted", e.getMessage(), dryRun, 0, 0, 0, 0,
                            0, Map.of(), 0, 0, 0, backfill.apiCalls(), 0));
                    exit = 2;
                    break; // the objects after it depend on it (orders on customers): stop here
                }
            }
        }
        if (report != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("dryRun", dryRun);
            body.put("since", from == null ? null : from.toString());
            body.put("objects", summaries);
            Files.writeString(report, JSON.writeValueAsString(body));
        }
        return exit;
    }

    private dev.tandem.server.backfill.BackfillProgress newProgress() {
        return dev.tandem.server.backfill.BackfillProgress.forStream(out(),
                dev.tandem.server.backfill.BackfillProgress.stdoutIsTerminal());
    }

    private void print(BackfillSummary s) {
        out().printf(Locale.ROOT, "%s%s: %s · read %,d · written %,d · failed %,d (dead letters) · skipped %,d%s · "
                        + "Salesforce: %s created %,d, updated %,d in %,d Bulk jobs, %,d API calls · %.1f s%n",
                s.object(), s.dryRun() ? " (dry run: nothing written)" : "", s.status(), s.read(), s.written(),
                s.failed(), s.skipped(), s.resumedFrom() > 0 ? String.format(Locale.ROOT,
                        " · resumed after %,d", s.resumedFrom()) : "", s.rows(), s.created(), s.updated(),
                s.bulkJobs(), s.apiCalls(), s.seconds());
    }

    private static BackfillSummary summaryOfSkipped(BackfillObject o, String why) {
        return new BackfillSummary(o.id(), o.flow(), "skipped", why, false, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0);
    }

    /** A date (midnight UTC) or an ISO-8601 instant with an offset; nothing else, and not in the future. */
    static Instant parseSince(String text) {
        Instant at;
        try {
            at = text.length() == 10 ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since '" + text + "' is not a date (2026-01-31) or an ISO-8601 "
                    + "time with an offset (2026-01-31T08:00:00Z)");
        }
        if (at.isAfter(Instant.now())) {
            throw new IllegalArgumentException("--since " + text + " is in the future: nothing would be read");
        }
        return at;
    }
}
