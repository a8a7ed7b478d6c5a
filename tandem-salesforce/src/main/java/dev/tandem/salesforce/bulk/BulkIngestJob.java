package dev.tandem.salesforce.bulk;

import dev.tandem.salesforce.client.PathSegments;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What to ingest: the body of {@code POST /jobs/ingest} (salesforce-api.md §5) plus the CSV columns.
 *
 * @param object              the sObject API name, e.g. {@code Account}
 * @param operation           insert, update, upsert, delete or hardDelete
 * @param externalIdFieldName the external id field of an upsert ("Required for upsert operations"); empty otherwise
 * @param columns             the CSV header, in order: the fields every record may carry (an update or delete needs
 *                            {@code Id}, an upsert its external id field)
 */
public record BulkIngestJob(String object, BulkOperation operation, String externalIdFieldName, List<String> columns) {

    public BulkIngestJob {
        PathSegments.apiName(object, "object");
        Objects.requireNonNull(operation, "operation");
        externalIdFieldName = externalIdFieldName == null ? "" : externalIdFieldName;
        columns = List.copyOf(columns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("a Bulk ingest job needs at least one column");
        }
        if (new HashSet<>(columns).size() != columns.size()) {
            throw new IllegalArgumentException("Bulk ingest columns repeat a field: " + columns);
        }
        // Relationship columns (Account.Clarity_Account_Key__c) are valid CSV headers in Bulk API, hence the split.
        columns.forEach(c -> List.of(c.split("\\.", -1)).forEach(part -> PathSegments.apiName(part, "column")));
        if (operation == BulkOperation.UPSERT) {
            PathSegments.apiName(externalIdFieldName, "externalIdFieldName");
            if (!columns.contains(externalIdFieldName)) {
                throw new IllegalArgumentException("an upsert job needs its external id field "
                        + externalIdFieldName + " among the columns");
            }
        } else if (!externalIdFieldName.isEmpty()) {
            throw new IllegalArgumentException("externalIdFieldName is for upsert jobs only");
        }
        if ((operation == BulkOperation.UPDATE || operation == BulkOperation.DELETE
                || operation == BulkOperation.HARD_DELETE) && !columns.contains("Id")) {
            throw new IllegalArgumentException("a " + operation.wire() + " job needs the Id column");
        }
    }

    public static BulkIngestJob insert(String object, List<String> columns) {
        return new BulkIngestJob(object, BulkOperation.INSERT, "", columns);
    }

    public static BulkIngestJob upsert(String object, String externalIdFieldName, List<String> columns) {
        return new BulkIngestJob(object, BulkOperation.UPSERT, externalIdFieldName, columns);
    }

    public static BulkIngestJob update(String object, List<String> columns) {
        return new BulkIngestJob(object, BulkOperation.UPDATE, "", columns);
    }

    public static BulkIngestJob delete(String object) {
        return new BulkIngestJob(object, BulkOperation.DELETE, "", List.of("Id"));
    }
}
