package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.ops.ConflictService;
import dev.tandem.core.sync.Conflict;
import io.javalin.http.Context;

import java.util.Locale;
import java.util.Set;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * {@code /api/v1/conflicts}: the review queue of two-way sync (issue 10, master-data policy). A field changed on both
 * sides that its policy leaves to a person ({@code manual}, or {@code newest-wins} inside the window) waits here with
 * both values and times; resolving it writes the chosen value to the side that lacks it.
 */
public final class ConflictApi {

    private static final Set<String> STATES = Set.of(Conflict.OPEN, Conflict.RESOLVED);

    private final ConflictService service;

    public ConflictApi(ConflictService service) {
        this.service = service;
    }

    public void register(ApiRoutes routes) {
        routes.get("/conflicts", Role.VIEWER, guarded(this::list));
        routes.get("/conflicts/{id}", Role.VIEWER, guarded(ctx -> json(ctx, toJson(service.get(ApiSupport.longPath(ctx, "id"))))));
        routes.post("/conflicts/{id}/resolve", Role.OPERATOR, guarded(this::resolve));
    }

    private void list(Context ctx) {
        String state = ctx.queryParam("state");
        if (state != null) {
            state = state.trim().toUpperCase(Locale.ROOT);
            if (!STATES.contains(state)) {
                throw badRequest("state must be open or resolved, got '" + ApiSupport.clip(ctx.queryParam("state")) + "'");
            }
        }
        String flow = ctx.queryParam("flow");
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        service.list(state, flow, ApiSupport.limit(ctx, 500)).forEach(c -> items.add(toJson(c)));
        json(ctx, body);
    }

    private void resolve(Context ctx) {
        long id = ApiSupport.longPath(ctx, "id");
        ObjectNode in = ApiSupport.body(ctx);
        String take = ApiSupport.text(in, "take");
        if (take == null || take.isBlank()) {
            throw badRequest("take is required: the system whose value wins (e.g. clarity, salesforce) or value "
                    + "(then give value)");
        }
        JsonNode value = in.get("value");
        ConflictService.Resolution r = service.resolve(id, take, value, ApiRoutes.actor(ctx));
        ObjectNode body = toJson(r.conflict());
        body.set("value", r.value());
        ArrayNode written = body.putArray("writtenTo");
        r.written().forEach(written::add);
        json(ctx, body);
    }

    static ObjectNode toJson(Conflict c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", c.id());
        n.put("flow", c.flowId());
        n.put("state", c.state().toLowerCase(Locale.ROOT));
        n.put("policy", c.policy());
        n.put("reason", c.reason());
        side(n.putObject("source"), c.source(), c.sourceValue(), c.sourceModified());
        side(n.putObject("target"), c.target(), c.targetValue(), c.targetModified());
        n.put("eventOffset", c.eventOffset());
        n.put("openedAt", ApiSupport.time(c.openedAt()));
        n.put("updatedAt", ApiSupport.time(c.updatedAt()));
        if (!c.open()) {
            n.put("resolution", c.resolution());
            n.put("resolvedBy", c.resolvedBy());
            n.put("resolvedAt", ApiSupport.time(c.resolvedAt()));
        }
        return n;
    }

    private static void side(ObjectNode n, Conflict.Side s, String value, java.time.Instant modified) {
        n.put("system", s.system());
        n.put("entity", s.entity());
        n.put("id", s.recordId());
        n.put("keyField", s.keyField());
        n.put("key", s.key());
        n.put("field", s.field());
        try {
            n.set("value", value == null ? JSON.nullNode() : JSON.readTree(value));
        } catch (java.io.IOException e) {
            n.put("value", value);
        }
        n.put("modifiedAt", ApiSupport.time(modified));
    }
}
