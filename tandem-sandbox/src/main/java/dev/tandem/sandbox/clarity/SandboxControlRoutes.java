package dev.tandem.sandbox.clarity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tandem.sandbox.clarity.auth.SessionStore;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.webhook.DeliveryStatus;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sandbox's own control API under {@code /_sandbox/}: not a CEF path, no authentication, plain camelCase JSON.
 * It lets a demo or a load generator drive the sandbox over HTTP.
 */
final class SandboxControlRoutes {

    private static final int MAX_ORDERS_PER_CALL = 10_000;

    private final SandboxOrders orders;
    private final WebhookDispatcher webhooks;
    private final ClarityStore store;
    private final SessionStore sessions;
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    SandboxControlRoutes(SandboxOrders orders, WebhookDispatcher webhooks, ClarityStore store,
            SessionStore sessions) {
        this.orders = orders;
        this.webhooks = webhooks;
        this.store = store;
        this.sessions = sessions;
    }

    void register(RoutesConfig routes) {
        routes.post("/_sandbox/orders", this::createOrders);
        routes.post("/_sandbox/webhooks", this::configureWebhooks);
        routes.get("/_sandbox/stats", ctx -> send(ctx, stats()));
    }

    /** {@code POST /_sandbox/orders?count=N&badData=MISSING_LAST_NAME}. */
    private void createOrders(Context ctx) {
        int count = parseCount(ctx.queryParam("count"));
        String rawBadData = ctx.queryParam("badData");
        BadData badData;
        try {
            badData = rawBadData == null || rawBadData.isBlank() ? BadData.NONE
                    : BadData.valueOf(rawBadData.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.badRequest("ArgumentException",
                    "badData must be one of " + List.of(BadData.values()));
        }
        List<Map<String, Object>> created = orders.createRandomOrders(count, badData).stream()
                .map(ref -> Map.<String, Object>of("id", ref.id(), "customKey", ref.customKey()))
                .toList();
        send(ctx, Map.of("orders", created));
    }

    /** {@code POST /_sandbox/webhooks {"duplicateRate":0.1,"outOfOrder":true,"maxJitterMillis":500}}. */
    private void configureWebhooks(Context ctx) {
        WebhookSwitches switches;
        try {
            switches = mapper.readValue(ctx.bodyAsBytes(), WebhookSwitches.class);
        } catch (JsonProcessingException e) {
            throw ClarityHttpException.badRequest("SerializationException", e.getOriginalMessage());
        } catch (IOException e) {
            throw ClarityHttpException.badRequest("SerializationException", e.getMessage());
        }
        try {
            if (switches.duplicateRate() != null) {
                webhooks.setDuplicateRate(switches.duplicateRate());
            }
            if (switches.outOfOrder() != null) {
                webhooks.setOutOfOrder(switches.outOfOrder());
            }
            if (switches.maxJitterMillis() != null) {
                webhooks.setMaxJitter(Duration.ofMillis(switches.maxJitterMillis()));
            }
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.badRequest("ArgumentException", e.getMessage());
        }
        send(ctx, new WebhookSwitches(webhooks.duplicateRate(), webhooks.outOfOrder(),
                webhooks.maxJitter().toMillis()));
    }

    private Map<String, Object> stats() {
        Map<String, Object> webhookStats = new LinkedHashMap<>();
        webhookStats.put("subscriptions", webhooks.subscriptions().size());
        webhookStats.put("pending", webhooks.count(DeliveryStatus.Pending));
        webhookStats.put("delivered", webhooks.count(DeliveryStatus.Delivered));
        webhookStats.put("failed", webhooks.count(DeliveryStatus.Failed));
        webhookStats.put("duplicateRate", webhooks.duplicateRate());
        webhookStats.put("outOfOrder", webhooks.outOfOrder());
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("accounts", store.accounts().size());
        stats.put("contacts", store.contacts().size());
        stats.put("users", store.users().size());
        stats.put("products", store.products().size());
        stats.put("salesOrders", store.salesOrders().size());
        stats.put("sessions", sessions.openCount());
        stats.put("webhooks", webhookStats);
        return stats;
    }

    private void send(Context ctx, Object body) {
        try {
            ctx.contentType("application/json; charset=utf-8").result(mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int parseCount(String raw) {
        if (raw == null || raw.isBlank()) {
            return 1;
        }
        try {
            int count = Integer.parseInt(raw.trim());
            if (count < 1 || count > MAX_ORDERS_PER_CALL) {
                throw new NumberFormatException();
            }
            return count;
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("ArgumentException",
                    "count must be an integer within 1.." + MAX_ORDERS_PER_CALL);
        }
    }

    /** The webhook test switches as the control API reads and writes them. */
    record WebhookSwitches(Double duplicateRate, Boolean outOfOrder, Long maxJitterMillis) {
    }
}
