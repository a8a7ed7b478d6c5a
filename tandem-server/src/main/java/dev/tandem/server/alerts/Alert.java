package dev.tandem.server.alerts;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One notification: a rule firing, resolved, or a test. It holds what an operator needs to act (what, where, how
 * much, since when, where to look) and nothing a receiver must not see: no payloads, no field values, no
 * credentials; a dead letter appears as its id and a link.
 *
 * @param id        unique per notification
 * @param flow      the flow the alert is about; null when it is about all flows or none
 * @param source    the ingest source it is about (sourceUnhealthy); null otherwise
 * @param value     the measured value (in the condition's {@link Condition#unit()}); null for a test or a
 *                  resolution without a measurement (the flow is gone)
 * @param threshold the rule's threshold in the same unit; null for conditions without one
 * @param since     when the condition started to hold (FIRING, RESOLVED), or the time of the test
 * @param at        when this notification was made
 * @param summary   one human sentence, e.g. {@code 12 dead letters in flow order-to-salesforce in the last 15m (threshold 10)}
 */
public record Alert(String id, String rule, Condition condition, Severity severity, State state, String flow,
                    String source, Double value, Double threshold, Instant since, Instant at, String summary,
                    List<Link> links) {

    /** What the notification says about the rule. */
    public enum State {
        /** The condition holds (sent when it starts to, then every {@code repeatEvery} while it does). */
        FIRING,
        /** The condition held and no longer does. */
        RESOLVED,
        /** Sent by {@code tandem alerts test}: nothing is wrong. */
        TEST
    }

    /** A place to look, e.g. {@code dead letters → <publicUrl>/api/v1/dead-letters?flow=...}. */
    public record Link(String label, URI url) {
        public Link {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(url, "url");
        }
    }

    public Alert {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(summary, "summary");
        links = List.copyOf(links);
    }

    /** What the alert is about: {@code flow order-to-salesforce}, {@code source clarityPoll}, or {@code all flows}. */
    public String subject() {
        if (flow != null) {
            return "flow " + flow;
        }
        return source != null ? "source " + source : "all flows";
    }

    /** The same alert with another summary (e.g. with credentials taken out). */
    Alert withSummary(String text) {
        return new Alert(id, rule, condition, severity, state, flow, source, value, threshold, since, at, text, links);
    }
}
