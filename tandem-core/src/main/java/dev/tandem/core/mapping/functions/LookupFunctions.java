package dev.tandem.core.mapping.functions;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code $lookup(table, key, column?)}: the row of a lookup table declared in the flow (an object of column →
 * value), or one column of it. A key the table does not have yields undefined (test it with {@code $exists});
 * an undeclared table or an unknown column is an error.
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
        return List.of(new FunctionDefinition("lookup", "<xxx?:x>", this::lookup));
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
