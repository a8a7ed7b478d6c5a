package dev.tandem.salesforce.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.concurrent.CompletableFuture;

/**
 * The batching writer flows write through: it collects graphs and upserts from every caller for a short window
 * and sends them in the fewest requests the Salesforce limits allow (architecture invariant 5), then completes
 * each caller's future with that caller's own result.
 */
public interface SalesforceWriter extends AutoCloseable {

    /** Queues a Composite Graph (one business transaction); completes with its result. */
    CompletableFuture<GraphResult> graph(Graph graph);

    /** Queues an upsert by external id; the record carries its external id value. Completes with its result. */
    CompletableFuture<SaveResult> upsert(String sobject, String externalIdField, ObjectNode record);

    /** Sends what is queued now instead of at the end of the window (a caller that has queued its whole batch). */
    void flush();

    @Override
    void close();
}
