package dev.tandem.salesforce.api;

import dev.tandem.core.error.ApiError;

import java.util.List;
import java.util.Optional;

/** The result of one graph: successful as a whole, or rolled back as a whole. */
public record GraphResult(String graphId, boolean successful, List<NodeResult> nodes) {

    public GraphResult {
        nodes = List.copyOf(nodes);
    }

    public Optional<NodeResult> node(String referenceId) {
        return nodes.stream().filter(n -> n.referenceId().equals(referenceId)).findFirst();
    }

    /**
     * The error that made the graph fail: the first error that is not {@code PROCESSING_HALTED} (those only say a
     * node was rolled back because another one failed).
     */
    public Optional<ApiError> cause() {
        return nodes.stream().flatMap(n -> n.errors().stream())
                .filter(e -> !"PROCESSING_HALTED".equals(e.errorCode()))
                .findFirst()
                .or(() -> nodes.stream().flatMap(n -> n.errors().stream()).findFirst());
    }
}
