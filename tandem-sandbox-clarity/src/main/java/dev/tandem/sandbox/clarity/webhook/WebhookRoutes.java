package dev.tandem.sandbox.clarity.webhook;

import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.entity.CefActionResponse;
import dev.tandem.sandbox.clarity.search.Paging;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import dev.tandem.sandbox.clarity.wire.QueryParams;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.Optional;

/**
 * The sandbox-only management API of the webhook extension (spec §11). It sits under the CEF base path and needs a
 * session like every data route; lists use CEF's paged-results wrapper so clients page them the same way.
 */
public final class WebhookRoutes {

    private final String basePath;
    private final WebhookDispatcher dispatcher;
    private final SessionGuard guard;
    private final JsonResponder responder;

    public WebhookRoutes(String basePath, WebhookDispatcher dispatcher, SessionGuard guard, JsonResponder responder) {
        this.basePath = basePath;
        this.dispatcher = dispatcher;
        this.guard = guard;
        this.responder = responder;
    }

    public void register(RoutesConfig routes) {
        String root = basePath + "/Webhooks";
        routes.post(root + "/Subscriptions", guard.protect(this::subscribe));
        routes.get(root + "/Subscriptions", guard.protect(ctx -> responder.send(ctx,
                Paging.from(query(ctx)).page(dispatcher.subscriptions()))));
        routes.delete(root + "/Subscriptions/ID/{ID}", guard.protect(this::unsubscribe));
        routes.get(root + "/Deliveries", guard.protect(this::deliveries));
    }

    private void subscribe(Context ctx) {
        SubscriptionRequest request = responder.json().read(ctx.bodyAsBytes(), SubscriptionRequest.class);
        try {
            responder.send(ctx, dispatcher.subscribe(request));
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.badRequest("ArgumentException", e.getMessage());
        }
    }

    private void unsubscribe(Context ctx) {
        String raw = ctx.pathParam("ID");
        int id;
        try {
            id = Integer.parseInt(raw);
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException", "'" + raw + "' is not an Int32");
        }
        if (!dispatcher.unsubscribe(id)) {
            throw ClarityHttpException.notFound("Subscription with ID " + id + " was not found");
        }
        responder.send(ctx, CefActionResponse.succeeded());
    }

    private void deliveries(Context ctx) {
        QueryParams query = query(ctx);
        Optional<DeliveryStatus> status = query.first("Status").map(s -> Arrays.stream(DeliveryStatus.values())
                .filter(v -> v.name().equalsIgnoreCase(s.trim()))
                .findFirst()
                .orElseThrow(() -> ClarityHttpException.badRequest("ArgumentException",
                        "Status must be one of Pending, Delivered, Failed")));
        responder.send(ctx, Paging.from(query).page(dispatcher.deliveries(status)));
    }

    private static QueryParams query(Context ctx) {
        return new QueryParams(ctx.queryParamMap());
    }
}
