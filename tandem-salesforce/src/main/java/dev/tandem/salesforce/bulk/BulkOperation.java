package dev.tandem.salesforce.bulk;

/** The {@code operation} of a Bulk API 2.0 ingest job (salesforce-api.md §5 "Bulk API 2.0 ingest"). */
public enum BulkOperation {
    INSERT("insert"),
    UPDATE("update"),
    /** Needs {@link BulkIngestJob#externalIdFieldName()}: "Required for upsert operations" (§5). */
    UPSERT("upsert"),
    DELETE("delete"),
    HARD_DELETE("hardDelete");

    private final String wire;

    BulkOperation(String wire) {
        this.wire = wire;
    }

    /** The value on the wire, e.g. {@code hardDelete}. */
    public String wire() {
        return wire;
    }

    /** The operation named {@code value} on the wire; an unknown value is a clear error. */
    public static BulkOperation fromWire(String value) {
        for (BulkOperation operation : values()) {
            if (operation.wire.equals(value)) {
                return operation;
            }
        }
        throw new IllegalArgumentException("unknown Bulk API operation: " + value);
    }
}
