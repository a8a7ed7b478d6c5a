package dev.tandem.core.mapping.functions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code $lookup(table, key, column?)}: the row of a lookup table declared in the flow (an object of column →
 * value), or one column of it. A key the table does not have yields undefined (test it with {@code $exists});
 * an undeclared table or an unknown column is an error. {@code $lookupRows(table)}: every row, in the file's order
 * (a configuration list a mapping iterates, e.g. the custom price books to write), each with its key as {@code key}
 * unless the row has a column of that name; a table of single values gives {@code {"key": ..., "value": ...}}.
 */
final class LookupFunctions {

    private final Map<String, LookupTable> tables;

    LookupFunctions(Map<String, LookupTable> tables) {
        this.tables = Map.copyOf(tables);
    }

    Map<String, LookupTable> tables() {
        return tables;
    }

    List<FunctionDefinition> definitions() {
        return List.of(new FunctionDefinition("lookup", "<xxx?:x>", this::lookup),
                new FunctionDefinition("lookupRows", "<x:a>", this::lookupRows));
    }

    private Object lookupRows(List<?> args) {
        String name = Args.string("lookupRows", args, 0);
        if (name == null) {
            throw new FunctionException("lookupRows", "needs the name of a lookup table as its argument");
        }
        LookupTable table = tables.get(name);
        if (table == null) {
            throw new FunctionException("lookupRows", "no lookup table '" + name + "' is declared in the flow (declared: "
                    + (tables.isEmpty() ? "none" : String.join(", ", new TreeSet<>(tables.keySet()))) + ")");
        }
        List<Object> rows = new java.util.ArrayList<>(table.size());
        table.entries().forEach((key, value) -> {
            Map<Object, Object> row = new LinkedHashMap<>();
            if (value instanceof Map<?, ?> columns) {
                if (!columns.containsKey("key")) {
                    row.put("key", key); // a YAML mapping keyed by its own keys: the key is no column of the row
                }
                row.putAll(columns);
            } else {
                row.put("key", key);
                row.put("value", value);
            }
            rows.add(row);
        });
        return rows;
    }

    private Object lookup(List<?> args) {
        String name = Args.string("lookup", args, 0);
        if (name == null) {
            throw new FunctionException("lookup", "needs the name of a lookup table as the first argument");
        }
        LookupTable table = tables.get(name);
        if (table == null) {
            throw new FunctionException("lookup", "no lookup table '" + name + "' is declared in the flow (declared: "
                    + (tables.isEmpty() ? "none" : String.join(", ", new TreeSet<>(tables.keySet()))) + ")");
        }
        String column = Args.string("lookup", args, 2);
        if (column != null && !table.hasColumn(column)) {
            throw new FunctionException("lookup", "lookup table '" + name + "' (" + table.source() + ") has no column '"
                    + column + "' (columns: " + table.columns() + ")");
        }
        String key = Args.string("lookup", args, 1);
        if (key == null) {
            return null;
        }
        Object value = table.get(key);
        if (value == null) {
            return null;
        }
        if (value instanceof Map<?, ?> row) {
            return column == null ? new LinkedHashMap<>(row) : row.get(column);
        }
        if (column != null) {
            throw new FunctionException("lookup", "lookup table '" + name + "' maps keys to single values, not rows:"
                    + " call $lookup('" + name + "', key) without a column");
        }
        return value;
    }
}
