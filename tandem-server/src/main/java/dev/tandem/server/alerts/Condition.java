package dev.tandem.server.alerts;

import dev.tandem.core.config.Type;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What an alert rule watches, with the rule keys that apply to it (a key written for another condition is an error). */
public enum Condition {
    /** More than {@code threshold} dead letters in {@code window}, for one flow, each flow, or all together. */
    DEAD_LETTERS("deadLetters", "count", Set.of("threshold", "window", "flow", "perFlow")),
    /** More than {@code threshold} % of the records finished in {@code window} failed (with at least {@code minEvents}). */
    ERROR_RATE("errorRate", "percent", Set.of("threshold", "window", "flow", "perFlow", "minEvents")),
    /** A flow is paused (an open circuit breaker, an operator); one alert per paused flow. */
    FLOW_PAUSED("flowPaused", "paused", Set.of("flow")),
    /** More than {@code threshold} authentication failures in {@code window}. */
    AUTH_FAILURES("authFailures", "count", Set.of("threshold", "window")),
    /** Salesforce's daily API requests used above {@code threshold} %. */
    SALESFORCE_API_USAGE("salesforceApiUsage", "percent", Set.of("threshold")),
    /** An ingest source is failing, or has been silent for longer than {@code silentFor}; one alert per source. */
    SOURCE_UNHEALTHY("sourceUnhealthy", "seconds", Set.of("silentFor")),
    /** The record waiting longest for a retry has waited longer than {@code olderThan}. */
    RETRY_QUEUE_AGE("retryQueueAge", "seconds", Set.of("olderThan")),
    /**
     * The last reconciliation of an object (scheduled, or through the admin API) found more than {@code threshold}
     * drifted or missing records (default: {@code reconcile.alertThreshold}); one alert per object.
     */
    RECONCILE_DRIFT("reconcileDrift", "count", Set.of("threshold"));

    /** The condition as tandem.yaml writes it: {@code deadLetters}, ... (case does not matter when read). */
    public static final Type<Condition> TYPE = Type.scalar(
            Arrays.stream(values()).map(c -> "`" + c.configName + "`").collect(Collectors.joining(" | ")),
            Condition::parse, Condition::configName);

    private final String configName;
    private final String unit;
    private final Set<String> keys;

    Condition(String configName, String unit, Set<String> keys) {
        this.configName = configName;
        this.unit = unit;
        this.keys = keys;
    }

    public String configName() {
        return configName;
    }

    /** What the measured value counts: {@code count}, {@code percent}, {@code seconds} or {@code paused}. */
    public String unit() {
        return unit;
    }

    /** The rule keys beyond name, condition, severity and channels that apply to this condition. */
    Set<String> keys() {
        return keys;
    }

    /** Whether the rule needs a {@code threshold}. */
    boolean hasThreshold() {
        return keys.contains("threshold") && this != RECONCILE_DRIFT;
    }

    private static Condition parse(String text) {
        for (Condition c : values()) {
            if (c.configName.equalsIgnoreCase(text.strip())) {
                return c;
            }
        }
        List<String> names = Arrays.stream(values()).map(Condition::configName).toList();
        throw new IllegalArgumentException("must be one of " + String.join(", ", names) + ", got '"
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
    }
}
