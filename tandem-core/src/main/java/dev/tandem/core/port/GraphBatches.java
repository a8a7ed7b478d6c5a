package dev.tandem.core.port;


import java.util.ArrayList;
import java.util.List;

/** Packs graphs into as few Composite Graph requests as the limits allow (salesforce-api.md §2.10). */
public final class GraphBatches {

    private GraphBatches() {
    }

    /** The graphs, in order, split into requests within the per-request limits; a graph over 500 nodes is refused. */
    public static List<List<Graph>> split(List<Graph> graphs) {
        List<List<Graph>> requests = new ArrayList<>();
        List<Graph> current = new ArrayList<>();
        int nodes = 0;
        for (Graph graph : graphs) {
            int size = graph.nodes().size();
            if (size > SalesforceApi.MAX_NODES_PER_REQUEST) {
                throw new IllegalArgumentException("graph " + graph.graphId() + " has " + size + " nodes; the limit is "
                        + SalesforceApi.MAX_NODES_PER_REQUEST);
            }
            if (!current.isEmpty() && (current.size() == SalesforceApi.MAX_GRAPHS_PER_REQUEST
                    || nodes + size > SalesforceApi.MAX_NODES_PER_REQUEST)) {
                requests.add(current);
                current = new ArrayList<>();
                nodes = 0;
            }
            current.add(graph);
            nodes += size;
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }
}
