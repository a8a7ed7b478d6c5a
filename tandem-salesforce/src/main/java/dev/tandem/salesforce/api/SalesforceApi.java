package dev.tandem.salesforce.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * The Salesforce operations flows need, implemented by the Salesforce connector. Every method is one or more REST
 * calls; failures of the call itself throw {@link dev.tandem.core.error.IntegrationException} (retryable or not),
 * while per-graph failures come back in the results.
 */
public interface SalesforceApi {

    /** Maximum graphs in one Composite Graph request (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph_limits.htm "Composite Graph Limits"). */
    int MAX_GRAPHS_PER_REQUEST = 75;
    /** Maximum nodes across all graphs of one request (§2.10). */
    int MAX_NODES_PER_REQUEST = 500;

    /** Runs a SOQL query and returns every record, following {@code nextRecordsUrl}. */
    List<ObjectNode> query(String soql);

    /**
     * Sends the graphs in ONE {@code POST /composite/graph} request. The caller keeps within
     * {@link #MAX_GRAPHS_PER_REQUEST} and {@link #MAX_NODES_PER_REQUEST}. Results are in request order.
     */
    List<GraphResult> compositeGraph(List<Graph> graphs);

    /** Creates a record and returns its id. */
    String create(String sobject, ObjectNode fields);

    /** REST calls to the Salesforce data API made by this client so far (token requests excluded). */
    long apiCallCount();
}
