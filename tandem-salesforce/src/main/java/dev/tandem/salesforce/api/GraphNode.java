package dev.tandem.salesforce.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One subrequest of a Composite Graph (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_graph_limits.htm "Composite Graph Limits").
 *
 * @param method      {@code POST}, {@code PATCH}, {@code GET} or {@code DELETE}
 * @param path        the resource path after {@code /services/data/vXX.X/}, e.g. {@code sobjects/Order/Clarity_Order_Key__c/SO-5001}
 *                    (the connector adds the version prefix; path segments must already be URL-encoded)
 * @param referenceId the node's reference id, usable by later nodes as {@code @{referenceId.id}}
 * @param body        the request body, or {@code null} for GET and DELETE
 */
public record GraphNode(String method, String path, String referenceId, ObjectNode body) {
}
