package dev.tandem.core.flow.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.port.ApiError;
import dev.tandem.core.port.FlushingSalesforceWriter;
import dev.tandem.core.port.Graph;
import dev.tandem.core.port.GraphNode;
import dev.tandem.core.port.GraphResult;
import dev.tandem.core.port.NodeResult;
import dev.tandem.core.port.SalesforceApi;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order flow with a scripted Salesforce: how graph results become outcomes, how a batch becomes few requests.
 * (The flow against the real sandboxes is covered by the server's end-to-end tests.)
 */
class OrderToSalesforceFlowTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static ObjectNode template;

    private final Map<String, ObjectNode> clarityOrders = new ConcurrentHashMap<>();
    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final MapIdMap idMap = new MapIdMap();
    private final List<AuditEntry> audit = new ArrayList<>();
    private OrderToSalesforceFlow flow;

    /** Records requests; answers graphs with a script (default: every node succeeds with a fresh id). */
    static class FakeSalesforce implements SalesforceApi {
        final List<List<Graph>> graphRequests = new ArrayList<>();
        final List<String> queries = new ArrayList<>();
        Function<Graph, GraphResult> script = FakeSalesforce::success;
        int ids;

        static GraphResult success(Graph g) {
            List<NodeResult> nodes = new ArrayList<>();
            for (GraphNode n : g.nodes()) {
                ObjectNode body = JsonNodeFactory.instance.objectNode().put("id", "ID-" + g.graphId() + "-" + n.referenceId()).put("success", true);
                nodes.add(new NodeResult(n.referenceId(), 201, body, List.of()));
            }
            return new GraphResult(g.graphId(), true, nodes);
        }

        static GraphResult failure(Graph g, String failingRef, ApiError error) {
            List<NodeResult> nodes = new ArrayList<>();
            for (GraphNode n : g.nodes()) {
                ApiError e = n.referenceId().equals(failingRef) ? error
                        : new ApiError("PROCESSING_HALTED", "The transaction was rolled back since another operation in the same transaction failed.", List.of(), true);
                nodes.add(new NodeResult(n.referenceId(), 400, JsonNodeFactory.instance.arrayNode(), List.of(e)));
            }
            return new GraphResult(g.graphId(), false, nodes);
        }

        final Map<String, String> existingOrders = new HashMap<>();

        @Override
        public List<ObjectNode> query(String soql) {
            queries.add(soql);
            if (soql.contains("FROM Pricebook2")) {
                return List.of(JsonNodeFactory.instance.objectNode().put("Id", "01sSTANDARD"));
            }
            if (soql.contains("FROM Order ")) {
                return existingOrders.entrySet().stream().filter(e -> soql.contains("'" + e.getKey() + "'"))
                        .map(e -> JsonNodeFactory.instance.objectNode().put("Id", e.getValue()).put("Clarity_Order_Key__c", e.getKey()))
                        .toList();
            }
            return List.of();
        }

        @Override
        public List<GraphResult> compositeGraph(List<Graph> graphs) {
            graphRequests.add(graphs);
            return graphs.stream().map(g -> g.graphId().startsWith("product") ? success(g) : script.apply(g)).toList();
        }

        @Override
        public String create(String sobject, ObjectNode fields) {
            return "ID-" + (++ids);
        }

        @Override
        public long apiCallCount() {
            return graphRequests.size() + queries.size();
        }

        List<Graph> orderGraphs() {
            return graphRequests.stream().flatMap(List::stream).filter(g -> g.graphId().startsWith("order")).toList();
        }
    }

    static final class MapIdMap implements IdMap {
        final Map<String, String> ids = new ConcurrentHashMap<>();

        @Override
        public void putId(String objectType, String clarityKey, String salesforceId) {
            ids.put(objectType + "/" + clarityKey, salesforceId);
        }

        @Override
        public Optional<String> salesforceId(String objectType, String clarityKey) {
            return Optional.ofNullable(ids.get(objectType + "/" + clarityKey));
        }

        @Override
        public Optional<String> clarityKey(String objectType, String salesforceId) {
            return ids.entrySet().stream().filter(e -> e.getKey().startsWith(objectType + "/") && e.getValue().equals(salesforceId))
                    .map(e -> e.getKey().substring(objectType.length() + 1)).findFirst();
        }

        @Override
        public long countIds(String objectType) {
            return ids.keySet().stream().filter(k -> k.startsWith(objectType + "/")).count();
        }
    }

    @BeforeEach
    void setUp() throws IOException {
        if (template == null) {
            try (InputStream in = getClass().getResourceAsStream("/orders/order-5001.json")) {
                template = (ObjectNode) JSON.readTree(in);
            }
        }
        AuditTrail trail = new AuditTrail() {
            @Override
            public synchronized void audit(AuditEntry entry) {
                audit.add(entry);
            }

            @Override
            public List<AuditEntry> auditFor(long eventOffset) {
                return audit.stream().filter(a -> a.eventOffset() == eventOffset).toList();
            }
        };
        flow = new OrderToSalesforceFlow((entity, id) -> Optional.ofNullable(clarityOrders.get(id)).map(ObjectNode::deepCopy),
                salesforce, new FlushingSalesforceWriter(salesforce), idMap, trail,
                JsonataMapping.fromClasspath(OrderToSalesforceFlow.MAPPING), Clock.systemUTC());
    }

    private ObjectNode order(int id) {
        ObjectNode o = template.deepCopy();
        o.put("ID", id);
        o.put("CustomKey", "SO-" + id);
        ((ObjectNode) o.withArray("SalesItems").get(0)).put("ID", id * 10);
        clarityOrders.put(String.valueOf(id), o);
        return o;
    }

    private static LoggedEvent event(long offset, int orderId) {
        return new LoggedEvent(offset, new InboundEvent("clarity", "ev-" + offset, "SalesOrder.Created", "SalesOrder",
                String.valueOf(orderId), "SO-" + orderId, Instant.now(), "{}"), Instant.now());
    }

    @Test
    void aBatchOfOrdersIsWrittenInOneCompositeGraphRequest() {
        List<LoggedEvent> batch = new ArrayList<>();
        for (int i = 1; i <= 30; i++) {
            order(5000 + i);
            batch.add(event(i, 5000 + i));
        }

        List<FlowOutcome> outcomes = flow.process(batch);

        assertThat(outcomes).hasSize(30).allMatch(o -> o instanceof FlowOutcome.Synced);
        assertThat(salesforce.graphRequests.stream().filter(r -> r.getFirst().graphId().startsWith("order"))).hasSize(1);
        Graph g = salesforce.orderGraphs().getFirst();
        assertThat(g.nodes()).extracting(GraphNode::method).containsOnly("PATCH");
        assertThat(g.nodes()).extracting(GraphNode::path).containsExactly(
                "sobjects/Account/Clarity_Account_Key__c/CUST-0001",
                "sobjects/Contact/Clarity_Contact_Key__c/CON-9001",
                "sobjects/Order/Clarity_Order_Key__c/SO-5001",
                "sobjects/OrderItem/Clarity_Order_Item_Key__c/SO-5001-50010");
        assertThat(g.nodes().get(2).body().path("AccountId").asText()).isEqualTo("@{account.id}");
        assertThat(g.nodes().get(2).body().path("Pricebook2Id").asText()).isEqualTo("01sSTANDARD");
        assertThat(g.nodes().get(3).body().path("OrderId").asText()).isEqualTo("@{order.id}");
        assertThat(idMap.salesforceId("Order", "SO-5030")).isPresent();
        assertThat(idMap.countIds("OrderItem")).isEqualTo(30);
    }

    @Test
    void priceBookEntriesAreResolvedOnceAndCached() {
        order(5001);
        flow.process(List.of(event(1, 5001)));
        int queriesAfterFirst = salesforce.queries.size();
        order(5002);
        flow.process(List.of(event(2, 5002)));

        assertThat(salesforce.queries).hasSize(queriesAfterFirst);
        assertThat(salesforce.graphRequests.stream().filter(r -> r.getFirst().graphId().startsWith("product"))).hasSize(1);
    }

    @Test
    void salesforceRefusingAContactIsAPermanentFailureWithItsCodeAndMessage() {
        order(5001);
        salesforce.script = g -> FakeSalesforce.failure(g, "contact",
                new ApiError("REQUIRED_FIELD_MISSING", "Required fields are missing: [LastName]", List.of("LastName"), false));

        FlowOutcome outcome = flow.process(List.of(event(1, 5001))).getFirst();

        assertThat(outcome).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.retryable()).isFalse();
            assertThat(f.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
            assertThat(f.message()).contains("contact", "SO-5001", "Required fields are missing: [LastName]", "LastName");
            assertThat(f.payload()).contains("\"CustomKey\":\"SO-5001\"");
        });
        assertThat(idMap.salesforceId("Order", "SO-5001")).isEmpty();
    }

    @Test
    void aLockedRowIsARetryableFailure() {
        order(5001);
        salesforce.script = g -> FakeSalesforce.failure(g, "order",
                new ApiError("UNABLE_TO_LOCK_ROW", "unable to obtain exclusive access to this record", List.of(), true));

        assertThat(flow.process(List.of(event(1, 5001))).getFirst())
                .isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> assertThat(f.retryable()).isTrue());
    }

    @Test
    void oneFailingOrderDoesNotFailTheOthersOfItsBatch() {
        order(5001);
        order(5002);
        salesforce.script = g -> g.nodes().stream().anyMatch(n -> n.path().endsWith("SO-5001"))
                ? FakeSalesforce.failure(g, "order", new ApiError("FIELD_INTEGRITY_EXCEPTION", "bad", List.of(), false))
                : FakeSalesforce.success(g);

        List<FlowOutcome> outcomes = flow.process(List.of(event(1, 5001), event(2, 5002)));

        assertThat(outcomes.get(0)).isInstanceOf(FlowOutcome.Failed.class);
        assertThat(outcomes.get(1)).isInstanceOf(FlowOutcome.Synced.class);
    }

    @Test
    void aSalesforceOutageFailsTheBatchRetryably() {
        order(5001);
        SalesforceApi down = new FakeSalesforce() {
            @Override
            public List<GraphResult> compositeGraph(List<Graph> graphs) {
                throw IntegrationException.transientFailure("salesforce", "SERVER_UNAVAILABLE", "503", 503, null);
            }
        };
        flow = new OrderToSalesforceFlow((entity, id) -> Optional.ofNullable(clarityOrders.get(id)), down,
                new FlushingSalesforceWriter(down), idMap,
                new AuditTrail() {
                    @Override
                    public void audit(AuditEntry entry) {
                    }

                    @Override
                    public List<AuditEntry> auditFor(long eventOffset) {
                        return List.of();
                    }
                }, JsonataMapping.fromClasspath(OrderToSalesforceFlow.MAPPING), Clock.systemUTC());

        assertThat(flow.process(List.of(event(1, 5001))).getFirst()).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.retryable()).isTrue();
            assertThat(f.errorCode()).isEqualTo("SERVER_UNAVAILABLE");
        });
    }

    @Test
    void twoEventsForOneOrderInABatchWriteItOnce() {
        order(5001);

        List<FlowOutcome> outcomes = flow.process(List.of(event(1, 5001), event(2, 5001)));

        assertThat(outcomes).hasSize(2).allMatch(o -> o instanceof FlowOutcome.Synced);
        assertThat(salesforce.orderGraphs()).hasSize(1);
    }

    @Test
    void anOrderAlreadySyncedIsSkippedWithoutAnyCall() {
        idMap.putId("Order", "SO-5001", "801000000000001AAA");

        FlowOutcome outcome = flow.process(List.of(event(1, 5001))).getFirst();

        assertThat(outcome).isInstanceOf(FlowOutcome.Skipped.class);
        assertThat(salesforce.apiCallCount()).isZero();
    }

    @Test
    void anOrderClarityDoesNotHaveIsRetriedNotDropped() {
        FlowOutcome outcome = flow.process(List.of(event(1, 4242))).getFirst();

        assertThat(outcome).isInstanceOfSatisfying(FlowOutcome.Failed.class, f -> {
            assertThat(f.errorCode()).isEqualTo("CLARITY_RECORD_NOT_FOUND");
            assertThat(f.retryable()).isTrue();
        });
    }

    @Test
    void aNegativeTotalNeverReachesSalesforce() {
        ((ObjectNode) order(5001).get("Totals")).put("Total", -1);

        FlowOutcome outcome = flow.process(List.of(event(1, 5001))).getFirst();

        assertThat(outcome).isInstanceOfSatisfying(FlowOutcome.Failed.class,
                f -> assertThat(f.errorCode()).isEqualTo("BUSINESS_RULE_VIOLATION"));
        assertThat(salesforce.apiCallCount()).isZero();
        assertThat(audit).anySatisfy(a -> assertThat(a.step()).isEqualTo("validate"));
    }

    @Test
    void aReplayOfAnOrderAlreadyInSalesforceIsRecognisedNotDeadLettered() {
        order(5001);
        salesforce.existingOrders.put("SO-5001", "801000000000042AAA");
        salesforce.script = g -> FakeSalesforce.failure(g, "item1", new ApiError("INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: OrderId.", List.of("OrderId"), false));

        FlowOutcome outcome = flow.process(List.of(event(1, 5001))).getFirst();

        assertThat(outcome).isInstanceOfSatisfying(FlowOutcome.Skipped.class,
                s -> assertThat(s.reason()).contains("already in Salesforce", "801000000000042AAA"));
        assertThat(idMap.salesforceId("Order", "SO-5001")).contains("801000000000042AAA");
    }

    @Test
    void aRefusalThatIsNotAReplayStaysAFailure() {
        order(5001);
        salesforce.script = g -> FakeSalesforce.failure(g, "item1", new ApiError("INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: OrderId.", List.of("OrderId"), false));

        assertThat(flow.process(List.of(event(1, 5001))).getFirst()).isInstanceOf(FlowOutcome.Failed.class);
    }

    @Test
    void anUpdatedEventForAnOrderNotYetInSalesforceIsSynced() {
        order(5001);
        LoggedEvent updated = new LoggedEvent(1, new InboundEvent("clarity", "poll:SalesOrder:5001|1|2", "SalesOrder.Updated",
                "SalesOrder", "5001", "SO-5001", Instant.now(), "{}"), Instant.now());

        assertThat(flow.handles(updated.event())).isTrue();
        assertThat(flow.process(List.of(updated)).getFirst()).isInstanceOf(FlowOutcome.Synced.class);
    }

    @Test
    void anOrderWithMoreLinesThanAGraphHoldsIsABusinessRuleViolation() {
        ObjectNode o = order(5001);
        ArrayNode items = o.withArray("SalesItems");
        ObjectNode line = (ObjectNode) items.get(0);
        for (int i = 1; i <= OrderValidator.MAX_LINES; i++) {
            items.add(line.deepCopy().put("ID", 900000 + i));
        }

        assertThat(flow.process(List.of(event(1, 5001))).getFirst()).isInstanceOfSatisfying(FlowOutcome.Failed.class,
                f -> assertThat(f.message()).contains("498 lines", "497"));
        assertThat(salesforce.apiCallCount()).isZero();
    }
}
