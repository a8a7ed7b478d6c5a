package dev.tandem.salesforce.bulk;

/**
 * The states of a Bulk API 2.0 ingest job: Open → UploadComplete → InProgress → JobComplete, or Failed / Aborted
 * (salesforce-api.md §5 step 4).
 */
public enum BulkJobState {
    OPEN("Open"),
    UPLOAD_COMPLETE("UploadComplete"),
    IN_PROGRESS("InProgress"),
    JOB_COMPLETE("JobComplete"),
    FAILED("Failed"),
    ABORTED("Aborted");

    private final String wire;

    BulkJobState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** Whether Salesforce is done with the job: polling stops here. */
    public boolean terminal() {
        return this == JOB_COMPLETE || this == FAILED || this == ABORTED;
    }

    /** The state named {@code value} on the wire. */
    public static BulkJobState fromWire(String value) {
        for (BulkJobState state : values()) {
            if (state.wire.equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("unknown Bulk API job state: " + value);
    }
}
