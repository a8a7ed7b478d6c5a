package dev.tandem.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** sObject Collections (salesforce-api.md §2.8): up to 200 records of one type per call. */
public interface SalesforceCollections {

    int MAX_RECORDS_PER_REQUEST = 200;

    /**
     * {@code PATCH /composite/sobjects/{sobject}/{externalIdField}}: upserts up to 200 records, each carrying its
     * external id value in {@code externalIdField}. One result per record, in order.
     */
    List<SaveResult> upsert(String sobject, String externalIdField, List<ObjectNode> records, boolean allOrNone);
}
