package dev.tandem.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.ops.DeadLetterService;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterChange;
import dev.tandem.core.state.DeadLetterQuery;
import dev.tandem.core.state.PendingRetry;
import io.javalin.http.Context;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * {@code /api/v1/dead-letters} and {@code /api/v1/retries}: find why records failed, look at one with everything
 * that is known about it, retry it (as-is, from the start, edited), resolve or ignore it, the same in bulk by filter,
 * and run or cancel pending retries. Viewers read; operators act.
 */
public final class DeadLetterApi {

    private final StateStore store;
    private final EventLog eventLog;
    private final DeadLetterService service;
    private final TimelineApi timeline;

    public DeadLetterApi(StateStore store, EventLog eventLog, DeadLetterService service, TimelineApi timeline) {
        this.store = store;
        this.eventLog = eventLog;
        this.service = service;
        this.timeline = timeline;
    }

    public void register(ApiRoutes routes) {
        routes.get("/dead-letters", Role.VIEWER, guarded(this::list));
        routes.get("/dead-letters/counts", Role.VIEWER, guarded(this::counts));
        routes.get("/dead-letters/{id}", Role.VIEWER, guarded(this::show));
        routes.post("/dead-letters/{id}/retry", Role.OPERATOR, guarded(this::retry));
        routes.post("/dead-letters/{id}/edit", Role.OPERATOR, guarded(this::edit));
        routes.post("/dead-letters/{id}/resolve", Role.OPERATOR, guarded(ctx -> settle(ctx, true)));
        routes.post("/dead-letters/{id}/ignore", Role.OPERATOR, guarded(ctx -> settle(ctx, false)));
        routes.post("/dead-letters/bulk", Role.OPERATOR, guarded(this::bulk));
        routes.get("/retries", Role.VIEWER, guarded(this::retries));
        routes.post("/retries/{flow}/{offset}/run", Role.OPERATOR, guarded(this::runRetry));
        routes.delete("/retries/{flow}/{offset}", Role.OPERATOR, guarded(this::cancelRetry));
    }

    /** The filter of the query parameters (list) or of a bulk request's {@code filter} object. */
    static DeadLetterQuery query(Context ctx, int limit, long cursor) {
        return new DeadLetterQuery(
                ApiSupport.multi(ctx, "flow", s -> s),
                ApiSupport.multi(ctx, "step", s -> s),
                ApiSupport.multi(ctx, "code", s -> s),
                ApiSupport.multi(ctx, "class", ErrorClass::parse),
                ApiSupport.multi(ctx, "state", DeadLetter.State::parse),
                ctx.queryParam("key"), ctx.queryParam("q"), ApiSupport.instant(ctx, "from"), ApiSupport.instant(ctx, "to"),
                cursor, limit);
    }

    private void list(Context ctx) {
        int limit = ApiSupport.limit(ctx, DeadLetterQuery.MAX_LIMIT);
        DeadLetterQuery q = query(ctx, limit, ApiSupport.cursor(ctx));
        q = resolveSalesforceId(q);
        List<DeadLetter> page = store.findDeadLetters(q);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        page.forEach(d -> items.add(summary(d)));
        body.put("total", store.countDeadLetters(q));
        if (page.size() == limit) {
            body.put("nextCursor", ApiSupport.cursor(page.getLast().id()));
        }
        json(ctx, body);
    }

    /** A Salesforce id as key finds the record it is linked to: its Clarity key. */
    private DeadLetterQuery resolveSalesforceId(DeadLetterQuery q) {
        if (q.key() == null) {
            return q;
        }
        return timeline.sourceKeyOf(q.key()).map(k -> new DeadLetterQuery(q.flows(), q.steps(), q.errorCodes(),
                q.errorClasses(), q.states(), k, q.text(), q.from(), q.to(), q.beforeId(), q.limit())).orElse(q);
    }

    private void counts(Context ctx) {
        Map<String, Map<String, Long>> counts = store.activeDeadLetterCounts();
        ObjectNode body = JSON.createObjectNode();
        ObjectNode byFlow = body.putObject("byFlow");
        long total = 0;
        for (var f : counts.entrySet()) {
            ObjectNode codes = byFlow.putObject(f.getKey());
            for (var c : f.getValue().entrySet()) {
                codes.put(c.getKey(), c.getValue());
                total += c.getValue();
            }
        }
        body.put("active", total);
        json(ctx, body);
    }

    private void show(Context ctx) {
        DeadLetter d = service.get(ApiSupport.longPath(ctx, "id"));
        ObjectNode body = detail(d);
        eventLog.get(d.eventOffset()).ifPresent(e -> {
            ObjectNode ev = body.putObject("event");
            ev.put("offset", e.offset());
            ev.put("source", e.event().source());
            ev.put("sourceEventId", e.event().sourceEventId());
            ev.put("type", e.event().type());
            ev.put("entity", e.event().entity());
            ev.put("entityId", e.event().entityId());
            ev.put("entityKey", e.event().entityKey());
            ev.put("occurredAt", ApiSupport.time(e.event().occurredAt()));
            ev.put("receivedAt", ApiSupport.time(e.receivedAt()));
            ev.set("payload", parse(e.event().payload()));
        });
        ArrayNode history = body.putArray("history");
        for (DeadLetterChange c : store.deadLetterHistory(d.id())) {
            ObjectNode h = history.addObject();
            h.put("at", ApiSupport.time(c.at()));
            h.put("actor", c.actor());
            h.put("action", c.action());
            h.put("from", c.fromState() == null ? null : c.fromState().id());
            h.put("to", c.toState().id());
            h.put("detail", c.detail());
        }
        store.pendingRetry(d.eventOffset(), d.flow()).ifPresent(r -> body.set("pendingRetry", retry(r)));
        body.set("timeline", timeline.timelineOf(d.entityKey().isEmpty() ? d.recordKey() : d.entityKey(), 100));
        json(ctx, body);
    }

    private void retry(Context ctx) {
        long id = ApiSupport.longPath(ctx, "id");
        ObjectNode in = ApiSupport.body(ctx);
        String mode = ApiSupport.text(in, "mode");
        DeadLetterService.RetryMode m = switch (mode == null ? "as-is" : mode) {
            case "as-is" -> DeadLetterService.RetryMode.AS_IS;
            case "from-start" -> DeadLetterService.RetryMode.FROM_START;
            case "edited" -> DeadLetterService.RetryMode.EDITED;
            default -> throw badRequest("mode must be as-is, from-start or edited, got '" + ApiSupport.clip(mode) + "'");
        };
        json(ctx, 202, detail(service.retry(id, m, ApiRoutes.actor(ctx), ApiSupport.text(in, "reason"))));
    }

    private void edit(Context ctx) {
        long id = ApiSupport.longPath(ctx, "id");
        ObjectNode in = ApiSupport.body(ctx);
        JsonNode edit = in.get("edit");
        if (edit == null) {
            throw badRequest("give the edit as {\"edit\": {\"source\": {...}} or {\"request\": {...}}}");
        }
        boolean dryRun = ApiSupport.bool(in, "dryRun", false);
        DeadLetterService.EditResult r = service.edit(id, edit, ApiSupport.bool(in, "retry", true), dryRun,
                ApiRoutes.actor(ctx), ApiSupport.text(in, "reason"));
        ObjectNode body = JSON.createObjectNode();
        body.put("valid", r.validation().problems().isEmpty());
        ArrayNode problems = body.putArray("problems");
        r.validation().problems().forEach(problems::add);
        body.set("preview", r.validation().preview());
        r.deadLetter().ifPresent(d -> body.set("deadLetter", detail(d)));
        json(ctx, !r.validation().problems().isEmpty() ? 422 : dryRun ? 200 : 202, body);
    }

    private void settle(Context ctx, boolean resolve) {
        long id = ApiSupport.longPath(ctx, "id");
        ObjectNode in = ApiSupport.body(ctx);
        String reason = ApiSupport.text(in, "reason");
        DeadLetter d = resolve ? service.resolve(id, ApiRoutes.actor(ctx), reason) : service.ignore(id, ApiRoutes.actor(ctx), reason);
        json(ctx, detail(d));
    }

    private void bulk(Context ctx) {
        ObjectNode in = ApiSupport.body(ctx);
        String action = ApiSupport.text(in, "action");
        DeadLetterService.BulkAction a = switch (action == null ? "" : action) {
            case "retry" -> DeadLetterService.BulkAction.RETRY;
            case "resolve" -> DeadLetterService.BulkAction.RESOLVE;
            case "ignore" -> DeadLetterService.BulkAction.IGNORE;
            default -> throw badRequest("action must be retry, resolve or ignore");
        };
        JsonNode filter = in.get("filter");
        if (filter == null || !filter.isObject() || filter.isEmpty()) {
            throw badRequest("give a filter (e.g. {\"flow\": \"clarity-order-to-salesforce\", \"code\": "
                    + "\"REQUIRED_FIELD_MISSING\"}); to act on every dead letter say so with {\"all\": true}");
        }
        DeadLetterQuery q = resolveSalesforceId(filter((ObjectNode) filter));
        // upTo: the newest id a dry run counted (its answer's upTo); the confirmation then changes only those.
        JsonNode upTo = in.get("upTo");
        if (upTo != null && !upTo.isNull() && !(upTo.canConvertToLong() && upTo.isIntegralNumber() && upTo.asLong() >= 1)) {
            throw badRequest("upTo must be a dead letter id (a whole number of 1 or more): the upTo of the dry run's answer");
        }
        DeadLetterService.BulkResult r = service.bulk(q, a, ApiSupport.bool(in, "dryRun", true), ApiRoutes.actor(ctx),
                ApiSupport.text(in, "reason"), upTo == null || upTo.isNull() ? 0 : upTo.asLong());
        ObjectNode body = JSON.createObjectNode();
        body.put("action", action);
        body.put("dryRun", r.dryRun());
        body.put("matched", r.matched());
        body.put("changed", r.changed());
        body.put("truncated", r.truncated());
        if (r.upTo() > 0) {
            body.put("upTo", r.upTo());
        }
        json(ctx, body);
    }

    /** A bulk filter: the list's parameters as JSON members (strings or arrays of strings). */
    static DeadLetterQuery filter(ObjectNode f) {
        Set<String> known = Set.of("flow", "step", "code", "class", "state", "key", "q", "from", "to", "all");
        f.fieldNames().forEachRemaining(n -> {
            if (!known.contains(n)) {
                throw badRequest("unknown filter member '" + ApiSupport.clip(n) + "'; known: " + known);
            }
        });
        try {
            return new DeadLetterQuery(strings(f, "flow"), strings(f, "step"), strings(f, "code"),
                    strings(f, "class").stream().map(ErrorClass::parse).collect(java.util.stream.Collectors.toSet()),
                    strings(f, "state").stream().map(DeadLetter.State::parse).collect(java.util.stream.Collectors.toSet()),
                    f.path("key").isTextual() ? f.get("key").asText() : null,
                    f.path("q").isTextual() ? f.get("q").asText() : null,
                    f.path("from").isTextual() ? java.time.Instant.parse(f.get("from").asText()) : null,
                    f.path("to").isTextual() ? java.time.Instant.parse(f.get("to").asText()) : null, 0, 1);
        } catch (java.time.format.DateTimeParseException e) {
            throw badRequest("from and to must be ISO-8601 instants");
        }
    }

    private static Set<String> strings(ObjectNode f, String member) {
        JsonNode n = f.get(member);
        Set<String> out = new java.util.LinkedHashSet<>();
        if (n == null || n.isNull()) {
            return out;
        }
        if (n.isTextual()) {
            out.add(n.asText());
        } else if (n.isArray()) {
            n.forEach(v -> {
                if (!v.isTextual()) {
                    throw badRequest("filter member " + member + " holds strings only");
                }
                out.add(v.asText());
            });
        } else {
            throw badRequest("filter member " + member + " is a string or an array of strings");
        }
        return out;
    }

    private void retries(Context ctx) {
        int limit = ApiSupport.limit(ctx, 500);
        String given = ctx.queryParam("flow");
        String flow = given == null || given.isBlank() ? null : given;
        List<PendingRetry> page = store.pendingRetries(flow, ApiSupport.cursor(ctx), limit);
        ObjectNode body = JSON.createObjectNode();
        ArrayNode items = body.putArray("items");
        page.forEach(r -> items.add(retry(r)));
        // The total of what was asked for: one flow's retries when filtered, all of them otherwise.
        body.put("total", flow == null ? store.pendingRetryCount() : store.pendingRetryCount(flow));
        if (page.size() == limit) {
            body.put("nextCursor", ApiSupport.cursor(page.getLast().eventOffset()));
        }
        json(ctx, body);
    }

    private void runRetry(Context ctx) {
        json(ctx, 202, retry(service.runRetryNow(offset(ctx), ctx.pathParam("flow"), ApiRoutes.actor(ctx))));
    }

    private void cancelRetry(Context ctx) {
        String reason = ctx.queryParam("reason");
        json(ctx, detail(service.cancelRetry(offset(ctx), ctx.pathParam("flow"), ApiRoutes.actor(ctx), reason)));
    }

    private static long offset(Context ctx) {
        return ApiSupport.longPath(ctx, "offset");
    }

    static ObjectNode retry(PendingRetry r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("flow", r.flow());
        n.put("eventOffset", r.eventOffset());
        n.put("attempts", r.attempts());
        n.put("dueAt", ApiSupport.time(r.dueAt()));
        n.put("lastError", r.lastError());
        return n;
    }

    static ObjectNode summary(DeadLetter d) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", d.id());
        n.put("state", d.state().id());
        n.put("flow", d.flow());
        n.put("step", d.step());
        n.put("entity", d.entity());
        n.put("entityKey", d.entityKey());
        n.put("errorCode", d.errorCode());
        n.put("errorClass", d.errorClass().id());
        n.put("errorMessage", d.errorMessage());
        n.put("occurrences", d.occurrences());
        n.put("attempts", d.attempts());
        n.put("eventOffset", d.eventOffset());
        n.put("createdAt", ApiSupport.time(d.createdAt()));
        n.put("updatedAt", ApiSupport.time(d.updatedAt()));
        return n;
    }

    static ObjectNode detail(DeadLetter d) {
        ObjectNode n = summary(d);
        n.put("flowVersion", d.flowVersion());
        n.put("recordKey", d.recordKey());
        ObjectNode response = n.putObject("response");
        response.put("status", d.httpStatus());
        response.put("errorCode", d.errorCode());
        response.put("message", d.errorMessage());
        ArrayNode fields = response.putArray("fields");
        d.fields().forEach(fields::add);
        n.set("source", parse(d.payload()));
        n.set("request", d.request() == null ? null : parse(d.request()));
        ArrayNode refs = n.putArray("relatedRecords");
        d.refs().forEach(refs::add);
        n.set("edit", d.edit() == null || d.edit().equals("{}") ? null : parse(d.edit()));
        n.put("resolution", d.resolution());
        return n;
    }

    static JsonNode parse(String text) {
        if (text == null) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JSON.getNodeFactory().textNode(text);
        }
    }
}
