package dev.tandem.salesforce.bulk;

import java.util.Map;

/**
 * Receives a finished job's outcome row by row, as the result CSVs are read (salesforce-api.md §5 step 5), so a job
 * of any size is read in constant memory: nothing is collected unless the handler collects it.
 */
public interface BulkResultHandler {

    /** One row of {@code successfulResults}. */
    void success(BulkSuccess success);

    /** One row of {@code failedResults}, with Salesforce's {@code sf__Error}. */
    void failure(BulkFailure failure);

    /** One row of {@code unprocessedrecords}: the fields as uploaded (a job that failed or was aborted midway). */
    void unprocessed(Map<String, String> row);
}
