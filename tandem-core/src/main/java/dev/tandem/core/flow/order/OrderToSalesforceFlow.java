package dev.tandem.core.flow.order;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowOutcome;
import dev.tandem.core.mapping.JsonataMapping;
import dev.tandem.core.mapping.MappingException;
import dev.tandem.core.port.ApiError;
import dev.tandem.core.port.Graph;
import dev.tandem.core.port.GraphNode;
import dev.tandem.core.port.GraphResult;
import dev.tandem.core.port.NodeResult;
import dev.tandem.core.port.RecordSource;
import dev.tandem.core.port.SalesforceApi;
import dev.tandem.core.port.SalesforceWriter;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.IdMap;
import dev.tandem.core.state.AuditEntry;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Clarity order → Salesforce Order (the seed's order flow).
 *
 * <p>Per batch of {@code SalesOrder.Created} events: fetch each order from Clarity (in parallel), validate it, map it
 * with the JSONata mapping file, resolve the standard price-book entry of each product (cached), then write every
 * order as ONE Composite Graph — Account upsert → Contact upsert → Order upsert → OrderItem upserts, all by their
 * Clarity external ids — through the batching writer, which sends the graphs of the whole batch in as few requests
 * as the graph limits allow (salesforce-api.md §2.10). Each graph is all-or-nothing, so an order is never half-written; upserts make a
 * replayed event update the same records instead of creating a second Order.
 */
public final class OrderToSalesforceFlow implements Flow {

    public static final String NAME = "clarity-order-to-salesforce";
    public static final String MAPPING = "mappings/clarity-order-to-salesforce.jsonata";

    private final RecordSource clarity;
    private final SalesforceApi salesforce;
    private final SalesforceWriter writer;
    private final IdMap idMap;
    private final AuditTrail audit;
    private final JsonataMapping mapping;
    private final PricebookEntryResolver pricebook;
    private final OrderValidator validator = new OrderValidator();
    private final Clock clock;

    /**
     * @param salesforce reads (SOQL) for the price-book look-ups
     * @param writer     the batching writer every graph goes through
     */
    public OrderToSalesforceFlow(RecordSource clarity, SalesforceApi salesforce, SalesforceWriter writer, IdMap idMap,
                                 AuditTrail audit, JsonataMapping mapping, Clock clock) {
        this.clarity = clarity;
        this.salesforce = salesforce;
        this.writer = writer;
        this.idMap = idMap;
        this.audit = audit;
        this.mapping = mapping;
        this.pricebook = new PricebookEntryResolver(salesforce, writer);
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Created, and Updated too: the poller reports an order it first sees after its creation window (a late commit,
     * clock skew) as Updated, and an order not yet in Salesforce must still get there. An Updated event for an order
     * already synced is skipped (syncing later changes is a later flow).
     */
    @Override
    public boolean handles(InboundEvent event) {
        return "SalesOrder.Created".equals(event.type()) || "SalesOrder.Updated".equals(event.type());
    }

    /** An order on its way through the flow. */
    private static final class Work {
        final List<LoggedEvent> events = new ArrayList<>();
        final String orderId;
        String orderKey;
        ObjectNode order;
        JsonNode mapped;
        FlowOutcome.Failed failure;
        FlowOutcome.Skipped skip;
        String syncedDetail;

        Work(String orderId) {
            this.orderId = orderId;
        }
    }

    @Override
    public List<FlowOutcome> process(List<LoggedEvent> batch) {
        // Two events for the same order in one batch (a redelivery under another event id) are done once.
        Map<String, Work> work = new LinkedHashMap<>();
        for (LoggedEvent event : batch) {
            work.computeIfAbsent(event.event().entityId(), Work::new).events.add(event);
        }
        fetchAll(work.values());
        for (Work w : work.values()) {
            if (w.failure == null && w.skip == null) {
                validateAndMap(w);
            }
        }
        write(work.values().stream().filter(w -> w.failure == null && w.skip == null).toList());

        List<FlowOutcome> outcomes = new ArrayList<>();
        for (Work w : work.values()) {
            for (LoggedEvent e : w.events) {
                if (w.failure != null) {
                    FlowOutcome.Failed f = w.failure;
                    outcomes.add(new FlowOutcome.Failed(e.offset(), f.errorCode(), f.message(), f.retryable(),
                            f.minimumWait(), f.payload()));
                } else if (w.skip != null) {
                    outcomes.add(new FlowOutcome.Skipped(e.offset(), w.skip.reason()));
                } else {
                    outcomes.add(new FlowOutcome.Synced(e.offset(), w.syncedDetail));
                }
            }
        }
        return outcomes;
    }

    private void fetchAll(Iterable<Work> all) {
        Map<Work, Future<Optional<ObjectNode>>> pending = new HashMap<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Work w : all) {
                String knownKey = w.events.getFirst().event().entityKey();
                Optional<String> existing = knownKey.isEmpty() ? Optional.empty() : idMap.salesforceId("Order", knownKey);
                if (existing.isPresent()) {
                    w.skip = new FlowOutcome.Skipped(0, "order " + knownKey + " is already synced as Order " + existing.get());
                    continue;
                }
                pending.put(w, executor.submit(() -> timed(w, "fetch", "GET Clarity SalesOrder " + w.orderId,
                        () -> clarity.fetch("SalesOrder", w.orderId))));
            }
            for (Map.Entry<Work, Future<Optional<ObjectNode>>> entry : pending.entrySet()) {
                Work w = entry.getKey();
                try {
                    Optional<ObjectNode> order = entry.getValue().get();
                    if (order.isEmpty()) {
                        // Clarity may not serve a record yet that an event already announced; retry, then dead-letter.
                        w.failure = failed("CLARITY_RECORD_NOT_FOUND", "Clarity has no SalesOrder with ID " + w.orderId,
                                true, Duration.ZERO, w.events.getFirst().event().payload());
                    } else {
                        w.order = order.get();
                        String key = w.order.path("CustomKey").asText("");
                        w.orderKey = key.isBlank() ? "SO-" + w.orderId : key;
                    }
                } catch (ExecutionException e) {
                    w.failure = fromException(e.getCause(), w.events.getFirst().event().payload());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    w.failure = failed("INTERRUPTED", "processing was interrupted", true, Duration.ZERO,
                            w.events.getFirst().event().payload());
                }
            }
        }
    }

    private void validateAndMap(Work w) {
        Optional<String> existing = idMap.salesforceId("Order", w.orderKey);
        if (existing.isPresent()) {
            w.skip = new FlowOutcome.Skipped(0, "order " + w.orderKey + " is already synced as Order " + existing.get());
            return;
        }
        String payload = w.order.toString();
        List<Violation> violations = validator.checkSource(w.orderKey, w.order);
        if (violations.isEmpty()) {
            try {
                w.mapped = mapping.apply(w.order);
            } catch (MappingException e) {
                w.failure = failed("MAPPING_ERROR", e.getMessage(), false, Duration.ZERO, payload);
                auditStep(w, "map", mapping.name(), "DEAD_LETTER", e.getMessage(), 0);
                return;
            }
            violations = validator.checkMapped(w.orderKey, w.mapped);
        }
        if (!violations.isEmpty()) {
            String message = String.join("; ", violations.stream().map(Violation::message).toList());
            w.failure = failed(violations.getFirst().code(), message, false, Duration.ZERO, payload);
            auditStep(w, "validate", "order rules", "DEAD_LETTER", violations.getFirst().code() + ": " + message, 0);
        } else {
            auditStep(w, "validate", "order rules", "OK", "mapped with " + mapping.name(), 0);
        }
    }

    private void write(List<Work> ready) {
        if (ready.isEmpty()) {
            return;
        }
        Map<String, PricebookEntryResolver.Resolution> entries;
        String pricebookId;
        List<ProductRef> products = new ArrayList<>();
        for (Work w : ready) {
            for (JsonNode item : w.mapped.path("items")) {
                products.add(new ProductRef(item.path("productKey").asText(), item.path("productName").asText(item.path("productKey").asText()),
                        item.path("sku").asText(""), decimal(item.path("listPrice"), decimal(item.path("fields").path("UnitPrice"), BigDecimal.ZERO))));
            }
        }
        try {
            pricebookId = pricebook.standardPricebookId();
            entries = pricebook.resolve(products);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            ready.forEach(w -> w.failure = fromException(cause, w.order.toString()));
            return;
        }

        List<Graph> graphs = new ArrayList<>();
        Map<String, Work> byGraph = new HashMap<>();
        for (Work w : ready) {
            Optional<ApiError> productError = w.mapped.path("items").valueStream()
                    .map(i -> entries.get(i.path("productKey").asText()))
                    .filter(r -> r instanceof PricebookEntryResolver.Resolution.Failed)
                    .map(r -> ((PricebookEntryResolver.Resolution.Failed) r).error())
                    .findFirst();
            if (productError.isPresent()) {
                ApiError e = productError.get();
                w.failure = failed(e.errorCode(), "the product of an order line could not be set up in Salesforce: "
                        + e.message(), e.retryable(), Duration.ZERO, w.order.toString());
                continue;
            }
            Graph graph = graphFor(w, pricebookId, entries);
            graphs.add(graph);
            byGraph.put(graph.graphId(), w);
        }
        // Every graph goes through the batching writer, which packs them (with other callers' work) into the
        // fewest Composite Graph requests; flush() because this batch is complete and nothing else is coming.
        Instant started = clock.instant();
        Map<String, CompletableFuture<GraphResult>> pending = new LinkedHashMap<>();
        for (Graph graph : graphs) {
            try {
                pending.put(graph.graphId(), writer.graph(graph));
            } catch (RuntimeException e) {
                // Refused before sending (writer closed, graph over the limits): only this order fails.
                Work w = byGraph.get(graph.graphId());
                w.failure = fromException(e, w.order.toString());
            }
        }
        writer.flush();
        String summary = "POST /composite/graph (" + graphs.size() + " order graphs, packed by the batching writer)";
        for (Map.Entry<String, CompletableFuture<GraphResult>> entry : pending.entrySet()) {
            Work w = byGraph.get(entry.getKey());
            GraphResult result;
            try {
                result = entry.getValue().join();
            } catch (CompletionException | CancellationException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                w.failure = fromException(cause, w.order.toString());
                auditStep(w, "write", summary, "FAILED", w.failure.errorCode() + ": " + w.failure.message(),
                        cause instanceof IntegrationException ie ? ie.httpStatus() : 0,
                        Duration.between(started, clock.instant()).toMillis());
                continue;
            }
            long millis = Duration.between(started, clock.instant()).toMillis();
            if (result.successful()) {
                recordIds(w, result);
                auditStep(w, "write", summary, "OK", w.syncedDetail, 200, millis);
            } else {
                ApiError cause = result.cause().orElse(new ApiError("UNKNOWN_ERROR",
                        "Salesforce rolled the graph back without saying why", List.of(), true));
                String where = result.nodes().stream().filter(n -> n.errors().stream().anyMatch(e -> e == cause))
                        .map(NodeResult::referenceId).findFirst().orElse("?");
                String message = "Salesforce rejected " + where + " of order " + w.orderKey + ": " + cause.message()
                        + (cause.fields().isEmpty() ? "" : " (fields " + cause.fields() + ")");
                w.failure = failed(cause.errorCode(), message, cause.retryable(), Duration.ZERO, w.order.toString());
                auditStep(w, "write", summary, cause.retryable() ? "RETRY" : "DEAD_LETTER",
                        cause.errorCode() + ": " + message, 200, millis);
            }
        }
        recoverReplays(ready);
    }

    /**
     * An order written to Salesforce whose id-map entry was lost (a crash between the write and the store) comes
     * back as a replay: its graph then updates OrderItems with their create-only fields (OrderId,
     * PricebookEntryId), which Salesforce may refuse with INVALID_FIELD_FOR_INSERT_UPDATE. Such orders are looked
     * up once by their external id; one that exists is already synced, not failed. Costs a query only then.
     */
    private void recoverReplays(List<Work> ready) {
        List<Work> suspects = ready.stream().filter(w -> w.failure != null
                && ("INVALID_FIELD_FOR_INSERT_UPDATE".equals(w.failure.errorCode())
                || "DUPLICATE_VALUE".equals(w.failure.errorCode()))).toList();
        if (suspects.isEmpty()) {
            return;
        }
        String keys = String.join(", ", suspects.stream().map(w -> PricebookEntryResolver.soqlString(w.orderKey)).toList());
        Map<String, String> existing = new HashMap<>();
        try {
            for (ObjectNode row : salesforce.query("SELECT Id, Clarity_Order_Key__c FROM Order WHERE Clarity_Order_Key__c IN (" + keys + ")")) {
                existing.put(row.path("Clarity_Order_Key__c").asText(), row.path("Id").asText());
            }
        } catch (IntegrationException e) {
            return;
        }
        for (Work w : suspects) {
            String id = existing.get(w.orderKey);
            if (id != null) {
                idMap.putId("Order", w.orderKey, id);
                w.failure = null;
                w.skip = new FlowOutcome.Skipped(0, "order " + w.orderKey + " was already in Salesforce as Order " + id
                        + " (a replay after an interrupted run)");
                auditStep(w, "write", "SELECT Order by Clarity_Order_Key__c", "SKIPPED", w.skip.reason(), 200);
            }
        }
    }

    private Graph graphFor(Work w, String pricebookId, Map<String, PricebookEntryResolver.Resolution> entries) {
        JsonNode m = w.mapped;
        List<GraphNode> nodes = new ArrayList<>();
        ObjectNode account = ((ObjectNode) m.path("account").path("fields")).deepCopy();
        nodes.add(new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/" + SalesforcePaths.encode(m.path("account").path("key").asText()),
                "account", account));
        ObjectNode contact = ((ObjectNode) m.path("contact").path("fields")).deepCopy();
        contact.put("AccountId", "@{account.id}");
        nodes.add(new GraphNode("PATCH", "sobjects/Contact/Clarity_Contact_Key__c/" + SalesforcePaths.encode(m.path("contact").path("key").asText()),
                "contact", contact));
        ObjectNode order = ((ObjectNode) m.path("order").path("fields")).deepCopy();
        order.put("AccountId", "@{account.id}");
        order.put("BillToContactId", "@{contact.id}");
        order.put("Pricebook2Id", pricebookId);
        nodes.add(new GraphNode("PATCH", "sobjects/Order/Clarity_Order_Key__c/" + SalesforcePaths.encode(w.orderKey),
                "order", order));
        int line = 0;
        for (JsonNode item : m.path("items")) {
            line++;
            ObjectNode fields = ((ObjectNode) item.path("fields")).deepCopy();
            fields.put("OrderId", "@{order.id}");
            fields.put("PricebookEntryId", ((PricebookEntryResolver.Resolution.Found) entries.get(item.path("productKey").asText())).pricebookEntryId());
            nodes.add(new GraphNode("PATCH", "sobjects/OrderItem/Clarity_Order_Item_Key__c/" + SalesforcePaths.encode(item.path("key").asText()),
                    "item" + line, fields));
        }
        return new Graph("order" + w.events.getFirst().offset(), nodes);
    }

    private void recordIds(Work w, GraphResult result) {
        JsonNode m = w.mapped;
        String accountId = result.node("account").map(NodeResult::id).orElse("");
        String contactId = result.node("contact").map(NodeResult::id).orElse("");
        String orderId = result.node("order").map(NodeResult::id).orElse("");
        idMap.putId("Account", m.path("account").path("key").asText(), accountId);
        idMap.putId("Contact", m.path("contact").path("key").asText(), contactId);
        int line = 0;
        for (JsonNode item : m.path("items")) {
            line++;
            String id = result.node("item" + line).map(NodeResult::id).orElse("");
            idMap.putId("OrderItem", item.path("key").asText(), id);
        }
        // The Order mapping is written last: it is what marks the order as synced.
        idMap.putId("Order", w.orderKey, orderId);
        w.syncedDetail = "Order " + orderId + " (" + m.path("items").size() + " items), Account " + accountId
                + ", Contact " + contactId;
    }

    private <T> T timed(Work w, String step, String request, java.util.function.Supplier<T> call) {
        Instant started = clock.instant();
        try {
            T result = call.get();
            auditStep(w, step, request, "OK", "", 200, Duration.between(started, clock.instant()).toMillis());
            return result;
        } catch (IntegrationException e) {
            auditStep(w, step, request, "FAILED", e.errorCode() + ": " + e.getMessage(), e.httpStatus(),
                    Duration.between(started, clock.instant()).toMillis());
            throw e;
        }
    }

    private void auditStep(Work w, String step, String request, String outcome, String detail, int status) {
        auditStep(w, step, request, outcome, detail, status, 0);
    }

    private void auditStep(Work w, String step, String request, String outcome, String detail, int status, long millis) {
        Instant now = clock.instant();
        for (LoggedEvent e : w.events) {
            audit.audit(new AuditEntry(e.offset(), NAME, step, request, status, millis, outcome, detail, now));
        }
    }

    private static FlowOutcome.Failed failed(String code, String message, boolean retryable, Duration wait, String payload) {
        return new FlowOutcome.Failed(0, code, message, retryable, wait, payload);
    }

    private static FlowOutcome.Failed fromException(Throwable t, String payload) {
        if (t instanceof IntegrationException e) {
            return failed(e.errorCode(), e.system() + ": " + e.getMessage(), e.retryable(),
                    e.retryAfter().orElse(Duration.ZERO), payload);
        }
        return failed("FLOW_ERROR", t.getClass().getSimpleName() + ": " + t.getMessage(), true, Duration.ZERO, payload);
    }

    private static BigDecimal decimal(JsonNode node, BigDecimal fallback) {
        return node.isNumber() ? node.decimalValue() : fallback;
    }
}
