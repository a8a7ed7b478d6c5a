package dev.tandem.salesforce.write;

import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.SalesforceApi;


import java.util.ArrayList;
import java.util.List;

/** Packs graphs into as few Composite Graph requests as the limits allow (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph_limits.htm "Composite Graph Limits"). */
public final class GraphBatches {

    /** Distinct sObject types in one Composite Graph payload (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph_limits.htm "Composite Graph Limits"). */
    public static final int MAX_NODE_TYPES_PER_REQUEST = 15;

    /** The sObject types a graph's nodes touch, read from their {@code sobjects/<Type>/...} paths. */
    static java.util.Set<String> nodeTypes(Graph graph) {
        java.util.Set<String> types = new java.util.HashSet<>();
        for (GraphNode node : graph.nodes()) {
            String path = node.path();
            if (path.startsWith("sobjects/")) {
                int end = path.indexOf('/', "sobjects/".length());
                types.add((end < 0 ? path.substring("sobjects/".length()) : path.substring("sobjects/".length(), end))
                        .toLowerCase(java.util.Locale.ROOT));
            }
        }
        return types;
    }

    private GraphBatches() {
    }

    /** The graphs, in order, split into requests within the per-request limits; a graph over 500 nodes is refused. */
    public static List<List<Graph>> split(List<Graph> graphs) {
        List<List<Graph>> requests = new ArrayList<>();
        List<Graph> current = new ArrayList<>();
        java.util.Set<String> types = new java.util.HashSet<>();
        int nodes = 0;
        for (Graph graph : graphs) {
            int size = graph.nodes().size();
            java.util.Set<String> graphTypes = nodeTypes(graph);
            if (size > SalesforceApi.MAX_NODES_PER_REQUEST) {
                throw new IllegalArgumentException("graph " + graph.graphId() + " has " + size + " nodes; the limit is "
                        + SalesforceApi.MAX_NODES_PER_REQUEST);
            }
            java.util.Set<String> merged = new java.util.HashSet<>(types);
            merged.addAll(graphTypes);
            if (!current.isEmpty() && (current.size() == SalesforceApi.MAX_GRAPHS_PER_REQUEST
                    || nodes + size > SalesforceApi.MAX_NODES_PER_REQUEST
                    || merged.size() > MAX_NODE_TYPES_PER_REQUEST)) {
                requests.add(current);
                current = new ArrayList<>();
                nodes = 0;
                types.clear();
            }
            current.add(graph);
            nodes += size;
            types.addAll(graphTypes);
        }
        if (!current.isEmpty()) {
            requests.add(current);
        }
        return requests;
    }
}
