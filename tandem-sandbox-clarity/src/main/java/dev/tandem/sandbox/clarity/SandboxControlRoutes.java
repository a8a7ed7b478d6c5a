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

    private final ClaritySandbox sandbox;
    private final SandboxOrders orders;
    private final WebhookDispatcher webhooks;
    private final ClarityStore store;
    private final SessionStore sessions;
    private final ObjectMapper mapper = JsonMapper.builder()
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    SandboxControlRoutes(ClaritySandbox sandbox, SandboxOrders orders, WebhookDispatcher webhooks,
            ClarityStore store, SessionStore sessions) {
        this.sandbox = sandbox;
        this.orders = orders;
        this.webhooks = webhooks;
        this.store = store;
        this.sessions = sessions;
    }

    void register(RoutesConfig routes) {
        routes.post("/_sandbox/orders", this::createOrders);
        routes.post("/_sandbox/webhooks", this::configureWebhooks);
        routes.post("/_sandbox/contacts/{id}/name", this::renameContact);
        routes.get("/_sandbox/stats", ctx -> send(ctx, stats()));
        routes.get("/_sandbox/faults", ctx -> send(ctx, faults()));
        routes.post("/_sandbox/faults", this::configureFaults);
        routes.post("/_sandbox/sessions/expire", ctx -> {
            int open = sessions.openCount();
            sandbox.expireSessions();
            send(ctx, Map.of("expired", open));
        });
        routes.post("/_sandbox/reset", ctx -> {
            sandbox.reset();
            send(ctx, stats());
        });
        routes.get("/_sandbox/dump", ctx -> ctx.contentType("application/json; charset=utf-8")
                .result(sandbox.dump()));
    }

    /** {@code POST /_sandbox/faults {"latencyMillis":200,"errorRate":0.1,"errorStatus":503}}; absent members keep. */
    private void configureFaults(Context ctx) {
        FaultSwitches switches = readBody(ctx, FaultSwitches.class);
        SandboxFaults faults = sandbox.faults();
        try {
            // Validate every value before applying any, so a bad request changes nothing.
            new SandboxFaults(0)
                    .latency(Duration.ofMillis(switches.latencyMillis() != null ? switches.latencyMillis() : 0))
                    .errorRate(switches.errorRate() != null ? switches.errorRate() : 0)
                    .errorStatus(switches.errorStatus() != null ? switches.errorStatus() : 503);
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.badRequest("ArgumentException", e.getMessage());
        }
        if (switches.latencyMillis() != null) {
            faults.latency(Duration.ofMillis(switches.latencyMillis()));
        }
        if (switches.errorRate() != null) {
            faults.errorRate(switches.errorRate());
        }
        if (switches.errorStatus() != null) {
            faults.errorStatus(switches.errorStatus());
        }
        send(ctx, faults());
    }

    private FaultSwitches faults() {
        SandboxFaults faults = sandbox.faults();
        return new FaultSwitches(faults.latency().toMillis(), faults.errorRate(), faults.errorStatus());
    }

    private <T> T readBody(Context ctx, Class<T> type) {
        try {
            return mapper.readValue(ctx.bodyAsBytes(), type);
        } catch (JsonProcessingException e) {
            throw ClarityHttpException.badRequest("SerializationException", e.getOriginalMessage());
        } catch (IOException e) {
            throw ClarityHttpException.badRequest("SerializationException", e.getMessage());
        }
    }

    /**
     * {@code POST /_sandbox/contacts/{id}/name {"firstName":"Ada","lastName":"Lovelace"}} (firstName optional): fixes
     * a contact's name as a back-office edit, with its {@code Customer.Updated} webhook
     * ({@link SandboxCustomers#renameContact}).
     */
    private void renameContact(Context ctx) {
        int id;
        try {
            id = Integer.parseInt(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("ArgumentException", "id must be an integer");
        }
        if (store.contacts().byId(id).isEmpty()) {
            throw ClarityHttpException.notFound("Contact with ID " + id + " was not found");
        }
        ContactName name = readBody(ctx, ContactName.class);
        RecordRef ref;
        try {
            ref = sandbox.customers().renameContact(id, name.firstName(), name.lastName() == null ? ""
                    : name.lastName());
        } catch (IllegalArgumentException e) {
            throw ClarityHttpException.badRequest("ArgumentException", e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entity", ref.entity());
        body.put("id", ref.id());
        body.put("customKey", ref.customKey());
        send(ctx, body);
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
        stats.put("salesOrderItems", store.salesOrderItems().size());
        stats.put("salesOrderEvents", store.salesOrderEvents().size());
        stats.put("inventoryLocations", store.inventoryLocations().size());
        stats.put("productInventoryLocationSections", store.productInventoryLocationSections().size());
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

    /** The fault switches as the control API reads and writes them. */
    record FaultSwitches(Long latencyMillis, Double errorRate, Integer errorStatus) {
    }

    /** The body of {@code POST /_sandbox/contacts/{id}/name}. */
    record ContactName(String firstName, String lastName) {
    }

    /** The webhook test switches as the control API reads and writes them. */
    record WebhookSwitches(Double duplicateRate, Boolean outOfOrder, Long maxJitterMillis) {
    }
}
