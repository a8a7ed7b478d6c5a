package dev.tandem.server.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.server.alerts.AlertEngine;
import dev.tandem.server.alerts.AlertJson;
import dev.tandem.server.logging.LogLevels;
import io.javalin.http.Context;

import java.util.Optional;

import static dev.tandem.server.api.ApiSupport.JSON;
import static dev.tandem.server.api.ApiSupport.badRequest;
import static dev.tandem.server.api.ApiSupport.guarded;
import static dev.tandem.server.api.ApiSupport.json;
import static dev.tandem.server.api.ApiSupport.notFound;

/**
 * {@code /api/v1/alerts} (the rules in force, what fires now, what was sent, a test alert) and
 * {@code /api/v1/log-levels} (read and change a logger's level while Tandem runs, issue 9 item 7d).
 */
public final class AlertApi {

    private final Optional<AlertEngine> engine;
    private final LogLevels logLevels;
    private final dev.tandem.core.spi.AlertRuleStore store;
    private final java.time.Clock clock;

    public AlertApi(Optional<AlertEngine> engine, LogLevels logLevels, dev.tandem.core.spi.AlertRuleStore store,
                    java.time.Clock clock) {
        this.engine = engine;
        this.logLevels = logLevels;
        this.store = store;
        this.clock = clock;
    }

    /**
     * Adds the rules stored through the API to the engine at start; one that no longer fits (its channel left
     * tandem.yaml) is skipped with a warning, and stays stored until deleted.
     */
    public static void loadStoredRules(AlertEngine engine, dev.tandem.core.spi.AlertRuleStore store) {
        for (dev.tandem.core.spi.AlertRuleStore.StoredRule r : store.alertRules()) {
            try {
                engine.addRule(dev.tandem.server.alerts.AlertRule.parse(JSON.readTree(r.definition()), engine.channelNames()));
            } catch (java.io.IOException | RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(AlertApi.class).warn("Alert rule {} (added by {} through the admin "
                        + "API) is not evaluated: {}", r.name(), r.createdBy(), e.getMessage());
            }
        }
    }

    public void register(ApiRoutes routes) {
        routes.get("/alerts/rules", Role.VIEWER, guarded(ctx -> {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            engine.ifPresent(e -> e.rules().forEach(r -> items.add(AlertJson.rule(r)
                    .put("source", e.addedThroughApi(r.name()) ? "api" : "config"))));
            body.put("enabled", engine.isPresent());
            // What a new rule may use: the channels of tandem.yaml (by name only) and the conditions with their keys.
            ArrayNode channels = body.putArray("channels");
            engine.ifPresent(e -> e.channelNames().stream().sorted().forEach(channels::add));
            body.set("conditions", AlertJson.conditions());
            json(ctx, body);
        }));
        routes.get("/alerts/firing", Role.VIEWER, guarded(ctx -> {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            engine.ifPresent(e -> e.firing().forEach(f -> {
                ObjectNode n = items.addObject();
                n.put("rule", f.rule());
                n.put("flow", f.flow());
                n.put("source", f.source());
                n.put("since", ApiSupport.time(f.since()));
                n.put("lastSent", ApiSupport.time(f.lastSent()));
                n.put("summary", f.summary());
            }));
            json(ctx, body);
        }));
        routes.get("/alerts/history", Role.VIEWER, guarded(ctx -> {
            int limit = ApiSupport.limit(ctx, 500);
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            engine.ifPresent(e -> e.history().stream().limit(limit).forEach(s -> items.add(AlertJson.sent(s))));
            json(ctx, body);
        }));
        routes.post("/alerts/test", Role.OPERATOR, guarded(this::test));
        routes.post("/alerts/rules", Role.ADMIN, guarded(this::addRule));
        routes.put("/alerts/rules/{name}", Role.ADMIN, guarded(this::replaceRule));
        routes.delete("/alerts/rules/{name}", Role.ADMIN, guarded(this::deleteRule));
        routes.get("/log-levels", Role.VIEWER, guarded(ctx -> {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            logLevels.list().forEach(l -> items.add(level(l)));
            json(ctx, body);
        }));
        routes.put("/log-levels/{logger}", Role.ADMIN, guarded(ctx -> {
            String level = ApiSupport.text(ApiSupport.body(ctx), "level");
            if (level == null) {
                throw badRequest("give the level as {\"level\": \"DEBUG\"} (TRACE, DEBUG, INFO, WARN, ERROR, OFF)");
            }
            json(ctx, level(logLevels.set(logger(ctx), level)));
        }));
        routes.delete("/log-levels/{logger}", Role.ADMIN, guarded(ctx -> json(ctx, level(logLevels.reset(logger(ctx))))));
    }

    /** A rule in the shape of a tandem.yaml rule; checked as one, kept in the store, evaluated from now on. */
    private void addRule(Context ctx) {
        AlertEngine e = engine.orElseThrow(() -> new ProblemException(dev.tandem.server.http.Problem.of(409,
                "conflict", "Conflict with the current state", "alerting has no channels: define alerts.channels in "
                        + "tandem.yaml first (rules send to channels by name)")));
        ObjectNode rule = ApiSupport.body(ctx);
        dev.tandem.server.alerts.AlertRule parsed;
        try {
            parsed = dev.tandem.server.alerts.AlertRule.parse(rule, e.channelNames());
        } catch (dev.tandem.core.config.ConfigException invalid) {
            throw new ProblemException(dev.tandem.server.http.Problem.of(422, "invalid_request",
                    "The request cannot be carried out", invalid.getMessage()));
        }
        try {
            e.addRule(parsed);
        } catch (IllegalStateException clash) {
            throw new ProblemException(dev.tandem.server.http.Problem.of(409, "conflict",
                    "Conflict with the current state", clash.getMessage()));
        }
        store.saveAlertRule(new dev.tandem.core.spi.AlertRuleStore.StoredRule(parsed.name(), rule.toString(),
                ApiRoutes.actor(ctx), clock.instant()));
        json(ctx, 201, AlertJson.rule(parsed).put("source", "api"));
    }

    /**
     * A rule added through the API, changed: the body is the whole rule (as for POST); its name, when given, must be
     * the path's. A tandem.yaml rule is changed in the file (409); an unknown name is 404 (create it with POST).
     */
    private void replaceRule(Context ctx) {
        String name = ctx.pathParam("name");
        AlertEngine e = engineForApiRule(name);
        if (!e.addedThroughApi(name)) {
            throw notFound("no alert rule '" + ApiSupport.clip(name) + "' added through the API (create it with POST "
                    + "/api/v1/alerts/rules)");
        }
        ObjectNode rule = ApiSupport.body(ctx);
        if (rule.has("name") && !name.equals(rule.path("name").asText(null))) {
            throw badRequest("the rule's name cannot change: the body says '" + ApiSupport.clip(rule.path("name").asText())
                    + "', the path '" + ApiSupport.clip(name) + "' (delete it and create a new one to rename it)");
        }
        rule.put("name", name);
        dev.tandem.server.alerts.AlertRule parsed;
        try {
            parsed = dev.tandem.server.alerts.AlertRule.parse(rule, e.channelNames());
        } catch (dev.tandem.core.config.ConfigException invalid) {
            throw new ProblemException(dev.tandem.server.http.Problem.of(422, "invalid_request",
                    "The request cannot be carried out", invalid.getMessage()));
        }
        if (!e.replaceRule(parsed)) {
            throw notFound("no alert rule '" + ApiSupport.clip(name) + "' added through the API");
        }
        store.saveAlertRule(new dev.tandem.core.spi.AlertRuleStore.StoredRule(parsed.name(), rule.toString(),
                ApiRoutes.actor(ctx), clock.instant()));
        json(ctx, AlertJson.rule(parsed).put("source", "api"));
    }

    /** The engine, for a change of rule {@code name}: 404 without alerting, 409 when tandem.yaml defines the rule. */
    private AlertEngine engineForApiRule(String name) {
        AlertEngine e = engine.orElseThrow(() -> notFound("no alert rule '" + ApiSupport.clip(name) + "'"));
        if (e.rules().stream().anyMatch(r -> r.name().equals(name)) && !e.addedThroughApi(name)) {
            throw new ProblemException(dev.tandem.server.http.Problem.of(409, "conflict",
                    "Conflict with the current state", "rule '" + ApiSupport.clip(name)
                            + "' is defined in tandem.yaml; change it there"));
        }
        return e;
    }

    private void deleteRule(Context ctx) {
        String name = ctx.pathParam("name");
        AlertEngine e = engineForApiRule(name);
        if (!e.removeRule(name)) {
            throw notFound("no alert rule '" + ApiSupport.clip(name) + "' added through the API");
        }
        store.deleteAlertRule(name);
        ObjectNode body = JSON.createObjectNode();
        body.put("deleted", name);
        json(ctx, body);
    }

    private void test(Context ctx) {
        String rule = ApiSupport.text(ApiSupport.body(ctx), "rule");
        if (rule == null || rule.isBlank()) {
            throw badRequest("give the rule as {\"rule\": \"dead-letters\"}");
        }
        AlertEngine e = engine.orElseThrow(() -> notFound("no alert rules are configured (alerts.rules in tandem.yaml)"));
        try {
            json(ctx, AlertJson.sent(e.test(rule)));
        } catch (IllegalArgumentException unknown) {
            throw notFound("no alert rule '" + ApiSupport.clip(rule) + "'");
        }
    }

    private static String logger(Context ctx) {
        String name = ctx.pathParam("logger");
        if (name.length() > 200 || !name.matches("[A-Za-z0-9_.$-]+")) {
            throw badRequest("a logger name is a dotted Java name such as dev.tandem.core.runtime, or ROOT");
        }
        return name;
    }

    private static ObjectNode level(LogLevels.LoggerLevel l) {
        ObjectNode n = JSON.createObjectNode();
        n.put("logger", l.name());
        n.put("configured", l.configured().orElse(null));
        n.put("effective", l.effective());
        return n;
    }
}
