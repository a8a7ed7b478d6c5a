package dev.tandem.server.alerts;

import dev.tandem.core.config.Durations;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;

/** Evaluates one rule's condition against the signals: one {@link Observation} per subject (a flow, a source, or all). */
final class Conditions {

    /** What an evaluation found about one subject. */
    enum Verdict {
        FIRING, OK,
        /** Not measurable now (no Salesforce call yet): the alert's state stays as it was. */
        UNKNOWN
    }

    /**
     * @param flow    the flow, or null
     * @param source  the source, or null
     * @param value   the measured value; null when {@code UNKNOWN}
     * @param since   when the condition started to hold, when the signals know it (paused since, silent since); null
     *                for "when the engine first saw it"
     * @param summary the human sentence of the alert
     */
    record Observation(String flow, String source, Verdict verdict, Double value, Instant since, String summary,
                       List<Alert.Link> links) {
        Observation {
            links = List.copyOf(links);
        }

        /** The key of the subject within its rule: {@code flow=x}, {@code source=y}, or empty for all. */
        String subjectKey() {
            return flow != null ? "flow=" + flow : source != null ? "source=" + source : "";
        }
    }

    private Conditions() {
    }

    static List<Observation> observe(AlertRule rule, AlertSignals signals, AlertLinks links, Instant now) {
        return switch (rule.condition()) {
            case DEAD_LETTERS -> perSubject(rule, signals).stream().map(f -> deadLetters(rule, signals, links, now, f)).toList();
            case ERROR_RATE -> perSubject(rule, signals).stream().map(f -> errorRate(rule, signals, links, now, f)).toList();
            case FLOW_PAUSED -> flowPaused(rule, signals, links);
            case AUTH_FAILURES -> List.of(authFailures(rule, signals, links, now));
            case SALESFORCE_API_USAGE -> List.of(apiUsage(rule, signals, links));
            case SOURCE_UNHEALTHY -> sources(rule, signals, links, now);
            case RETRY_QUEUE_AGE -> List.of(retryAge(rule, signals, links));
            case RECONCILE_DRIFT -> reconcileDrift(rule, signals, links);
        };
    }

    /** The summary of a subject that is no longer reported at all (a removed flow, a source that stopped). */
    static String gone(AlertRule rule, String subject) {
        return switch (rule.condition()) {
            case FLOW_PAUSED -> subject + " is no longer paused";
            default -> subject + " is no longer reported";
        };
    }

    /** The flows a deadLetters or errorRate rule looks at: one, each (perFlow), or all together (null). */
    private static List<String> perSubject(AlertRule rule, AlertSignals signals) {
        if (rule.flow() != null) {
            return List.of(rule.flow());
        }
        if (rule.perFlow()) {
            return List.copyOf(new TreeSet<>(signals.flows()));
        }
        List<String> all = new ArrayList<>();
        all.add(null);
        return all;
    }

    private static String where(String flow) {
        return flow == null ? "across all flows" : "in flow " + flow;
    }

    private static Observation deadLetters(AlertRule rule, AlertSignals signals, AlertLinks links, Instant now,
                                           String flow) {
        AlertSignals.DeadLetters d = signals.deadLetters(flow, now.minus(rule.window()));
        boolean firing = d.count() > rule.threshold();
        String summary = d.count() + " dead letter" + (d.count() == 1 ? "" : "s") + " " + where(flow) + " in the last "
                + Durations.format(rule.window()) + " (threshold " + AlertText.number(rule.threshold()) + ")";
        return new Observation(flow, null, firing ? Verdict.FIRING : Verdict.OK, (double) d.count(), null, summary,
                links.deadLetters(flow, d.newestIds().stream().limit(5).toList()));
    }

    private static Observation errorRate(AlertRule rule, AlertSignals signals, AlertLinks links, Instant now,
                                         String flow) {
        AlertSignals.Throughput t = signals.throughput(flow, now.minus(rule.window()));
        double rate = t.processed() == 0 ? 0 : 100.0 * t.failed() / t.processed();
        boolean judged = t.processed() >= rule.minEvents();
        boolean firing = judged && rate > rule.threshold();
        String summary = AlertText.number(rate) + "% of " + t.processed() + " records failed " + where(flow)
                + " in the last " + Durations.format(rule.window()) + " (threshold "
                + AlertText.number(rule.threshold()) + "%" + (judged ? "" : ", judged from " + rule.minEvents()
                + " records") + ")";
        return new Observation(flow, null, firing ? Verdict.FIRING : Verdict.OK, rate, null, summary, links.flow(flow));
    }

    private static List<Observation> flowPaused(AlertRule rule, AlertSignals signals, AlertLinks links) {
        List<Observation> out = new ArrayList<>();
        for (AlertSignals.PausedFlow p : signals.pausedFlows()) {
            if (rule.flow() == null || rule.flow().equals(p.flow())) {
                out.add(new Observation(p.flow(), null, Verdict.FIRING, 1.0, p.since(), "flow " + p.flow()
                        + " is paused since " + AlertText.time(p.since()) + ": "
                        + AlertText.clean(p.reason(), AlertText.MAX_TEXT), links.flow(p.flow())));
            }
        }
        return out;
    }

    private static Observation authFailures(AlertRule rule, AlertSignals signals, AlertLinks links, Instant now) {
        long n = signals.authFailures(now.minus(rule.window()));
        String summary = n + " authentication failure" + (n == 1 ? "" : "s") + " in the last "
                + Durations.format(rule.window()) + " (threshold " + AlertText.number(rule.threshold()) + ")";
        return new Observation(null, null, n > rule.threshold() ? Verdict.FIRING : Verdict.OK, (double) n, null,
                summary, links.health());
    }

    private static Observation apiUsage(AlertRule rule, AlertSignals signals, AlertLinks links) {
        OptionalDouble usage = signals.salesforceApiUsagePercent();
        if (usage.isEmpty()) {
            return new Observation(null, null, Verdict.UNKNOWN, null, null,
                    "Salesforce daily API usage is not known yet", links.metrics());
        }
        double p = usage.getAsDouble();
        return new Observation(null, null, p > rule.threshold() ? Verdict.FIRING : Verdict.OK, p, null,
                "Salesforce daily API usage at " + AlertText.number(p) + "% (threshold "
                        + AlertText.number(rule.threshold()) + "%)", links.metrics());
    }

    private static List<Observation> sources(AlertRule rule, AlertSignals signals, AlertLinks links, Instant now) {
        List<Observation> out = new ArrayList<>();
        for (Map.Entry<String, AlertSignals.SourceState> e : new java.util.TreeMap<>(signals.sources()).entrySet()) {
            AlertSignals.SourceState s = e.getValue();
            Duration silent = Duration.between(s.lastActivity(), now);
            if (silent.isNegative()) {
                silent = Duration.ZERO;
            }
            String detail = s.detail().isBlank() ? "" : ": " + AlertText.clean(s.detail(), AlertText.MAX_TEXT);
            Observation o;
            if (s.health() == AlertSignals.Health.FAILING) {
                o = new Observation(null, e.getKey(), Verdict.FIRING, (double) silent.toSeconds(), null,
                        "source " + e.getKey() + " is failing" + detail, links.health());
            } else if (silent.compareTo(rule.silentFor()) > 0) {
                o = new Observation(null, e.getKey(), Verdict.FIRING, (double) silent.toSeconds(), s.lastActivity(),
                        "source " + e.getKey() + " has received nothing for " + Durations.format(
                                Duration.ofSeconds(silent.toSeconds())) + ", since " + AlertText.time(s.lastActivity())
                                + " (silentFor " + Durations.format(rule.silentFor()) + ")" + detail, links.health());
            } else {
                o = new Observation(null, e.getKey(), Verdict.OK, (double) silent.toSeconds(), null,
                        "source " + e.getKey() + " is healthy", links.health());
            }
            out.add(o);
        }
        return out;
    }

    private static Observation retryAge(AlertRule rule, AlertSignals signals, AlertLinks links) {
        Optional<Duration> age = signals.oldestRetryAge();
        if (age.isEmpty()) {
            return new Observation(null, null, Verdict.OK, 0.0, null, "the retry queue is empty", links.retries());
        }
        Duration a = Duration.ofSeconds(age.get().toSeconds());
        return new Observation(null, null, a.compareTo(rule.olderThan()) > 0 ? Verdict.FIRING : Verdict.OK,
                (double) a.toSeconds(), null, "the oldest record in the retry queue has waited " + Durations.format(a)
                + " (olderThan " + Durations.format(rule.olderThan()) + ")", links.retries());
    }

    private static List<Observation> reconcileDrift(AlertRule rule, AlertSignals signals, AlertLinks links) {
        List<Observation> out = new ArrayList<>();
        for (AlertSignals.Drift d : signals.reconcileDrift()) {
            double threshold = rule.threshold() != null ? rule.threshold() : d.threshold();
            if (d.drift() < 0) {
                out.add(new Observation(null, d.object(), Verdict.UNKNOWN, null, null, "the last reconciliation of "
                        + d.object() + " did not finish", links.health()));
                continue;
            }
            out.add(new Observation(null, d.object(), d.drift() > threshold ? Verdict.FIRING : Verdict.OK,
                    (double) d.drift(), null, "reconciliation of " + d.object() + " at " + AlertText.time(d.at())
                    + " found " + d.drift() + " drifted or missing record" + (d.drift() == 1 ? "" : "s")
                    + " (threshold " + AlertText.number(threshold) + "); tandem reconcile " + d.object()
                    + " --report FILE lists them", links.health()));
        }
        return out;
    }
}
