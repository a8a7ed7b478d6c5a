package dev.tandem.salesforce.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** sObject Collections (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_sobjects_collections.htm "sObject Collections"): up to 200 records of one type per call. */
public interface SalesforceCollections {

    int MAX_RECORDS_PER_REQUEST = 200;

    /**
     * {@code PATCH /composite/sobjects/{sobject}/{externalIdField}}: upserts up to 200 records, each carrying its
     * external id value in {@code externalIdField}. One result per record, in order.
     */
    List<SaveResult> upsert(String sobject, String externalIdField, List<ObjectNode> records, boolean allOrNone);
}
