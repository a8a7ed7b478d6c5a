package dev.tandem.salesforce.bulk;

/**
 * A job as Salesforce describes it ({@code GET /jobs/ingest/{id}}, salesforce-api.md §5).
 *
 * @param numberRecordsProcessed records processed so far (0 until Salesforce reports it)
 * @param numberRecordsFailed    records that failed (0 until Salesforce reports it)
 * @param errorMessage           why a job failed as a whole, or empty text
 */
public record BulkJobInfo(String id, String object, BulkOperation operation, BulkJobState state,
                          String externalIdFieldName, long numberRecordsProcessed, long numberRecordsFailed,
                          String errorMessage) {

    public BulkJobInfo {
        externalIdFieldName = externalIdFieldName == null ? "" : externalIdFieldName;
        errorMessage = errorMessage == null ? "" : errorMessage;
    }
}
