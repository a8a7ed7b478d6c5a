package dev.tandem.server.alerts;

import dev.tandem.core.config.Durations;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How an alert reads as text: the subject line and the plain-text body the e-mail and Slack channels share. */
final class AlertText {

    /** Longest summary or reason kept: an alert is a pointer, not a report. */
    static final int MAX_TEXT = 500;

    private AlertText() {
    }

    /** {@code 12}, {@code 37.5}, {@code 0.25}: whole numbers without a fraction, others to two places at most. */
    static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.valueOf((long) value);
        }
        return String.format(Locale.ROOT, "%.2f", value).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /** The value in its condition's unit: {@code 12}, {@code 37.5%}, {@code 47m}. */
    static String value(Condition condition, double value) {
        return switch (condition.unit()) {
            case "percent" -> number(value) + "%";
            case "seconds" -> Durations.format(Duration.ofSeconds((long) value));
            case "paused" -> value > 0 ? "paused" : "running";
            default -> number(value);
        };
    }

    /** The time to the second, ISO-8601 in UTC ({@code 2026-12-02T03:04:05Z}). */
    static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** One line of at most {@code max} characters, control characters (line breaks too) replaced by spaces. */
    static String clean(String text, int max) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), max));
        text.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? ' ' : c));
        String one = out.toString().strip();
        return one.length() <= max ? one : one.substring(0, max - 1) + "…";
    }

    /** {@code [Tandem] FIRING warning dead-letters: 12 dead letters in flow ...}, for a mail subject or a header. */
    static String title(Alert a) {
        String head = switch (a.state()) {
            case TEST -> "[Tandem] TEST " + a.rule() + ": a test alert, nothing is wrong";
            case FIRING -> "[Tandem] FIRING " + a.severity().label() + " " + a.rule() + ": " + a.summary();
            case RESOLVED -> "[Tandem] RESOLVED " + a.rule() + ": " + a.summary();
        };
        return clean(head, 200);
    }

    /** The fields of the alert as label → text, in reading order (the body's table, Slack's fields). */
    static List<String[]> fields(Alert a) {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {"rule", a.rule() + " (" + a.condition().configName() + ")"});
        out.add(new String[] {"severity", a.severity().label()});
        out.add(new String[] {"state", a.state().name()});
        if (a.flow() != null) {
            out.add(new String[] {"flow", a.flow()});
        }
        if (a.source() != null) {
            out.add(new String[] {"source", a.source()});
        }
        if (a.value() != null) {
            out.add(new String[] {"value", value(a.condition(), a.value())
                    + (a.threshold() == null ? "" : " (threshold " + value(a.condition(), a.threshold()) + ")")});
        } else if (a.threshold() != null) {
            out.add(new String[] {"threshold", value(a.condition(), a.threshold())});
        }
        out.add(new String[] {a.state() == Alert.State.TEST ? "sent" : "since", time(a.since())});
        out.add(new String[] {"alert id", a.id()});
        return out;
    }

    /** The plain-text body: the summary, the fields, the links. */
    static String body(Alert a) {
        StringBuilder out = new StringBuilder();
        if (a.state() == Alert.State.TEST) {
            out.append("TEST ALERT: nothing is wrong. `tandem alerts test` sent this to check the channels of rule ")
                    .append(a.rule()).append(".\n\n");
        }
        out.append(a.state().name()).append(": ").append(a.summary()).append("\n\n");
        for (String[] field : fields(a)) {
            out.append(String.format(Locale.ROOT, "%-10s %s%n", field[0] + ":", field[1]));
        }
        if (!a.links().isEmpty()) {
            out.append('\n');
            for (Alert.Link link : a.links()) {
                out.append(link.label()).append(": ").append(link.url()).append('\n');
            }
        }
        out.append("\n-- Tandem alerting (alerts.rules in tandem.yaml)\n");
        return out.toString();
    }
}
