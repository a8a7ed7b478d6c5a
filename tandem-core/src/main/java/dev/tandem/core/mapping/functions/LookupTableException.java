package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;

import java.nio.file.Path;

/** A lookup table file declared in a flow is missing or malformed; the message names the file (and the table). */
public class LookupTableException extends MappingException {

    private final Path file;
    private final String table;
    private final String detail;

    public LookupTableException(Path file, String detail, Throwable cause) {
        this(file, null, detail, cause);
    }

    private LookupTableException(Path file, String table, String detail, Throwable cause) {
        super("lookup table " + (table == null ? "" : "'" + table + "' ") + "file " + file + ": " + detail, cause);
        this.file = file;
        this.table = table;
        this.detail = detail;
    }

    /** The same error, naming the table the flow declared with this file. */
    public LookupTableException forTable(String tableName) {
        return new LookupTableException(file, tableName, detail, getCause());
    }

    public Path file() {
        return file;
    }

    /** The table's name in the flow, {@code null} when the file was loaded on its own. */
    public String table() {
        return table;
    }
}
