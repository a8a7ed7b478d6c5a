package dev.tandem.core.mapping.functions;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A lookup table declared in a flow, read from a CSV or YAML file, queried by {@code $lookup(table, key, column?)}.
 *
 * <p>CSV (RFC 4180, https://www.rfc-editor.org/rfc/rfc4180 section 2): a header row names the columns; the key
 * column is the declared one, else the first; {@code #} lines are comments. Every value is a string.
 *
 * <p>YAML (https://yaml.org/spec/1.2.2/): either a list of rows (mappings; the key column as for CSV) or a
 * mapping from key to a row or to a single value. Values keep their YAML types.
 *
 * <p>Keys are compared as strings, exactly first, then ignoring case and surrounding blanks. Two rows with the
 * same key are an error, so a table cannot silently shadow a value.
 */
public final class LookupTable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    private final String source;
    private final Map<String, Object> values;
    private final Map<String, String> foldedKeys;
    private final Set<String> columns;

    private LookupTable(String source, Map<String, Object> values, Set<String> columns) {
        this.source = source;
        this.values = Collections.unmodifiableMap(values);
        this.columns = Collections.unmodifiableSet(columns);
        Map<String, String> folded = new LinkedHashMap<>();
        for (String key : values.keySet()) {
            folded.putIfAbsent(fold(key), key);
        }
        this.foldedKeys = folded;
    }

    /** A table from rows in memory (tests, or a flow loader that read the file itself). */
    public static LookupTable of(String source, Map<String, ?> values) {
        Set<String> columns = new LinkedHashSet<>();
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            copy.put(k, v);
            if (v instanceof Map<?, ?> row) {
                row.keySet().forEach(c -> columns.add(String.valueOf(c)));
            }
        });
        return new LookupTable(source, copy, columns);
    }

    /**
     * Loads a {@code .csv}, {@code .yaml} or {@code .yml} file. {@code keyColumn} may be {@code null} (first column).
     * Every problem is a {@link LookupTableException} naming the file.
     */
    public static LookupTable load(Path file, String keyColumn) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file, in, keyColumn);
        } catch (NoSuchFileException e) {
            throw new LookupTableException(file, "file not found", e);
        } catch (IOException e) {
            throw new LookupTableException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Reads a table from a stream (e.g. a flow shipped on the classpath); {@code name} gives the format and the error text. */
    public static LookupTable read(Path name, InputStream in, String keyColumn) {
        String lower = name.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".csv")) {
                return fromCsv(name, in, keyColumn);
            }
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return fromYaml(name, in, keyColumn);
            }
        } catch (JacksonException e) {
            throw new LookupTableException(name, "malformed: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")"), e);
        } catch (IOException e) {
            throw new LookupTableException(name, "cannot be read: " + e.getMessage(), e);
        }
        throw new LookupTableException(name, "unsupported file type: use .csv, .yaml or .yml", null);
    }

    private static LookupTable fromCsv(Path file, InputStream in, String keyColumn) throws IOException {
        List<Map<String, String>> rows = CsvResources.CSV.readerForMapOf(String.class)
                .with(CsvResources.headerSchema()).<Map<String, String>>readValues(in).readAll();
        if (rows.isEmpty()) {
            throw new LookupTableException(file, "has no rows (a header row and at least one data row are needed)", null);
        }
        List<Map<String, ?>> generic = new ArrayList<>(rows);
        return fromRows(file, generic, keyColumn);
    }

    private static LookupTable fromYaml(Path file, InputStream in, String keyColumn) throws IOException {
        JsonNode root = YAML.readTree(in);
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new LookupTableException(file, "is empty", null);
        }
        if (root.isArray()) {
            List<Map<String, ?>> rows = new ArrayList<>();
            int index = 0;
            for (JsonNode row : root) {
                index++;
                if (!row.isObject()) {
                    throw new LookupTableException(file, "row " + index + " is not a mapping of column to value", null);
                }
                rows.add(JSON.convertValue(row, Map.class));
            }
            return fromRows(file, rows, keyColumn);
        }
        if (root.isObject()) {
            if (keyColumn != null) {
                throw new LookupTableException(file, "a key column (" + keyColumn + ") is declared, but the file is a"
                        + " mapping keyed by its own keys; declare no key or write a list of rows", null);
            }
            Map<String, Object> values = new LinkedHashMap<>();
            Set<String> columns = new LinkedHashSet<>();
            Iterator<Map.Entry<String, JsonNode>> fields = ((ObjectNode) root).fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> e = fields.next();
                Object value = JSON.convertValue(e.getValue(), Object.class);
                if (value instanceof Map<?, ?> row) {
                    row.keySet().forEach(c -> columns.add(String.valueOf(c)));
                }
                values.put(e.getKey(), value);
            }
            return new LookupTable(file.toString(), values, columns);
        }
        throw new LookupTableException(file, "must be a list of rows or a mapping from key to value", null);
    }

    private static LookupTable fromRows(Path file, List<Map<String, ?>> rows, String keyColumn) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        String key = keyColumn != null ? keyColumn : rows.get(0).keySet().iterator().next();
        if (!columns.contains(key)) {
            throw new LookupTableException(file, "has no key column '" + key + "' (columns: " + columns + ")", null);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        int line = 0;
        for (Map<String, ?> row : rows) {
            line++;
            Object k = row.get(key);
            if (k == null || String.valueOf(k).isBlank()) {
                throw new LookupTableException(file, "row " + line + " has no value in key column '" + key + "'", null);
            }
            String keyText = String.valueOf(k).trim();
            if (values.put(keyText, Collections.unmodifiableMap(new LinkedHashMap<>(row))) != null) {
                throw new LookupTableException(file, "key '" + keyText + "' appears twice (row " + line + ")", null);
            }
        }
        return new LookupTable(file.toString(), values, columns);
    }

    private static String fold(String key) {
        return key.trim().toLowerCase(Locale.ROOT);
    }

    /** Where the table came from (the file), for messages. */
    public String source() {
        return source;
    }

    public int size() {
        return values.size();
    }

    public Set<String> columns() {
        return columns;
    }

    /** Every key with its row (or single value), in the file's order. */
    public Map<String, Object> entries() {
        return values;
    }

    /** The row (or single value) for a key, {@code null} when there is none. */
    public Object get(String key) {
        Object value = values.get(key);
        if (value == null && !values.containsKey(key)) {
            String original = foldedKeys.get(fold(key));
            value = original == null ? null : values.get(original);
        }
        return value;
    }

    boolean hasColumn(String column) {
        return columns.contains(column);
    }
}
