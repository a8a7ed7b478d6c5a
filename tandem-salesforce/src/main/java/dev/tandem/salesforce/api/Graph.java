package dev.tandem.salesforce.api;

import java.util.List;

/**
 * A Composite Graph: an all-or-nothing group of subrequests, one per business transaction (e.g. one order with its
 * account, contact and items).
 */
public record Graph(String graphId, List<GraphNode> nodes) {

    public Graph {
        nodes = List.copyOf(nodes);
    }
}
