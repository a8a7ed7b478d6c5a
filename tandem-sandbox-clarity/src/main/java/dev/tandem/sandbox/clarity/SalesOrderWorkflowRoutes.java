package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.entity.CefActionResponse;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import io.javalin.config.RoutesConfig;
import java.util.Map;

/**
 * The sales-order workflow transitions (clarity-routes.md notes, spec §5.1): {@code PATCH
 * /Ordering/SalesOrder/{Confirm|Hold|Pending|Backorder|Ship|ReadyForPickup|Complete|Void}/{ID}} with an empty body,
 * answering {@code CEFActionResponse}. The sandbox only moves the status; CEF's side effects (stock allocation,
 * e-mails) are out of scope.
 */
final class SalesOrderWorkflowRoutes {

    private static final Map<String, String> STATUS_BY_ACTION = Map.of(
            "Confirm", "Confirmed",
            "Hold", "On Hold",
            "Pending", "Pending",
            "Backorder", "Backordered",
            "Ship", "Shipped",
            "ReadyForPickup", "Ready for Pickup",
            "Complete", "Completed",
            "Void", "Void");

    private final String basePath;
    private final SandboxOrders orders;
    private final SessionGuard guard;
    private final JsonResponder responder;

    SalesOrderWorkflowRoutes(String basePath, SandboxOrders orders, SessionGuard guard, JsonResponder responder) {
        this.basePath = basePath;
        this.orders = orders;
        this.guard = guard;
        this.responder = responder;
    }

    void register(RoutesConfig routes) {
        STATUS_BY_ACTION.forEach((action, status) ->
                // Each transition has its own permission, e.g. Ordering.SalesOrder.Confirm (clarity-routes.md).
                routes.patch(basePath + "/Ordering/SalesOrder/" + action + "/{ID}", guard.protect(
                        "Ordering.SalesOrder." + action, ctx -> {
                    String raw = ctx.pathParam("ID");
                    int id;
                    try {
                        id = Integer.parseInt(raw);
                    } catch (NumberFormatException e) {
                        throw ClarityHttpException.badRequest("SerializationException",
                                "Unable to bind 'ID': '" + raw + "' is not an Int32");
                    }
                    if (orders.find(id).isEmpty()) {
                        throw ClarityHttpException.notFound("SalesOrder with ID " + id + " was not found");
                    }
                    orders.changeStatus(id, status);
                    responder.send(ctx, CefActionResponse.succeeded());
                })));
    }
}
