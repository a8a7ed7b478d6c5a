package dev.tandem.salesforce.model;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One page of a SOQL query (salesforce-api.md §2.5): up to 2,000 records and, when more remain, the
 * {@code nextRecordsUrl} to fetch them.
 *
 * @param totalSize      the number of records the whole query matches
 * @param done           whether this is the last page
 * @param nextRecordsUrl the next page's path, or empty text on the last page
 * @param records        this page's records (with {@code attributes})
 */
public record QueryPage(long totalSize, boolean done, String nextRecordsUrl, List<ObjectNode> records) {

    public QueryPage {
        nextRecordsUrl = nextRecordsUrl == null ? "" : nextRecordsUrl;
        records = List.copyOf(records);
    }

    public boolean hasNext() {
        return !done && !nextRecordsUrl.isEmpty();
    }
}
