package dev.tandem.server.alerts;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The links in alerts, under {@code alerts.publicUrl}: the admin API's views of what the alert is about. With no
 * {@code publicUrl} there are none (Tandem does not guess the address operators reach it at).
 */
final class AlertLinks {

    private final String base;

    /** @param publicUrl null for no links */
    AlertLinks(URI publicUrl) {
        this.base = publicUrl == null ? null : publicUrl.toString().replaceAll("/+$", "");
    }

    /** The dead letters of a flow (all flows for null), then each of the newest by id. */
    List<Alert.Link> deadLetters(String flow, List<String> newestIds) {
        List<Alert.Link> out = new ArrayList<>();
        add(out, "dead letters", "/api/v1/dead-letters" + (flow == null ? "" : "?flow=" + query(flow)));
        for (String id : newestIds) {
            add(out, "dead letter " + id, "/api/v1/dead-letters/" + segment(id));
        }
        return out;
    }

    /** A flow's status (errorRate, flowPaused). */
    List<Alert.Link> flow(String flow) {
        List<Alert.Link> out = new ArrayList<>();
        add(out, flow == null ? "flows" : "flow " + flow, flow == null ? "/api/v1/flows" : "/api/v1/flows/" + segment(flow));
        return out;
    }

    /** The retry queue. */
    List<Alert.Link> retries() {
        List<Alert.Link> out = new ArrayList<>();
        add(out, "retry queue", "/api/v1/retries");
        return out;
    }

    /** The health of the sources and connectors (authFailures, sourceUnhealthy). */
    List<Alert.Link> health() {
        List<Alert.Link> out = new ArrayList<>();
        add(out, "health", "/health");
        return out;
    }

    /** The metrics (salesforceApiUsage: {@code tandem_salesforce_api_usage_used}). */
    List<Alert.Link> metrics() {
        List<Alert.Link> out = new ArrayList<>();
        add(out, "metrics", "/metrics");
        return out;
    }

    private void add(List<Alert.Link> out, String label, String path) {
        if (base != null) {
            out.add(new Alert.Link(label, URI.create(base + path)));
        }
    }

    private static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
