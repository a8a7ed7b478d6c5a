package dev.tandem.salesforce.write;

import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SalesforceApi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes any number of graphs (one per business transaction, e.g. an order with its items) in as few
 * {@code POST /composite/graph} calls as the limits allow: at most {@value SalesforceApi#MAX_GRAPHS_PER_REQUEST}
 * graphs and {@value SalesforceApi#MAX_NODES_PER_REQUEST} nodes per call (salesforce-api.md §2.10). Each call counts
 * as one API request (§5), so packing graphs is what keeps "API calls per synced record" low (invariant 5).
 * Graphs keep their order; results come back in the same order.
 */
public final class CompositeGraphWriter {

    private final SalesforceApi salesforce;

    public CompositeGraphWriter(SalesforceApi salesforce) {
        this.salesforce = Objects.requireNonNull(salesforce, "salesforce");
    }

    /**
     * Sends the graphs in consecutive batches and returns one result per graph, in input order.
     *
     * @throws IllegalArgumentException when a single graph has more than {@value SalesforceApi#MAX_NODES_PER_REQUEST}
     *                                  nodes (Salesforce's per-graph limit), before anything is sent
     */
    public List<GraphResult> write(List<Graph> graphs) {
        List<List<Graph>> batches = batches(graphs);
        List<GraphResult> results = new ArrayList<>(graphs.size());
        for (List<Graph> batch : batches) {
            results.addAll(salesforce.compositeGraph(batch));
        }
        return results;
    }

    /** Splits the graphs, in order, into batches within the per-request limits. */
    public static List<List<Graph>> batches(List<Graph> graphs) {
        return GraphBatches.split(Objects.requireNonNull(graphs, "graphs"));
    }
}
