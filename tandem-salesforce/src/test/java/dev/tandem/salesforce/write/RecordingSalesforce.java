package dev.tandem.salesforce.write;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.NodeResult;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.api.SalesforceCollections;
import dev.tandem.salesforce.api.SaveResult;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * A fake Salesforce recording every write request. Upserts succeed with id {@code 001<external id value>}, graphs
 * with one node result per node; {@link #failUpsertsOf} makes every request of one sObject type fail as a whole.
 */
final class RecordingSalesforce implements SalesforceApi, SalesforceCollections {

    record UpsertRequest(String sobject, String externalIdField, List<ObjectNode> records, boolean allOrNone) {
        List<String> externalIds() {
            return records.stream().map(r -> r.get(externalIdField).asText()).toList();
        }
    }

    final List<UpsertRequest> upserts = new CopyOnWriteArrayList<>();
    final List<List<Graph>> graphRequests = new CopyOnWriteArrayList<>();
    private final AtomicLong calls = new AtomicLong();
    /** When set, graph requests wait for it: requests in flight can be counted. */
    volatile java.util.concurrent.CountDownLatch graphGate;
    final java.util.concurrent.atomic.AtomicInteger graphsInFlight = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger maxGraphsInFlight = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String failingSobject = "";
    private volatile RuntimeException failure;
    private volatile Function<List<ObjectNode>, List<SaveResult>> upsertAnswer;

    void failUpsertsOf(String sobject, RuntimeException exception) {
        this.failingSobject = sobject;
        this.failure = exception;
    }

    void answerUpsertsWith(Function<List<ObjectNode>, List<SaveResult>> answer) {
        this.upsertAnswer = answer;
    }

    @Override
    public List<SaveResult> upsert(String sobject, String externalIdField, List<ObjectNode> records, boolean allOrNone) {
        calls.incrementAndGet();
        upserts.add(new UpsertRequest(sobject, externalIdField, List.copyOf(records), allOrNone));
        if (sobject.equals(failingSobject)) {
            throw failure;
        }
        if (upsertAnswer != null) {
            return upsertAnswer.apply(records);
        }
        return records.stream()
                .map(r -> new SaveResult("001" + r.get(externalIdField).asText(), true, true, List.of()))
                .toList();
    }

    @Override
    public List<GraphResult> compositeGraph(List<Graph> graphs) {
        calls.incrementAndGet();
        int now = graphsInFlight.incrementAndGet();
        maxGraphsInFlight.accumulateAndGet(now, Math::max);
        graphRequests.add(List.copyOf(graphs));
        try {
            if (graphGate != null) {
                graphGate.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            graphsInFlight.decrementAndGet();
        }
        return graphs.stream().map(g -> new GraphResult(g.graphId(), true, g.nodes().stream()
                .map(n -> new NodeResult(n.referenceId(), 201,
                        JsonNodeFactory.instance.objectNode().put("id", "801" + g.graphId()), List.of()))
                .toList())).toList();
    }

    @Override
    public List<ObjectNode> query(String soql) {
        throw new UnsupportedOperationException("not used by the writer");
    }

    @Override
    public String create(String sobject, ObjectNode fields) {
        throw new UnsupportedOperationException("not used by the writer");
    }

    @Override
    public long apiCallCount() {
        return calls.get();
    }
}
