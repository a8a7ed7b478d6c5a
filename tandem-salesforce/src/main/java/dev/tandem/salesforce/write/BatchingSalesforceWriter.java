package dev.tandem.salesforce.write;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SalesforceApi;
import dev.tandem.salesforce.api.SalesforceCollections;
import dev.tandem.salesforce.api.SalesforceWriter;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.salesforce.client.ErrorClassifier;
import dev.tandem.salesforce.client.PathSegments;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The writer flows write Salesforce through (issue 3 point 5, architecture invariant 5: few API calls).
 *
 * <p>Callers on any number of (virtual) threads queue Composite Graphs and external-id upserts; each gets a future.
 * Writes wait in a <em>lane</em> (one for graphs, one per sObject type and external-id field for upserts, since a
 * Collections upsert takes records of the type and field in its URL only, salesforce-api.md §2.8) for at most
 * {@link BatchingSettings#window()} after the oldest arrived, or less when the lane fills a request: 75 graphs or
 * 500 nodes for {@code POST /composite/graph} (§2.10), {@link BatchingSettings#maxRecords()} (≤200) records for
 * {@code PATCH /composite/sobjects/{SObject}/{ExtIdField}} (§2.8). A background virtual thread then packs the lane
 * into the fewest requests the limits allow and sends each on its own virtual thread; each caller's future completes
 * with its own {@link GraphResult} or {@link SaveResult}. A request that fails as a whole (5xx, timeout, refused
 * token: an {@link IntegrationException}) fails the futures of that request's callers only.
 *
 * <p>Two writes with the same key (graph id, or external-id value within a lane) never share a request and never
 * travel concurrently: Salesforce rejects a repeated graph id in one request, and two concurrent upserts of one
 * external id could both miss the record and create it twice, breaking invariant 2 (nothing duplicated). The later
 * write waits until the earlier request has completed. Graphs of different orders often upsert the same Account or
 * Contact: such graphs may share a request (its graphs run in order, so the second finds what the first created), but
 * two graph requests in flight at once never write the same record (by external id or record id, read off the nodes'
 * URLs); up to {@value #MAX_GRAPH_REQUESTS_IN_FLIGHT} graph requests whose records are disjoint travel concurrently.
 * A write that has to wait holds back every later write sharing one of its records, so each record's writes keep
 * their order.
 *
 * <p>Metrics: {@value #METRIC_REQUESTS} and {@value #METRIC_RECORDS} (tag {@code kind=graph|upsert}),
 * {@value #METRIC_BATCH_SIZE} (records per request) and the gauge {@value #METRIC_CALLS_PER_RECORD}: every data-API
 * call of the {@link SalesforceApi} client (reads included) divided by the records this writer wrote successfully.
 */
public final class BatchingSalesforceWriter implements SalesforceWriter {

    public static final String METRIC_REQUESTS = "tandem.salesforce.writer.requests";
    public static final String METRIC_RECORDS = "tandem.salesforce.writer.records";
    public static final String METRIC_BATCH_SIZE = "tandem.salesforce.writer.batch.size";
    public static final String METRIC_CALLS_PER_RECORD = "tandem.salesforce.calls.per.record";

    private static final Logger LOG = LoggerFactory.getLogger(BatchingSalesforceWriter.class);
    private static final String GRAPH = "graph";
    /** Graph requests sent at the same time, at most (each runs as one Salesforce transaction). */
    static final int MAX_GRAPH_REQUESTS_IN_FLIGHT = 4;
    private static final String UPSERT = "upsert";

    private final SalesforceApi api;
    private final SalesforceCollections collections;
    private final BatchingSettings settings;
    private final InstantSource clock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled on every submission, flush, close and request completion. */
    private final Condition changed = lock.newCondition();
    /** Guarded by {@link #lock}. Insertion-ordered so lanes are served in a stable order. */
    private final Map<LaneKey, Lane> lanes = new LinkedHashMap<>();
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private final ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread dispatcher;

    private final Counter graphRequests;
    private final Counter upsertRequests;
    private final Counter graphRecords;
    private final Counter upsertRecords;
    private final DistributionSummary batchSize;
    private final AtomicLong recordsWritten = new AtomicLong();

    public BatchingSalesforceWriter(SalesforceApi api, SalesforceCollections collections, BatchingSettings settings,
                                    MeterRegistry meters) {
        this(api, collections, settings, meters, InstantSource.system());
    }

    /**
     * @param clock decides when a window has elapsed; tests pass a clock they move by hand so no test depends on
     *              how fast the machine is
     */
    public BatchingSalesforceWriter(SalesforceApi api, SalesforceCollections collections, BatchingSettings settings,
                                    MeterRegistry meters, InstantSource clock) {
        this.api = Objects.requireNonNull(api, "api");
        this.collections = Objects.requireNonNull(collections, "collections");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(meters, "meters");
        graphRequests = requestCounter(meters, GRAPH);
        upsertRequests = requestCounter(meters, UPSERT);
        graphRecords = recordCounter(meters, GRAPH);
        upsertRecords = recordCounter(meters, UPSERT);
        batchSize = DistributionSummary.builder(METRIC_BATCH_SIZE)
                .description("Records (graph nodes or upserted records) per Salesforce write request")
                .register(meters);
        Gauge.builder(METRIC_CALLS_PER_RECORD, this, BatchingSalesforceWriter::callsPerRecord)
                .description("Salesforce data-API calls per record written (headline metric, invariant 5)")
                .strongReference(true)
                .register(meters);
        dispatcher = Thread.ofVirtual().name("tandem-salesforce-writer").start(this::dispatchLoop);
    }

    // ------------------------------------------------------------------------------------------ SalesforceWriter

    /**
     * @throws IllegalArgumentException a graph without id or nodes, or over
     *                                  {@value SalesforceApi#MAX_NODES_PER_REQUEST} nodes (§2.10), before queuing
     * @throws IllegalStateException    after {@link #close()}
     */
    @Override
    public CompletableFuture<GraphResult> graph(Graph graph) {
        Objects.requireNonNull(graph, "graph");
        if (graph.graphId() == null || graph.graphId().isBlank()) {
            throw new IllegalArgumentException("graphId must not be blank");
        }
        int nodes = graph.nodes().size();
        if (nodes == 0) {
            throw new IllegalArgumentException("graph " + graph.graphId() + " has no nodes");
        }
        if (nodes > SalesforceApi.MAX_NODES_PER_REQUEST) {
            throw new IllegalArgumentException("graph " + graph.graphId() + " has " + nodes + " nodes; the limit is "
                    + SalesforceApi.MAX_NODES_PER_REQUEST);
        }
        CompletableFuture<GraphResult> result = new CompletableFuture<>();
        enqueue(GraphLane.KEY, new Queued(graph.graphId(), nodes, graph, null, result, Instant.EPOCH,
                recordKeys(graph)));
        return result;
    }

    /**
     * The record is copied, so the caller may reuse it.
     *
     * @throws IllegalArgumentException an invalid sObject or field name, or a record without a value in
     *                                  {@code externalIdField} (§2.8: the external id value travels in the body)
     * @throws IllegalStateException    after {@link #close()}
     */
    @Override
    public CompletableFuture<SaveResult> upsert(String sobject, String externalIdField, ObjectNode record) {
        PathSegments.apiName(sobject, "sobject");
        PathSegments.apiName(externalIdField, "externalIdField");
        Objects.requireNonNull(record, "record");
        JsonNode value = record.get(externalIdField);
        if (value == null || value.isNull() || !value.isValueNode() || value.asText().isBlank()) {
            throw new IllegalArgumentException("the " + sobject + " record has no value in its external id field "
                    + externalIdField);
        }
        CompletableFuture<SaveResult> result = new CompletableFuture<>();
        enqueue(new UpsertLane.Key(sobject, externalIdField),
                new Queued(value.asText(), 1, null, record.deepCopy(), result));
        return result;
    }

    @Override
    public void flush() {
        lock.lock();
        try {
            lanes.values().forEach(lane -> lane.urgent = !lane.pending.isEmpty());
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Sends everything queued, waits for every request to complete, then stops. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (true) {
            try {
                dispatcher.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        senders.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------------------------------ queueing

    private void enqueue(LaneKey key, Queued queued) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the Salesforce writer is closed");
            }
            Lane lane = lanes.computeIfAbsent(key, this::newLane);
            lane.add(new Queued(queued.key(), queued.weight(), queued.graph(), queued.record(), queued.result(),
                    clock.instant(), queued.records()));
            // Wake the dispatcher for the first write of a lane (to arm its window) and when a request is full.
            if (lane.pending.size() == 1 || lane.full()) {
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    private Lane newLane(LaneKey key) {
        return switch (key) {
            case GraphLane.Key k -> new GraphLane();
            case UpsertLane.Key k -> new UpsertLane(k, settings.maxRecords());
        };
    }

    private void dispatchLoop() {
        try {
            boolean done = false;
            while (!done) {
                List<Runnable> sends = new ArrayList<>();
                lock.lock();
                try {
                    while (true) {
                        Instant now = clock.instant();
                        long waitNanos = collect(now, sends);
                        if (!sends.isEmpty()) {
                            break;
                        }
                        if (closed && lanes.values().stream().allMatch(l -> l.pending.isEmpty())) {
                            break;
                        }
                        if (waitNanos == Long.MAX_VALUE) {
                            changed.await();
                        } else {
                            changed.awaitNanos(waitNanos);
                        }
                    }
                    done = closed && lanes.values().stream().allMatch(l -> l.pending.isEmpty());
                } finally {
                    lock.unlock();
                }
                sends.forEach(senders::execute);
            }
        } catch (InterruptedException e) {
            LOG.warn("Salesforce writer interrupted; failing the writes still queued");
            failEverythingQueued(new IllegalStateException("the Salesforce writer was interrupted"));
        } catch (RuntimeException | Error e) {
            LOG.error("Salesforce writer stopped unexpectedly; failing the writes still queued", e);
            failEverythingQueued(e);
            throw e;
        }
    }

    /**
     * Under the lock: moves every request that is due into {@code sends} and returns how long to wait before the
     * next window ends ({@link Long#MAX_VALUE}: until signalled).
     */
    private long collect(Instant now, List<Runnable> sends) {
        long waitNanos = Long.MAX_VALUE;
        var iterator = lanes.values().iterator();
        while (iterator.hasNext()) {
            Lane lane = iterator.next();
            if (lane.pending.isEmpty()) {
                if (lane.inFlight.isEmpty()) {
                    iterator.remove();
                }
                continue;
            }
            Instant deadline = lane.pending.getFirst().queuedAt().plus(settings.window());
            boolean due = closed || lane.urgent || !now.isBefore(deadline);
            if (due || lane.full()) {
                for (List<Queued> request : lane.take(due)) {
                    sends.add(() -> send(lane, request));
                }
            }
            if (lane.pending.isEmpty()) {
                lane.urgent = false;
            } else if (!due) {
                // Not due yet: wake up at the end of its window. The real wait is capped at the window so a test's
                // hand-moved clock is noticed; a due lane whose writes all wait for an in-flight key needs no
                // timer, the completion signals.
                long nanos = Math.min(Duration.between(now, deadline).toNanos(), settings.window().toNanos());
                waitNanos = Math.min(waitNanos, Math.max(nanos, 1));
            }
        }
        return waitNanos;
    }

    private void send(Lane lane, List<Queued> request) {
        try {
            lane.send(request);
        } catch (RuntimeException | Error e) {
            // The request failed as a whole (IntegrationException for 5xx, timeouts and refused tokens; anything else
            // is a bug or a refused argument): every caller of this request, and only they, learn why.
            request.forEach(q -> q.result().completeExceptionally(e));
            if (e instanceof Error error) {
                throw error;
            }
        } finally {
            lock.lock();
            try {
                request.forEach(q -> {
                    lane.inFlight.remove(q.key());
                    lane.inFlight.removeAll(q.records());
                });
                lane.requestsInFlight--;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    private void failEverythingQueued(Throwable cause) {
        lock.lock();
        try {
            closed = true;
            lanes.values().forEach(lane -> {
                lane.pending.forEach(q -> q.result().completeExceptionally(cause));
                lane.pending.clear();
            });
        } finally {
            lock.unlock();
        }
    }

    /**
     * The records a graph writes, as {@code sobject/field/value} (upsert by external id) or {@code sobject/id}
     * (update or delete by record id), lower-cased (an external id is case-insensitive unless declared otherwise,
     * so treating case variants as one record only ever makes a write wait): read off each node's URL
     * ({@code .../sobjects/Account/Clarity_Account_Key__c/A-1}, salesforce-api.md §2.10). A POST creates a new
     * record that no other write can name, and a GET writes nothing: neither has a key.
     */
    static Set<String> recordKeys(Graph graph) {
        Set<String> keys = new HashSet<>();
        for (var node : graph.nodes()) {
            String method = node.method() == null ? "" : node.method().toUpperCase(java.util.Locale.ROOT);
            if (method.equals("POST") || method.equals("GET")) {
                continue;
            }
            String path = node.path() == null ? "" : node.path();
            int at = path.indexOf("sobjects/");
            String rest = at < 0 ? path : path.substring(at + "sobjects/".length());
            int query = rest.indexOf('?');
            keys.add((query < 0 ? rest : rest.substring(0, query)).toLowerCase(java.util.Locale.ROOT));
        }
        return Set.copyOf(keys);
    }

    // ------------------------------------------------------------------------------------------ metrics

    private double callsPerRecord() {
        long records = recordsWritten.get();
        return records == 0 ? Double.NaN : (double) api.apiCallCount() / records;
    }

    private static Counter requestCounter(MeterRegistry meters, String kind) {
        return Counter.builder(METRIC_REQUESTS).tag("kind", kind)
                .description("Write requests the batching writer sent to Salesforce").register(meters);
    }

    private static Counter recordCounter(MeterRegistry meters, String kind) {
        return Counter.builder(METRIC_RECORDS).tag("kind", kind)
                .description("Records the batching writer wrote successfully (graph nodes, upserted records)")
                .register(meters);
    }

    private static IntegrationException resultCountMismatch(String what, int expected, int actual) {
        return IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                "Unexpected Salesforce response: " + what + " returned " + actual + " results for " + expected
                        + " records", 0);
    }

    // ------------------------------------------------------------------------------------------ lanes

    /**
     * One queued write.
     *
     * @param key     what must not repeat in a request nor travel concurrently: graph id or external id value
     * @param weight  nodes of a graph, 1 for an upsert
     * @param records the records a graph writes (see {@link #recordKeys}): they may repeat within a request, never in
     *                two requests in flight
     */
    private record Queued(String key, int weight, Graph graph, ObjectNode record,
                          CompletableFuture<? extends Object> result, Instant queuedAt, Set<String> records) {

        Queued(String key, int weight, Graph graph, ObjectNode record, CompletableFuture<?> result) {
            this(key, weight, graph, record, result, Instant.EPOCH, Set.of());
        }

        @SuppressWarnings("unchecked")
        <R> void complete(R value) {
            ((CompletableFuture<R>) result).complete(value);
        }
    }

    private sealed interface LaneKey permits GraphLane.Key, UpsertLane.Key {
    }

    /** Writes waiting for one kind of request. Every field is guarded by the writer's lock, except in {@link #send}. */
    private abstract static sealed class Lane permits GraphLane, UpsertLane {

        final List<Queued> pending = new ArrayList<>();
        /** Keys of the writes in requests being sent now. */
        final Set<String> inFlight = new HashSet<>();
        /** Set by {@link BatchingSalesforceWriter#flush()}: send without waiting for the window. */
        boolean urgent;
        private final int maxItems;
        private final int maxWeight;
        private int pendingWeight;

        Lane(int maxItems, int maxWeight) {
            this.maxItems = maxItems;
            this.maxWeight = maxWeight;
        }

        void add(Queued queued) {
            pending.add(queued);
            pendingWeight += queued.weight();
        }

        /** Whether enough is queued to fill a request, so waiting longer saves nothing. */
        boolean full() {
            return pending.size() >= maxItems || pendingWeight >= maxWeight;
        }

        /**
         * Packs the pending writes, in order, into requests within the limits and removes the ones taken. With
         * {@code all} false only requests that are full are taken (the rest may still share a request with writes
         * to come). A write whose key is in flight or already taken stays queued for a later request.
         */
        List<List<Queued>> take(boolean all) {
            if (requestsInFlight >= maxRequestsInFlight()) {
                return List.of();
            }
            Set<String> taken = new HashSet<>(inFlight);
            // Records of the requests packed before the current one: a later request must not write them.
            Set<String> closedRecords = new HashSet<>(inFlight);
            Set<String> currentRecords = new HashSet<>();
            // Records of writes left waiting: a later write of one of them waits too, keeping each record's order.
            Set<String> held = new HashSet<>();
            List<List<Queued>> requests = new ArrayList<>();
            List<Boolean> fullFlags = new ArrayList<>();
            List<Queued> current = new ArrayList<>();
            int weight = 0;
            for (Queued q : pending) {
                if (taken.contains(q.key()) || q.records().stream().anyMatch(r -> closedRecords.contains(r)
                        || held.contains(r))) {
                    held.addAll(q.records());
                    continue;
                }
                if (!current.isEmpty() && (current.size() == maxItems || weight + q.weight() > maxWeight)) {
                    requests.add(current);
                    fullFlags.add(true);
                    closedRecords.addAll(currentRecords);
                    currentRecords.clear();
                    current = new ArrayList<>();
                    weight = 0;
                    if (q.records().stream().anyMatch(closedRecords::contains)) {
                        held.addAll(q.records());
                        continue;
                    }
                }
                current.add(q);
                weight += q.weight();
                taken.add(q.key());
                currentRecords.addAll(q.records());
            }
            if (!current.isEmpty()) {
                requests.add(current);
                fullFlags.add(current.size() == maxItems || weight == maxWeight);
            }
            List<List<Queued>> chosen = new ArrayList<>();
            Set<Queued> sent = Collections.newSetFromMap(new IdentityHashMap<>());
            for (int i = 0; i < requests.size() && requestsInFlight < maxRequestsInFlight(); i++) {
                if (all || fullFlags.get(i)) {
                    List<Queued> request = requests.get(i);
                    chosen.add(request);
                    sent.addAll(request);
                    request.forEach(q -> {
                        inFlight.add(q.key());
                        inFlight.addAll(q.records());
                    });
                    requestsInFlight++;
                }
            }
            if (!sent.isEmpty()) {
                pending.removeIf(sent::contains);
                pendingWeight = pending.stream().mapToInt(Queued::weight).sum();
            }
            return chosen;
        }

        /** Sends one request and completes its futures; throws when the request fails as a whole. */
        abstract void send(List<Queued> request);

        /** Requests of this lane in flight now. */
        int requestsInFlight;

        /** How many requests of this lane may be in flight at once. */
        int maxRequestsInFlight() {
            return Integer.MAX_VALUE;
        }
    }

    private final class GraphLane extends Lane {

        record Key() implements LaneKey {
        }

        static final Key KEY = new Key();

        GraphLane() {
            super(SalesforceApi.MAX_GRAPHS_PER_REQUEST, SalesforceApi.MAX_NODES_PER_REQUEST);
        }

        /**
         * Graphs of different orders often upsert the same Account or Contact by external id. Two graph requests in
         * flight at once could both miss such a record and both create it: one then fails with DUPLICATE_VALUE on
         * the unique external id, and a valid order is dead-lettered. So requests in flight at once write disjoint
         * records ({@link Queued#records()}), and at most {@value #MAX_GRAPH_REQUESTS_IN_FLIGHT} of them.
         */
        @Override
        int maxRequestsInFlight() {
            return MAX_GRAPH_REQUESTS_IN_FLIGHT;
        }

        @Override
        void send(List<Queued> request) {
            List<Graph> graphs = request.stream().map(Queued::graph).toList();
            int nodes = graphs.stream().mapToInt(g -> g.nodes().size()).sum();
            graphRequests.increment();
            batchSize.record(nodes);
            List<GraphResult> results = api.compositeGraph(graphs);
            if (results.size() != request.size()) {
                throw resultCountMismatch("composite graph", request.size(), results.size());
            }
            long written = results.stream().filter(GraphResult::successful).mapToLong(r -> r.nodes().size()).sum();
            // counted before the callers learn their results, so a caller reading the metrics sees its own write
            graphRecords.increment(written);
            recordsWritten.addAndGet(written);
            for (int i = 0; i < request.size(); i++) {
                request.get(i).complete(results.get(i));
            }
        }
    }

    private final class UpsertLane extends Lane {

        record Key(String sobject, String externalIdField) implements LaneKey {
        }

        private final Key key;

        UpsertLane(Key key, int maxRecords) {
            super(maxRecords, Integer.MAX_VALUE);
            this.key = key;
        }

        @Override
        void send(List<Queued> request) {
            List<ObjectNode> records = request.stream().map(Queued::record).toList();
            upsertRequests.increment();
            batchSize.record(records.size());
            List<SaveResult> results = collections.upsert(key.sobject(), key.externalIdField(), records,
                    settings.allOrNone());
            if (results.size() != request.size()) {
                throw resultCountMismatch("upsert " + key.sobject(), request.size(), results.size());
            }
            long written = results.stream().filter(SaveResult::success).count();
            upsertRecords.increment(written);
            recordsWritten.addAndGet(written);
            for (int i = 0; i < request.size(); i++) {
                request.get(i).complete(results.get(i));
            }
        }
    }
}
