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

    public AlertApi(Optional<AlertEngine> engine, LogLevels logLevels) {
        this.engine = engine;
        this.logLevels = logLevels;
    }

    public void register(ApiRoutes routes) {
        routes.get("/alerts/rules", Role.VIEWER, guarded(ctx -> {
            ObjectNode body = JSON.createObjectNode();
            ArrayNode items = body.putArray("items");
            engine.ifPresent(e -> e.rules().forEach(r -> items.add(AlertJson.rule(r))));
            body.put("enabled", engine.isPresent());
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
