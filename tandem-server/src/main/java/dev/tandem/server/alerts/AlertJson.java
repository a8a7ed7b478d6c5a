package dev.tandem.server.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.config.Durations;

/**
 * Alerts, sent alerts and rules as JSON: the webhook channel's body, and the shapes for the admin API's views of the
 * history and the rules, so that both say the same and neither says more (no channel settings, no credentials).
 */
public final class AlertJson {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AlertJson() {
    }

    /** The alert as the webhook channel posts it (documented in docs/operations.md, "Alerts"). */
    public static ObjectNode alert(Alert a) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", a.id());
        o.put("rule", a.rule());
        o.put("condition", a.condition().configName());
        o.put("severity", a.severity().label());
        o.put("state", a.state().name());
        o.put("test", a.state() == Alert.State.TEST);
        o.put("flow", a.flow());
        o.put("source", a.source());
        if (a.value() == null) {
            o.putNull("value");
        } else {
            o.put("value", a.value());
        }
        if (a.threshold() == null) {
            o.putNull("threshold");
        } else {
            o.put("threshold", a.threshold());
        }
        o.put("unit", a.condition().unit());
        o.put("since", AlertText.time(a.since()));
        o.put("at", AlertText.time(a.at()));
        o.put("summary", a.summary());
        ArrayNode links = o.putArray("links");
        for (Alert.Link link : a.links()) {
            links.addObject().put("label", link.label()).put("url", link.url().toString());
        }
        return o;
    }

    /** An entry of the history: {@code {"alert": {...}, "delivered": bool, "deliveries": [{channel, delivered, detail}]}}. */
    public static ObjectNode sent(SentAlert s) {
        ObjectNode o = JSON.createObjectNode();
        o.set("alert", alert(s.alert()));
        o.put("delivered", s.delivered());
        ArrayNode deliveries = o.putArray("deliveries");
        for (Delivery d : s.deliveries()) {
            deliveries.addObject().put("channel", d.channel()).put("delivered", d.delivered()).put("detail", d.detail());
        }
        return o;
    }

    /** A rule as configured: name, condition, the keys that apply to it, severity, channel names. */
    public static ObjectNode rule(AlertRule r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("name", r.name());
        o.put("condition", r.condition().configName());
        o.put("severity", r.severity().label());
        o.put("describe", r.describe());
        if (r.threshold() != null) {
            o.put("threshold", r.threshold());
        }
        if (r.condition().keys().contains("window")) {
            o.put("window", Durations.format(r.window()));
        }
        if (r.flow() != null) {
            o.put("flow", r.flow());
        }
        if (r.condition().keys().contains("perFlow")) {
            o.put("perFlow", r.perFlow());
        }
        if (r.condition().keys().contains("minEvents")) {
            o.put("minEvents", r.minEvents());
        }
        if (r.condition() == Condition.SOURCE_UNHEALTHY) {
            o.put("silentFor", Durations.format(r.silentFor()));
        }
        if (r.olderThan() != null) {
            o.put("olderThan", Durations.format(r.olderThan()));
        }
        ArrayNode channels = o.putArray("channels");
        r.channels().forEach(channels::add);
        return o;
    }

    /**
     * The conditions a rule can watch, each with the keys beyond name, severity and channels that apply to it and
     * its unit, so a form (the console's Alerts page) offers only those.
     */
    public static ArrayNode conditions() {
        ArrayNode out = JSON.createArrayNode();
        for (Condition c : Condition.values()) {
            ObjectNode n = out.addObject();
            n.put("name", c.configName());
            n.put("unit", c.unit());
            n.put("thresholdRequired", c.hasThreshold());
            ArrayNode keys = n.putArray("keys");
            c.keys().stream().sorted().forEach(keys::add);
        }
        return out;
    }

    static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write an alert as JSON", e);
        }
    }
}
