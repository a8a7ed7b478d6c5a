package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.FlowControls;
import dev.tandem.core.spi.StateStore;
import io.javalin.http.Context;

import java.util.Map;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;
import static dev.tandem.server.api.ApiSupport.notFound;

/**
 * {@code /api/v1/flows}: every loaded flow with its state (running, paused by an operator, disabled in its file or
 * config), version, committed offset, backlog, pending retries and active dead letters; pause and resume.
 */
public final class FlowApi {

    private final FlowRuntime runtime;
    private final EventLog eventLog;
    private final StateStore store;

    public FlowApi(FlowRuntime runtime, EventLog eventLog, StateStore store) {
        this.runtime = runtime;
        this.eventLog = eventLog;
        this.store = store;
    }

    public void register(ApiRoutes routes) {
        routes.get("/flows", Role.VIEWER, guarded(this::list));
        routes.get("/flows/{id}", Role.VIEWER, guarded(ctx -> json(ctx, flow(find(ctx)))));
        routes.post("/flows/{id}/pause", Role.OPERATOR, guarded(ctx -> {
            Flow f = find(ctx);
            runtime.pause(f.name(), ApiRoutes.actor(ctx), ApiSupport.text(ApiSupport.body(ctx), "reason"));
            json(ctx, flow(f));
        }));
        routes.post("/flows/{id}/resume", Role.OPERATOR, guarded(ctx -> {
            Flow f = find(ctx);
            runtime.resume(f.name(), ApiRoutes.actor(ctx), ApiSupport.text(ApiSupport.body(ctx), "reason"));
            json(ctx, flow(f));
        }));
    }

    private Flow find(Context ctx) {
        String id = ctx.pathParam("id");
        return runtime.flows().stream().filter(f -> f.name().equals(id)).findFirst()
                .orElseThrow(() -> notFound("no flow '" + ApiSupport.clip(id) + "' is loaded"));
    }

    private void list(Context ctx) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        runtime.flows().forEach(f -> items.add(flow(f)));
        json(ctx, body);
    }

    private ObjectNode flow(Flow f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", f.name());
        n.put("version", f.version());
        boolean paused = runtime.pausedByOperator(f.name());
        n.put("state", !f.enabled() ? "disabled" : paused ? "paused" : "running");
        FlowControls.FlowControl control = store.flowControls().get(f.name());
        if (control != null) {
            ObjectNode c = n.putObject("lastControl");
            c.put("action", control.paused() ? "pause" : "resume");
            c.put("by", control.changedBy());
            c.put("at", ApiSupport.time(control.changedAt()));
            c.put("reason", control.reason());
        }
        long committed = eventLog.committedOffset(FlowRuntime.consumer(f.name()));
        n.put("committedOffset", committed);
        n.put("backlog", Math.max(0, eventLog.endOffset() - committed));
        n.put("pendingRetries", store.pendingRetryCount(f.name()));
        Map<String, Long> codes = store.activeDeadLetterCounts().getOrDefault(f.name(), Map.of());
        n.put("activeDeadLetters", codes.values().stream().mapToLong(Long::longValue).sum());
        return n;
    }
}
