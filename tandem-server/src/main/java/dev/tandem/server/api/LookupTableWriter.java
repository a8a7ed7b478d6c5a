package dev.tandem.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tandem.core.flow.model.FlowDefinitionFile;
import dev.tandem.core.mapping.functions.LookupTable;
import dev.tandem.core.mapping.functions.LookupTableException;
import dev.tandem.server.flows.YamlPatch;
import dev.tandem.server.http.Problem;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code PUT /flows/{id}/lookups/{name}} checked and written out as the table's file.
 *
 * <p>Body: {@code {"columns": ["code", "name"], "rows": [["AUS", "Austin DC"], ...]}}, each row an array with one
 * cell per column, in the columns' order; a cell is a string, number, boolean or null (an empty cell). The key
 * column is the declared {@code key:}, else the first column, as {@link LookupTable} reads it.
 *
 * <p>CSV is written by Jackson's CSV writer (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180 section 2: a header
 * row, fields quoted when they hold a comma, quote or line break); every value becomes text. The old file's comment
 * and blank lines are kept where they were and a row whose cells did not change keeps its line as it was
 * ({@link CsvLayout}), so a one-cell edit changes one line. YAML (https://yaml.org/spec/1.2.2/) keeps the cells'
 * JSON types and the old file's shape: a mapping from key to value (a table whose only other column is
 * {@code value}) or to a row stays a mapping, anything else is written as a list of rows; the old file is edited in
 * place ({@link YamlPatch}, as the designer saves flow files): its comments, quoting and an unchanged row's lines
 * stay, a removed row goes with the comment lines above it, a new one is written in the writer's style (the whole
 * file is written only when the text cannot be edited so: anchors, a reordered mapping).
 *
 * <p>Every problem is a 422 listing each one with its row (1-based, as the console numbers them) and column.
 */
final class LookupTableWriter {

    /** Rows a table may have when saved from the console; larger tables are files edited outside Tandem. */
    static final int MAX_ROWS = 10_000;
    static final int MAX_COLUMNS = 100;
    static final int MAX_NAME = 200;
    /** Problems listed in one answer: the first few are enough to fix, the count says how many there are. */
    static final int MAX_PROBLEMS = 20;

    private static final CsvMapper CSV = new CsvMapper();
    private static final YAMLMapper YAML = new YAMLMapper(YAMLFactory.builder()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

    private LookupTableWriter() {
    }

    /** The table file's new text; {@code old} is the current file (its YAML shape is kept). */
    static String render(FlowDefinitionFile.Lookup lookup, Optional<String> old, ObjectNode body) {
        List<String> columns = columns(body.get("columns"));
        JsonNode rowsNode = body.get("rows");
        if (!(rowsNode instanceof ArrayNode rows)) {
            throw invalid(List.of(problem(null, null, "\"rows\" is required: an array of rows, each an array of cells")));
        }
        if (rows.size() > MAX_ROWS) {
            throw invalid(List.of(problem(null, null, "the table has " + rows.size() + " rows; at most " + MAX_ROWS
                    + " can be saved from the console")));
        }
        String key = lookup.key() != null ? lookup.key() : columns.get(0);
        if (!columns.contains(key)) {
            throw invalid(List.of(problem(null, key, "the key column '" + key + "' is missing (columns: "
                    + String.join(", ", columns) + ")")));
        }
        boolean csv = lookup.file().toLowerCase(Locale.ROOT).endsWith(".csv");
        int keyIndex = columns.indexOf(key);
        List<Map<String, Object>> problems = new ArrayList<>();
        List<List<JsonNode>> cells = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            int row = i + 1;
            JsonNode r = rows.get(i);
            if (!(r instanceof ArrayNode a)) {
                problems.add(problem(row, null, "row " + row + " is not an array of cells"));
                continue;
            }
            if (a.size() != columns.size()) {
                problems.add(problem(row, null, "row " + row + " has " + a.size() + " cells; the table has "
                        + columns.size() + " columns (" + String.join(", ", columns) + ")"));
                continue;
            }
            List<JsonNode> line = new ArrayList<>();
            for (int c = 0; c < columns.size(); c++) {
                JsonNode v = a.get(c);
                if (v.isContainerNode()) {
                    problems.add(problem(row, columns.get(c), "row " + row + ", column " + columns.get(c)
                            + ": a cell is text, a number, true/false or empty, not a list or object"));
                }
                line.add(v);
            }
            JsonNode k = a.get(keyIndex);
            String keyText = k.isNull() || k.isContainerNode() ? "" : k.asText().trim();
            if (keyText.isEmpty()) {
                problems.add(problem(row, key, "row " + row + ", column " + key + ": the key is empty"));
            } else if (seen.containsKey(keyText)) {
                problems.add(problem(row, key, "row " + row + ", column " + key + ": the key '" + keyText
                        + "' appears twice (first in row " + seen.get(keyText) + ")"));
            } else {
                seen.put(keyText, row);
                if (csv && keyIndex == 0 && keyText.startsWith("#")) {
                    problems.add(problem(row, key, "row " + row + ", column " + key + ": a CSV line starting with #"
                            + " is a comment, so a key in the first column cannot start with #"));
                }
            }
            cells.add(line);
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        boolean yamlMapping = !csv && old.map(LookupTableWriter::isMapping).orElse(false) && lookup.key() == null;
        if (rows.isEmpty() && !yamlMapping) {
            throw invalid(List.of(problem(null, null, "the table needs at least one row")));
        }
        String text;
        try {
            text = csv ? CsvLayout.of(old.orElse(null), lookup.key()).map(l -> l.render(columns, cells, keyIndex))
                    .orElse(csv(columns, cells, "\n")) : yaml(old, columns, cells, keyIndex, yamlMapping);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(500, "write_failed", "The lookup table was not written",
                    "the table could not be written as " + lookup.file() + ": " + e.getOriginalMessage()));
        }
        // Read back with the loader's reader: what is saved is what $lookup will see, row for row.
        try {
            LookupTable back = LookupTable.read(Path.of(lookup.file()),
                    new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), lookup.key());
            if (back.size() != rows.size()) {
                throw invalid(List.of(problem(null, null, "the written table reads back as " + back.size()
                        + " rows, not " + rows.size())));
            }
        } catch (LookupTableException e) {
            throw invalid(List.of(problem(null, null, e.getMessage())));
        }
        return text;
    }

    private static List<String> columns(JsonNode node) {
        if (!(node instanceof ArrayNode a) || a.isEmpty()) {
            throw invalid(List.of(problem(null, null, "\"columns\" is required: an array of column names")));
        }
        if (a.size() > MAX_COLUMNS) {
            throw invalid(List.of(problem(null, null, "the table has " + a.size() + " columns; at most " + MAX_COLUMNS)));
        }
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<Map<String, Object>> problems = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            JsonNode c = a.get(i);
            String name = c.isTextual() ? c.asText().trim() : "";
            if (name.isEmpty() || name.length() > MAX_NAME) {
                problems.add(problem(null, null, "column " + (i + 1) + " needs a name (text, 1 to " + MAX_NAME
                        + " characters)"));
            } else if (!seen.add(name)) {
                problems.add(problem(null, name, "the column '" + name + "' appears twice"));
            }
            out.add(name);
        }
        if (!problems.isEmpty()) {
            throw invalid(problems);
        }
        return out;
    }

    private static boolean isMapping(String text) {
        try {
            return YAML.readTree(text) instanceof ObjectNode;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    static String csv(List<String> columns, List<List<JsonNode>> cells, String lineSeparator) {
        CsvSchema.Builder schema = CsvSchema.builder();
        columns.forEach(schema::addColumn);
        List<List<String>> lines = cells.stream().map(LookupTableWriter::texts).toList();
        try {
            return CSV.writer(schema.build().withHeader().withLineSeparator(lineSeparator)).writeValueAsString(lines);
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(500, "write_failed", "The lookup table was not written",
                    "the table could not be written as CSV: " + e.getOriginalMessage()));
        }
    }

    /** One CSV line (with its line separator) holding {@code cells}, quoted as the CSV writer quotes them. */
    static String csvLine(List<String> cells, String lineSeparator) {
        CsvSchema.Builder schema = CsvSchema.builder();
        for (int i = 0; i < cells.size(); i++) {
            schema.addColumn("c" + i);
        }
        try {
            return CSV.writer(schema.build().withoutHeader().withLineSeparator(lineSeparator))
                    .writeValueAsString(List.of(cells));
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(500, "write_failed", "The lookup table was not written",
                    "the table could not be written as CSV: " + e.getOriginalMessage()));
        }
    }

    static List<String> texts(List<JsonNode> line) {
        return line.stream().map(v -> v.isNull() ? "" : v.asText()).toList();
    }

    private static String yaml(Optional<String> old, List<String> columns, List<List<JsonNode>> cells, int keyIndex,
                               boolean mapping) throws JsonProcessingException {
        JsonNode tree = yamlTree(columns, cells, keyIndex, mapping);
        Optional<String> patched = old.flatMap(text -> YamlPatch.apply(text, tree, YAML));
        return patched.isPresent() ? patched.get() : YAML.writeValueAsString(tree);
    }

    private static JsonNode yamlTree(List<String> columns, List<List<JsonNode>> cells, int keyIndex, boolean mapping) {
        if (mapping) {
            boolean single = columns.size() == 2 && columns.get(1 - keyIndex).equals("value");
            ObjectNode root = YAML.createObjectNode();
            for (List<JsonNode> line : cells) {
                String key = line.get(keyIndex).asText().trim();
                if (single) {
                    root.set(key, line.get(1 - keyIndex));
                } else {
                    ObjectNode row = root.putObject(key);
                    for (int c = 0; c < columns.size(); c++) {
                        if (c != keyIndex) {
                            row.set(columns.get(c), line.get(c));
                        }
                    }
                }
            }
            return root;
        }
        ArrayNode root = YAML.createArrayNode();
        for (List<JsonNode> line : cells) {
            ObjectNode row = root.addObject();
            for (int c = 0; c < columns.size(); c++) {
                row.set(columns.get(c), line.get(c));
            }
        }
        return root;
    }

    static Map<String, Object> problem(Integer row, String column, String message) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (row != null) {
            p.put("row", row);
        }
        if (column != null) {
            p.put("column", column);
        }
        p.put("message", message);
        return p;
    }

    static ProblemException invalid(List<Map<String, Object>> problems) {
        return new ProblemException(Problem.of(422, "invalid_lookup_table", "The lookup table is not valid",
                problems.getFirst().get("message") + (problems.size() > 1 ? " (and " + (problems.size() - 1)
                        + " more)" : ""))
                .with("problems", problems.subList(0, Math.min(MAX_PROBLEMS, problems.size()))));
    }

    /**
     * An old CSV table file cut into its records and the comment or blank lines before each, so a save keeps them.
     *
     * <p>What a comment is comes from the reader the flow loader uses (Jackson's CSV parser with comments allowed,
     * as {@link LookupTable} reads tables): at the start of a record, a line that is empty or holds only spaces is
     * skipped, and so is a line whose first character other than a space is {@code #}. A record ends at the first
     * line break outside a quoted field; a field is quoted when its first character is {@code "} and a quote
     * inside it is doubled (RFC 4180 section 2, https://www.rfc-editor.org/rfc/rfc4180). The cut is trusted only
     * when it finds as many records as the reader reads rows; otherwise the table is written without the old
     * file's lines.
     *
     * <p>Writing: the leading comment block, then the header (the old line when the columns are the same), then
     * each row in the body's order, preceded by the comment lines that preceded the old row with the same key (a
     * removed row's comments go to the next old row still there, or to the end), written as the old line when its
     * cells are the same, else as a new line; trailing comment lines stay at the end.
     */
    record CsvLayout(String lineSeparator, List<String> leading, String header, List<String> oldColumns,
                     List<OldRow> rows, List<String> trailing) {

        record OldRow(String key, List<String> cells, List<String> comments, String line) {
        }

        static Optional<CsvLayout> of(String old, String keyColumn) {
            if (old == null || old.isEmpty()) {
                return Optional.empty();
            }
            List<List<String>> parsed;
            List<String> oldColumns;
            try (com.fasterxml.jackson.databind.MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class)
                    .with(CsvSchema.emptySchema().withHeader().withComments()).readValues(old)) {
                List<Map<String, String>> maps = it.readAll();
                oldColumns = new ArrayList<>();
                for (CsvSchema.Column c : (CsvSchema) it.getParserSchema()) {
                    oldColumns.add(c.getName());
                }
                List<String> cols = oldColumns;
                parsed = maps.stream().map(m -> cols.stream().map(c -> m.getOrDefault(c, "")).map(v -> v == null ? "" : v)
                        .toList()).toList();
            } catch (java.io.IOException | RuntimeException e) {
                return Optional.empty();
            }
            String sep = old.contains("\r\n") ? "\r\n" : "\n";
            List<String> pending = new ArrayList<>();
            List<String> records = new ArrayList<>();
            List<List<String>> before = new ArrayList<>();
            int i = 0;
            int n = old.length();
            while (i < n) {
                int lineEnd = endOfLine(old, i);
                int next = skipBreak(old, lineEnd);
                if (skipped(old, i, lineEnd)) {
                    pending.add(old.substring(i, next));
                    i = next;
                    continue;
                }
                int end = endOfRecord(old, i);
                records.add(old.substring(i, skipBreak(old, end)));
                before.add(pending);
                pending = new ArrayList<>();
                i = skipBreak(old, end);
            }
            if (records.size() != parsed.size() + 1 || oldColumns.isEmpty()) {
                return Optional.empty();
            }
            int keyIndex = keyColumn != null ? oldColumns.indexOf(keyColumn) : 0;
            if (keyIndex < 0) {
                return Optional.empty();
            }
            List<OldRow> rows = new ArrayList<>();
            for (int r = 0; r < parsed.size(); r++) {
                rows.add(new OldRow(parsed.get(r).get(keyIndex).trim(), parsed.get(r), before.get(r + 1),
                        records.get(r + 1)));
            }
            return Optional.of(new CsvLayout(sep, before.get(0), records.get(0), oldColumns, rows, pending));
        }

        /** Whether the line from {@code start} to {@code end} is one the reader skips: blank or a comment. */
        private static boolean skipped(String text, int start, int end) {
            int i = start;
            while (i < end && text.charAt(i) == ' ') {
                i++;
            }
            return i == end || text.charAt(i) == '#';
        }

        private static int endOfLine(String text, int from) {
            int i = from;
            while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
                i++;
            }
            return i;
        }

        /** Past the line break at {@code at} (CR LF, LF or CR), or {@code at} at the end of the text. */
        private static int skipBreak(String text, int at) {
            if (at >= text.length()) {
                return at;
            }
            if (text.charAt(at) == '\r' && at + 1 < text.length() && text.charAt(at + 1) == '\n') {
                return at + 2;
            }
            return at + 1;
        }

        /** Where the record starting at {@code from} ends: its first line break outside a quoted field. */
        private static int endOfRecord(String text, int from) {
            boolean fieldStart = true;
            boolean quoted = false;
            int i = from;
            // The reader steps over spaces at the start of a record before it reads the first field.
            while (i < text.length() && text.charAt(i) == ' ') {
                i++;
            }
            while (i < text.length()) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            i++;
                        } else {
                            quoted = false;
                        }
                    }
                } else if (c == '\n' || c == '\r') {
                    return i;
                } else if (fieldStart && c == '"') {
                    quoted = true;
                    fieldStart = false;
                } else {
                    fieldStart = c == ',';
                }
                i++;
            }
            return i;
        }

        String render(List<String> columns, List<List<JsonNode>> cells, int keyIndex) {
            boolean sameColumns = columns.equals(oldColumns);
            Map<String, Integer> newKeys = new HashMap<>();
            for (int r = 0; r < cells.size(); r++) {
                newKeys.put(cells.get(r).get(keyIndex).asText().trim(), r);
            }
            // Comments of an old row no longer there move to the next old row that is.
            Map<String, List<String>> comments = new HashMap<>();
            List<String> carried = new ArrayList<>();
            Map<String, OldRow> byKey = new HashMap<>();
            for (OldRow row : rows) {
                carried.addAll(row.comments());
                if (newKeys.containsKey(row.key()) && !byKey.containsKey(row.key())) {
                    comments.put(row.key(), carried);
                    carried = new ArrayList<>();
                    byKey.put(row.key(), row);
                }
            }
            StringBuilder out = new StringBuilder();
            leading.forEach(l -> append(out, l));
            append(out, sameColumns ? header : csvLine(columns, lineSeparator));
            for (List<JsonNode> line : cells) {
                String key = line.get(keyIndex).asText().trim();
                OldRow old = byKey.get(key);
                List<String> texts = texts(line);
                if (old != null) {
                    comments.get(key).forEach(l -> append(out, l));
                }
                append(out, old != null && sameColumns && old.cells().equals(texts) ? old.line()
                        : csvLine(texts, lineSeparator));
            }
            carried.forEach(l -> append(out, l));
            trailing.forEach(l -> append(out, l));
            return out.toString();
        }

        /** Appends a line, first ending the one before when the old file's last line had no line break. */
        private void append(StringBuilder out, String line) {
            int last = out.length() - 1;
            if (last >= 0 && out.charAt(last) != '\n' && out.charAt(last) != '\r') {
                out.append(lineSeparator);
            }
            out.append(line);
        }
    }
}
