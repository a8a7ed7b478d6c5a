package dev.tandem.server.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of a reconciliation: JSON (per object counts and every difference), CSV (one row per difference, for a
 * spreadsheet) and the summary table printed on the terminal.
 */
public final class ReconcileReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final CsvMapper CSV = new CsvMapper();
    private static final List<String> COLUMNS = List.of("object", "kind", "entity", "key", "clarityId",
            "salesforceId", "field", "clarityValue", "salesforceValue");

    private ReconcileReport() {
    }

    /** {@code {"drift": n, "objects": [...]}}: every result with its counts and differences. */
    public static String json(List<ReconcileResult> results) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("drift", results.stream().mapToLong(ReconcileResult::drift).sum());
        body.put("objects", results);
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row per difference, with a header. */
    public static String csv(List<ReconcileResult> results) {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        COLUMNS.forEach(schema::addColumn);
        List<Map<String, String>> rows = new ArrayList<>();
        for (ReconcileResult r : results) {
            for (ReconcileResult.Difference d : r.differences()) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("object", r.object());
                row.put("kind", d.kind().name());
                row.put("entity", d.entity());
                row.put("key", cell(d.key()));
                row.put("clarityId", cell(d.clarityId()));
                row.put("salesforceId", cell(d.salesforceId()));
                row.put("field", cell(d.field()));
                row.put("clarityValue", cell(d.clarityValue()));
                row.put("salesforceValue", cell(d.salesforceValue()));
                rows.add(row);
            }
        }
        try {
            return CSV.writer(schema.build()).writeValueAsString(rows);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A value as a CSV cell: a value a spreadsheet would run as a formula ({@code =HYPERLINK(…)}, {@code +cmd},
     * {@code @SUM}) gets a leading apostrophe (OWASP "CSV Injection"); quoting and line breaks are the CSV writer's.
     */
    static String cell(String v) {
        if (v == null || v.isEmpty()) {
            return v == null ? "" : v;
        }
        char c = v.charAt(0);
        boolean formula = c == '=' || c == '+' || c == '@' || c == '\t' || c == '\r'
                || (c == '-' && (v.length() == 1 || !Character.isDigit(v.charAt(1))));
        return formula ? "'" + v : v;
    }

    /** The summary table, then up to {@code show} differences. */
    public static void table(PrintWriter out, List<ReconcileResult> results, int show) {
        List<List<String>> rows = new ArrayList<>();
        for (ReconcileResult r : results) {
            for (String entity : r.salesforceRecords().keySet()) {
                rows.add(List.of(r.object(), entity, n(r.salesforceRecords().get(entity)), n(r.compared().get(entity)),
                        n(r.missingInSalesforce().get(entity)), n(r.missingInClarity().get(entity)),
                        n(r.drifted().get(entity)), n(r.fieldDifferences().get(entity))));
            }
        }
        dev.tandem.server.cli.TableOutput.table(out, List.of("OBJECT", "SALESFORCE", "READ", "COMPARED",
                "MISSING IN SF", "MISSING IN CLARITY", "DRIFTED", "FIELDS"), rows);
        for (ReconcileResult r : results) {
            out.printf(Locale.ROOT, "%s: %,d Clarity records through %s%s · drift %,d · %,d Salesforce API calls, "
                            + "%,d Clarity pages · %.1f s%n", r.object(), r.clarityRecords(), r.flow(),
                    r.notMapped().isEmpty() ? "" : " (not written by the flow, not compared: " + r.notMapped() + ")",
                    r.drift(), r.salesforceApiCalls(), r.clarityApiCalls(), r.seconds());
            if (r.repair() != null) {
                ReconcileResult.Repair rep = r.repair();
                out.printf(Locale.ROOT, "%s: repair enqueued %,d sync events%s%s%s%n", r.object(), rep.enqueued(),
                        rep.duplicates() > 0 ? " (" + rep.duplicates() + " already in the log)" : "",
                        rep.notRepaired().isEmpty() ? "" : "; not repaired: " + rep.notRepaired(),
                        rep.flowEnabled() ? "; tandem server processes them through " + r.flow()
                                : "; the flow " + r.flow() + " is not enabled in tandem.yaml: the events wait until it is");
            }
        }
        List<List<String>> diffs = new ArrayList<>();
        for (ReconcileResult r : results) {
            for (ReconcileResult.Difference d : r.differences()) {
                if (diffs.size() >= show) {
                    break;
                }
                diffs.add(List.of(d.kind().name().toLowerCase(Locale.ROOT).replace('_', ' '), d.entity(),
                        printable(d.key()), printable(d.field()), printable(d.clarityValue()),
                        printable(d.salesforceValue())));
            }
        }
        if (!diffs.isEmpty()) {
            out.println();
            dev.tandem.server.cli.TableOutput.table(out, List.of("DIFFERENCE", "OBJECT", "KEY", "FIELD", "CLARITY",
                    "SALESFORCE"), diffs);
            long all = results.stream().mapToLong(r -> r.differences().size()).sum();
            if (all > diffs.size()) {
                out.printf(Locale.ROOT, "… and %,d more (--report FILE writes them all)%n", all - diffs.size());
            }
        }
    }

    /** A value for the terminal: control characters (an escape sequence in a hostile value) shown, not run. */
    static String printable(String v) {
        if (v == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(Math.min(v.length(), 60));
        for (int i = 0; i < v.length() && b.length() < 60; i++) {
            char c = v.charAt(i);
            b.append(Character.isISOControl(c) ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.length() < v.length() ? b.append('…').toString() : b.toString();
    }

    private static String n(Long v) {
        return String.format(Locale.ROOT, "%,d", v == null ? 0 : v);
    }
}
