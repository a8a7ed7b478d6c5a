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

    /**
     * The longest request URI Salesforce accepts: "414 The length of the URI exceeds the 16,384-byte limit"
     * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm "Status Codes and Error
     * Responses"; salesforce-api.md §2.2, §5).
     */
    int MAX_URI_BYTES = 16_384;
    /**
     * Query subrequests one {@code POST /composite} may carry: "Up to 5 of these subrequests can be sObject
     * Collections or query operations" (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm
     * "Composite", §2.9); the whole request counts as one API call (§5).
     */
    int MAX_QUERIES_PER_COMPOSITE = 5;

    /** Runs a SOQL query and returns every record, following {@code nextRecordsUrl}. */
    List<ObjectNode> query(String soql);

    /**
     * Runs several SOQL queries; the result at index i holds every record of {@code soqls.get(i)}, as
     * {@link #query} would return it. The REST client sends them {@value #MAX_QUERIES_PER_COMPOSITE} at a time in
     * one {@code POST /composite} of {@code GET query?q=} subrequests (one API call for up to five queries) and
     * follows {@code nextRecordsUrl} of a result that is not {@code done}; this default runs them one by one.
     */
    default List<List<ObjectNode>> queries(List<String> soqls) {
        return soqls.stream().map(this::query).toList();
    }

    /**
     * The bytes the request URI of {@code GET query?q=<soql>} takes (path and URL-encoded query string, as this
     * client sends it), to keep a query under {@link #MAX_URI_BYTES}. This default assumes a
     * {@code /services/data/vNN.N/} prefix.
     */
    default int queryUriBytes(String soql) {
        return ("/services/data/v66.0/query?q=" + dev.tandem.salesforce.client.PathSegments.encode(soql)).length();
    }

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
