package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowFileException;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.flow.model.FlowDefinitionFile;
import dev.tandem.core.mapping.functions.LookupTable;
import dev.tandem.core.mapping.functions.LookupTableException;
import dev.tandem.server.flows.FlowFiles;
import dev.tandem.server.http.Problem;
import io.javalin.http.Context;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * The lookup tables a flow declares ({@code lookups:}, read by {@code $lookup}), as the console's mapping canvas
 * shows them: each table's file read again from where the flow reads it (flows.dir or the shipped flows), parsed
 * by the same {@link LookupTable} as the loader, at most {@link #MAX_ROWS} rows. A file that is missing or no longer
 * parses (edited after the flow loaded; the running version keeps its table) is reported on its table as a readable
 * problem, so one bad file never hides the others.
 *
 * <p>Admins replace a table with {@code PUT /flows/{id}/lookups/{name}} (see {@link LookupTableWriter} for the body
 * and its checks): the new file is checked by the flow loader ({@code tandem flows validate}) before it is written
 * into flows.dir through {@link FlowFiles#writeFile} (a shipped flow copied there first), then the flows reload.
 */
public final class LookupTableApi {

    /**
     * Rows sent per table: as many as a save from the console may hold, so every table the console can save is
     * sent whole and edited there (the console shows them in a virtualized, searchable list).
     */
    static final int MAX_ROWS = LookupTableWriter.MAX_ROWS;

    private final Supplier<Map<String, FlowSpec>> flows;
    private final FlowCatalog catalog;
    private final Path flowsDir;
    private final Runnable reload;

    /** Read-only: no flows.dir to write into (a PUT is a 409). */
    public LookupTableApi(Supplier<Map<String, FlowSpec>> flows) {
        this(flows, null, null, () -> { });
    }

    /** {@code flowsDir} null when this Tandem has none (or does not reload flows): tables cannot be saved. */
    public LookupTableApi(Supplier<Map<String, FlowSpec>> flows, FlowCatalog catalog, Path flowsDir, Runnable reload) {
        this.flows = flows;
        this.catalog = catalog;
        this.flowsDir = flowsDir;
        this.reload = reload;
    }

    public void register(ApiRoutes routes) {
        routes.get("/flows/{id}/lookups", Role.VIEWER, guarded(this::list));
        routes.put("/flows/{id}/lookups/{name}", Role.ADMIN, guarded(this::save));
    }

    private void list(Context ctx) {
        FlowSpec spec = find(ctx);
        String id = spec.id();
        ObjectNode body = JSON.createObjectNode();
        body.put("id", id);
        // What one save may hold, so the console says so before it sends a table the server would refuse.
        body.put("maxRows", LookupTableWriter.MAX_ROWS);
        body.put("maxBodyBytes", ApiSupport.MAX_BODY_BYTES);
        ArrayNode items = body.putArray("items");
        new TreeMap<>(spec.definition().lookups()).forEach((name, lookup) -> items.add(table(spec, name, lookup)));
        json(ctx, body);
    }

    private void save(Context ctx) {
        FlowSpec spec = find(ctx);
        String name = ctx.pathParam("name");
        FlowDefinitionFile.Lookup lookup = spec.definition().lookups().get(name);
        if (lookup == null) {
            throw ApiSupport.notFound("flow " + spec.id() + " declares no lookup table '" + ApiSupport.clip(name) + "'");
        }
        boolean dryRun = ApiSupport.boolParam(ctx, "dryRun");
        long length = ctx.contentLength();
        if (length > ApiSupport.MAX_BODY_BYTES) {
            // Said before the body is read, naming the table and what to do (the generic 413 names neither).
            throw new ProblemException(Problem.of(413, "payload_too_large", "The lookup table is too large to save here",
                    "the table " + ApiSupport.clip(name) + " is " + length + " bytes as sent; a save from the console"
                            + " holds at most " + ApiSupport.MAX_BODY_BYTES + " bytes (1 MiB): edit " + lookup.file()
                            + " in flows.dir outside the console, or split the table"));
        }
        ObjectNode body = ApiSupport.body(ctx);
        if (!dryRun && (flowsDir == null || catalog == null)) {
            throw new ProblemException(Problem.of(409, "no_flows_dir", "Flows cannot be written",
                    "this Tandem has no flows.dir: set flows.dir in tandem.yaml to edit flows from the console"));
        }
        String text = LookupTableWriter.render(lookup, FlowFiles.sibling(spec, lookup.file()), body);
        FlowSpec written;
        try {
            if (dryRun) {
                written = catalog == null ? spec : FlowFiles.withFile(catalog, spec, lookup.file(), text);
            } else {
                written = FlowFiles.writeFile(catalog, spec, lookup.file(), text, flowsDir);
            }
        } catch (FlowFileException e) {
            throw LookupTableWriter.invalid(e.problems().stream().map(p -> LookupTableWriter.problem(null, null,
                    p.message())).toList());
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new ProblemException(Problem.of(500, "write_failed", "The lookup table was not written", e.getMessage()));
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("flow", spec.id());
        out.put("table", name);
        out.put("rows", body.path("rows").size());
        out.put("dryRun", dryRun);
        if (!dryRun) {
            reload.run();
            out.put("file", (FlowFiles.shipped(spec) ? flowsDir : Path.of(spec.file()).toAbsolutePath().getParent())
                    .resolve(lookup.file()).normalize().toString());
            out.put("previousVersion", spec.version());
            out.put("version", written.version());
        }
        json(ctx, out);
    }

    private FlowSpec find(Context ctx) {
        String id = ctx.pathParam("id");
        if (!FlowFileApi.ID.matcher(id).matches()) {
            throw ApiSupport.notFound("'" + ApiSupport.clip(id) + "' is not a flow id (lower-case letters, digits and "
                    + "dashes, at most 63)");
        }
        FlowSpec spec = flows.get().get(id);
        if (spec == null) {
            throw ApiSupport.notFound("no flow '" + id + "' is loaded");
        }
        return spec;
    }

    private static ObjectNode table(FlowSpec spec, String name, FlowDefinitionFile.Lookup lookup) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name);
        n.put("file", lookup.file());
        n.put("key", lookup.key());
        ArrayNode columns = n.putArray("columns");
        ArrayNode rows = n.putArray("rows");
        n.put("size", 0);
        n.put("truncated", false);
        Optional<String> text = FlowFiles.sibling(spec, lookup.file());
        if (text.isEmpty()) {
            n.put("problem", "the table file " + lookup.file() + " is missing beside the flow file (or cannot be read)");
            return n;
        }
        LookupTable table;
        try {
            table = LookupTable.read(Path.of(lookup.file()),
                    new ByteArrayInputStream(text.get().getBytes(StandardCharsets.UTF_8)), lookup.key());
        } catch (LookupTableException e) {
            n.put("problem", e.getMessage());
            return n;
        }
        // A table of rows (CSV, or a YAML list) keeps its key column among its columns: the declared one, else the
        // first. A YAML mapping (key → row or single value) gets a column "key" in front, and "value" for single values.
        List<String> names = new ArrayList<>(table.columns());
        String keyColumn = lookup.key() != null ? lookup.key() : names.isEmpty() ? null : names.get(0);
        boolean rowsHaveKey = keyColumn != null && keyInRows(table, keyColumn);
        if (!rowsHaveKey) {
            keyColumn = "key";
            names.add(0, keyColumn);
            if (table.entries().values().stream().anyMatch(v -> !(v instanceof Map<?, ?>))) {
                names.add("value");
            }
        }
        n.put("keyColumn", keyColumn);
        names.forEach(columns::add);
        int count = 0;
        for (Map.Entry<String, Object> e : table.entries().entrySet()) {
            if (count++ == MAX_ROWS) {
                break;
            }
            ObjectNode row = rows.addObject();
            if (!rowsHaveKey) {
                row.put("key", e.getKey());
            }
            if (e.getValue() instanceof Map<?, ?> values) {
                values.forEach((k, v) -> row.set(String.valueOf(k), JSON.valueToTree(v)));
            } else {
                row.set("value", JSON.valueToTree(e.getValue()));
            }
        }
        n.put("size", table.size());
        n.put("truncated", table.size() > MAX_ROWS);
        return n;
    }

    /** Whether every row holds its own key in {@code column} (a list of rows), not a mapping keyed outside its rows. */
    private static boolean keyInRows(LookupTable table, String column) {
        return !table.entries().isEmpty() && table.entries().entrySet().stream()
                .allMatch(e -> e.getValue() instanceof Map<?, ?> row && row.get(column) != null
                        && String.valueOf(row.get(column)).trim().equals(e.getKey()));
    }
}
