package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.generate.Customer;
import dev.tandem.sandbox.clarity.generate.GeneratedOrder;
import dev.tandem.sandbox.clarity.generate.SandboxDataGenerator;
import dev.tandem.sandbox.clarity.model.Lookup;
import dev.tandem.sandbox.clarity.model.SalesOrderEventModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.webhook.WebhookEvent;
import dev.tandem.sandbox.clarity.wire.CefDates;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Storefront activity on demand: orders placed as if by shoppers, and order status changes as if by staff. Each change
 * fires its webhook event (spec §11) after the data is stored, so a receiver that fetches the record finds it.
 */
public final class SandboxOrders {

    private final SandboxDataGenerator generator;
    private final ClarityStore store;
    private final WebhookDispatcher webhooks;
    private final Clock clock;

    SandboxOrders(SandboxDataGenerator generator, ClarityStore store, WebhookDispatcher webhooks, Clock clock) {
        this.generator = generator;
        this.store = store;
        this.webhooks = webhooks;
        this.clock = clock;
    }

    /** Places a realistic order; fires {@code Customer.Created} for a new customer, then {@code SalesOrder.Created}. */
    public SalesOrderRef createRandomOrder() {
        return createRandomOrder(BadData.NONE);
    }

    /** Places an order carrying the given defect (see {@link BadData}). */
    public SalesOrderRef createRandomOrder(BadData badData) {
        GeneratedOrder generated = generator.createOrder(Objects.requireNonNull(badData, "badData"));
        for (Customer customer : generated.newCustomers()) {
            webhooks.publish(WebhookEvent.about(WebhookEvent.CUSTOMER_CREATED, "Account", customer.account(),
                    clock.instant()));
            webhooks.publish(WebhookEvent.about(WebhookEvent.CUSTOMER_CREATED, "User", customer.user(),
                    clock.instant()));
        }
        SalesOrderModel order = generated.order();
        webhooks.publish(WebhookEvent.about(WebhookEvent.SALES_ORDER_CREATED, "SalesOrder", order, clock.instant()));
        return new SalesOrderRef(order.id(), order.customKey());
    }

    public List<SalesOrderRef> createRandomOrders(int count, BadData badData) {
        List<SalesOrderRef> refs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            refs.add(createRandomOrder(badData));
        }
        return refs;
    }

    /**
     * Moves an order to another status, as CEF's workflow PATCH routes do (spec §5.1): records a
     * {@code SalesOrderEvent} (the polling path) and fires {@code SalesOrder.StatusChanged} with the old and new keys
     * (the push path, spec §11). Setting the current status again changes nothing.
     *
     * @param statusKey a default {@code SalesOrderStatus} key, e.g. {@code Confirmed} or {@code Shipped}
     * @throws IllegalArgumentException for an unknown order or status
     */
    public SalesOrderRef changeStatus(int orderId, String statusKey) {
        Lookup status = Lookup.ORDER_STATUSES.stream().filter(s -> s.key().equalsIgnoreCase(statusKey)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("Unknown SalesOrderStatus key: " + statusKey));
        SalesOrderModel before = find(orderId)
                .orElseThrow(() -> new IllegalArgumentException("No SalesOrder with ID " + orderId));
        SalesOrderModel after = store.salesOrders().modify(orderId, tree -> {
            tree.put("StatusID", status.id());
            tree.put("StatusKey", status.key());
            tree.put("StatusName", status.name());
            tree.put("UpdatedDate", CefDates.format(clock.instant()));
        }).orElseThrow();
        recordTransition(before, after);
        return new SalesOrderRef(after.id(), after.customKey());
    }

    /**
     * Records a status or state transition, whichever way the order changed (a workflow PATCH, an Update or an
     * Upsert): a {@code SalesOrderEvent} with old/new status, state and hash for pollers (spec §6, §7), and
     * {@code SalesOrder.StatusChanged} for webhook receivers (spec §11). No transition, no event.
     */
    void recordTransition(SalesOrderModel before, SalesOrderModel after) {
        boolean statusChanged = before.statusId() != after.statusId();
        if (!statusChanged && before.stateId() == after.stateId()) {
            return;
        }
        int eventId = store.salesOrderEvents().nextId();
        String what = statusChanged ? "Status changed from " + before.statusKey() + " to " + after.statusKey()
                : "State changed from " + before.stateKey() + " to " + after.stateKey();
        store.salesOrderEvents().put(new SalesOrderEventModel(eventId, null, true, clock.instant(),
                clock.instant(), null, Map.of(), what, null, after.id(), after.customKey(), before.statusId(), after.statusId(),
                before.stateId(), after.stateId(), before.hash(), after.hash()));
        if (statusChanged) {
            webhooks.publish(WebhookEvent.statusChanged(after, before.statusKey(), after.statusKey(),
                    clock.instant()));
        }
    }

    /** Tells webhook receivers about an order created through the API ({@code Create}/{@code Upsert}). */
    void announceCreated(SalesOrderModel order) {
        webhooks.publish(WebhookEvent.about(WebhookEvent.SALES_ORDER_CREATED, "SalesOrder", order, clock.instant()));
    }

    public Optional<SalesOrderModel> find(int orderId) {
        return store.salesOrders().byId(orderId);
    }

    public int count() {
        return store.salesOrders().size();
    }
}
