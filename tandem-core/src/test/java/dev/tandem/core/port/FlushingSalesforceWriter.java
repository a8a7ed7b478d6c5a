package dev.tandem.core.port;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A test writer for flows: queues graphs and sends them on {@link #flush()} in the fewest requests
 * ({@link GraphBatches}), with no time window. The real batching writer lives in tandem-salesforce.
 */
public final class FlushingSalesforceWriter implements SalesforceWriter {

    private record Pending(Graph graph, CompletableFuture<GraphResult> future) {
    }

    private final SalesforceApi salesforce;
    private final List<Pending> queue = new ArrayList<>();

    public FlushingSalesforceWriter(SalesforceApi salesforce) {
        this.salesforce = salesforce;
    }

    @Override
    public synchronized CompletableFuture<GraphResult> graph(Graph graph) {
        CompletableFuture<GraphResult> future = new CompletableFuture<>();
        queue.add(new Pending(graph, future));
        return future;
    }

    @Override
    public CompletableFuture<SaveResult> upsert(String sobject, String externalIdField, ObjectNode record) {
        return CompletableFuture.failedFuture(new IllegalStateException("this test writer sends graphs only"));
    }

    @Override
    public synchronized void flush() {
        List<Pending> batch = List.copyOf(queue);
        queue.clear();
        for (List<Graph> request : GraphBatches.split(batch.stream().map(Pending::graph).toList())) {
            try {
                List<GraphResult> results = salesforce.compositeGraph(request);
                for (GraphResult r : results) {
                    batch.stream().filter(p -> p.graph().graphId().equals(r.graphId())).findFirst()
                            .ifPresent(p -> p.future().complete(r));
                }
            } catch (RuntimeException e) {
                batch.stream().filter(p -> request.contains(p.graph())).forEach(p -> p.future().completeExceptionally(e));
            }
        }
    }

    @Override
    public void close() {
        flush();
    }
}
