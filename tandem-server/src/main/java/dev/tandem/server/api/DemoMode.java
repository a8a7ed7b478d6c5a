package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.runtime.PausedFlow;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.AuditEntry;
import io.javalin.http.Context;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;

/**
 * The guided demo's part of the admin API. {@code GET /demo} exists on every server and says whether it runs as
 * {@code tandem demo} (with both sandboxes in its process), so the console shows its Demo page only then. The rest
 * exists only in demo mode — registered by {@link #enable}, which only {@code tandem demo} calls, and answered 404
 * by any other server, since there is no sandbox to act on:
 * <ul>
 *   <li>{@code GET /demo/activity?limit=25} (viewer): the newest events in the log, each with its direction
 *       (Clarity → Salesforce or back) and what became of it (synced, retrying, dead-lettered, skipped, pending),
 *       the flows paused by an outage and the retries due — the live picture of records moving;</li>
 *   <li>{@code POST /demo/actions/{action}} (operator): one of the {@link Actions}' actions on the sandboxes
 *       (create an order in Clarity, break Salesforce for a minute…); an unknown action is a 404 problem.</li>
 * </ul>
 * The sandboxes themselves stay out of this package: the demo hands in its {@link Actions}.
 */
public final class DemoMode {

    /** What the demo can do to its sandboxes, and what it shows of them. */
    public interface Actions {

        /** The actions by id (lower-case words joined by '-'), in the order the console offers them. */
        List<Action> list();

        /** What the demo shows of its sandboxes now: URLs, record counts, faults in force. */
        ObjectNode sandboxes();

        /**
         * Carries out {@code action} (one of {@link #list()}) with the request's query parameters; the answer says
         * what was done. Bad parameters are a {@link ProblemException}.
         */
        ObjectNode run(String action, Map<String, String> parameters);
    }

    /**
     * @param id          the path segment, e.g. {@code create-order}
     * @param label       the button's text
     * @param touchpoint  the use case it shows: customer360, orderToCash, productsInventory or errorHandling
     * @param description what happens, for the page
     */
    public record Action(String id, String label, String touchpoint, String description) {
    }

    /** Outcomes the page tells apart; the audit's settle decisions map onto them. */
    private static final int MAX_ACTIVITY = 100;
    private static final Pattern ACTION_ID = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final EventLog eventLog;
    private final StateStore store;
    private final FlowRuntime runtime;
    private volatile Actions actions;
    private volatile ApiRoutes routes;

    public DemoMode(EventLog eventLog, StateStore store, FlowRuntime runtime) {
        this.eventLog = eventLog;
        this.store = store;
        this.runtime = runtime;
    }

    /** Registers {@code GET /demo}, which every server answers. */
    public void register(ApiRoutes api) {
        this.routes = api;
        api.get("/demo", Role.VIEWER, guarded(this::show));
    }

    /** Demo mode on: registers the demo-only routes. Called once, by {@code tandem demo}. */
    public synchronized void enable(Actions demo) {
        Objects.requireNonNull(demo, "demo");
        if (actions != null) {
            throw new IllegalStateException("demo mode is on already");
        }
        if (routes == null) {
            throw new IllegalStateException("register(api) must run before demo mode is enabled");
        }
        routes.get("/demo/activity", Role.VIEWER, guarded(this::activity));
        routes.post("/demo/actions/{action}", Role.OPERATOR, guarded(this::act));
        this.actions = demo;
    }

    public boolean enabled() {
        return actions != null;
    }

    private void show(Context ctx) {
        Actions demo = actions;
        ObjectNode body = JSON.createObjectNode();
        body.put("enabled", demo != null);
        if (demo != null) {
            ArrayNode list = body.putArray("actions");
            for (Action a : demo.list()) {
                ObjectNode n = list.addObject();
                n.put("id", a.id());
                n.put("label", a.label());
                n.put("touchpoint", a.touchpoint());
                n.put("description", a.description());
            }
            body.set("sandboxes", demo.sandboxes());
        }
        json(ctx, body);
    }

    private void act(Context ctx) {
        String id = ctx.pathParam("action");
        Actions demo = actions;
        boolean known = ACTION_ID.matcher(id).matches() && demo.list().stream().anyMatch(a -> a.id().equals(id));
        if (!known) {
            throw ApiSupport.notFound("there is no demo action '" + ApiSupport.clip(id) + "'; the actions are "
                    + demo.list().stream().map(Action::id).toList());
        }
        byte[] body = ctx.bodyAsBytes();
        if (body.length > 0 && !new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()
                && !new String(body, java.nio.charset.StandardCharsets.UTF_8).strip().equals("{}")) {
            throw badRequest("demo actions take no body; their options are query parameters");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        ctx.queryParamMap().forEach((k, v) -> parameters.put(k, v.isEmpty() ? "" : v.get(0)));
        ObjectNode done = demo.run(id, parameters);
        done.put("action", id);
        AdminApi.describe(ctx, "demo action " + id);
        json(ctx, 200, done);
    }

    private void activity(Context ctx) {
        int limit = ApiSupport.limit(ctx, MAX_ACTIVITY);
        long end = eventLog.endOffset();
        List<LoggedEvent> events = new ArrayList<>(eventLog.readAfter(Math.max(0, end - limit), limit));
        java.util.Collections.reverse(events);
        Map<Long, List<AuditEntry>> audit = new LinkedHashMap<>();
        for (AuditEntry a : store.auditFor(events.stream().map(LoggedEvent::offset).toList())) {
            audit.computeIfAbsent(a.eventOffset(), o -> new ArrayList<>()).add(a);
        }
        Map<String, Long> committed = new LinkedHashMap<>();
        for (Flow f : runtime.flows()) {
            if (f.enabled()) {
                committed.put(f.name(), eventLog.committedOffset(FlowRuntime.consumer(f.name())));
            }
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode out = body.putArray("events");
        for (LoggedEvent e : events) {
            ObjectNode n = out.addObject();
            String source = e.event().source();
            n.put("offset", e.offset());
            n.put("source", source);
            n.put("direction", "salesforce".equals(source) ? "salesforce-to-clarity" : "clarity-to-salesforce");
            n.put("type", e.event().type());
            n.put("entity", e.event().entity());
            n.put("entityId", e.event().entityId());
            n.put("entityKey", e.event().entityKey());
            n.put("receivedAt", ApiSupport.time(e.receivedAt()));
            Map<String, AuditEntry> lastSettle = new LinkedHashMap<>();
            for (AuditEntry a : audit.getOrDefault(e.offset(), List.of())) {
                if ("settle".equals(a.step())) {
                    lastSettle.put(a.flow(), a);
                }
            }
            ArrayNode flows = n.putArray("flows");
            lastSettle.values().forEach(a -> {
                ObjectNode f = flows.addObject();
                f.put("flow", a.flow());
                f.put("decision", TimelineApi.decision(a));
                f.put("detail", a.detail());
                f.put("at", ApiSupport.time(a.at()));
            });
            boolean waiting = committed.values().stream().anyMatch(c -> c < e.offset());
            n.put("outcome", outcome(lastSettle.values(), waiting));
        }
        ArrayNode paused = body.putArray("pausedFlows");
        for (PausedFlow p : runtime.pausedFlows()) {
            ObjectNode n = paused.addObject();
            n.put("flow", p.flow());
            n.put("system", p.system());
            n.put("cause", p.cause().name());
            n.put("detail", p.detail());
            n.put("since", ApiSupport.time(p.since()));
        }
        body.put("retriesPending", store.pendingRetryCount());
        json(ctx, body);
    }

    /**
     * One word for the event: a retry or a dead letter in any flow wins over a success in another (that is what
     * the visitor is to see), a success over a skip; with no settlement yet it is pending while a flow has still to
     * read it, else no flow is for it.
     */
    static String outcome(java.util.Collection<AuditEntry> settled, boolean waiting) {
        List<String> outcomes = settled.stream().map(AuditEntry::outcome).toList();
        if (outcomes.contains("RETRY")) {
            return "retrying";
        }
        if (outcomes.contains("DEAD_LETTER")) {
            return "dead-lettered";
        }
        if (outcomes.contains("OK")) {
            return "synced";
        }
        if (!settled.isEmpty()) {
            return TimelineApi.decision(settled.iterator().next());
        }
        return waiting ? "pending" : "no flow";
    }
}
