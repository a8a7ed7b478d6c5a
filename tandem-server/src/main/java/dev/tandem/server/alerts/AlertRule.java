package dev.tandem.server.alerts;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Durations;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of {@code alerts.rules}: a condition, its threshold and window, which flows it looks at, where its alerts
 * go and how urgent they are.
 *
 * @param threshold the value above which the rule fires; null for the conditions without one
 * @param window    how far back counts reach (deadLetters, errorRate, authFailures)
 * @param flow      the one flow the rule looks at; null for all (together, or each with {@code perFlow})
 * @param perFlow   one alert per flow instead of one for all flows together
 * @param silentFor sourceUnhealthy: how long a source may receive nothing before it counts as unhealthy
 * @param olderThan retryQueueAge: the wait above which the rule fires; null for the other conditions
 * @param minEvents errorRate: fewer finished records in the window are not judged (one failure of one is not 100 %)
 * @param channels  names of {@code alerts.channels}, at least one
 */
public record AlertRule(String name, Condition condition, Severity severity, Double threshold, Duration window,
                        String flow, boolean perFlow, Duration silentFor, Duration olderThan, int minEvents,
                        List<String> channels) {

    /** The keys of one entry of {@code alerts.rules}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<String> NAME = SPEC.required("name", Type.STRING,
            Validator.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}", "",
                    "must be letters, digits, `.`, `_` or `-` (at most 64)"),
            "the rule's name, unique: in alert bodies, the history and `tandem alerts test --rule NAME`");
    private static final ConfigSpec.Key<Condition> CONDITION = SPEC.required("condition", Condition.TYPE,
            "what the rule watches (see [operations.md](operations.md#alerts))");
    private static final ConfigSpec.Key<Double> THRESHOLD = SPEC.optional("threshold", Type.NUMBER,
            "required for deadLetters, errorRate, authFailures, salesforceApiUsage", Validator.atLeast(0),
            "the rule fires when the value is above it: a count, or a percentage (errorRate, salesforceApiUsage)");
    private static final ConfigSpec.Key<Duration> WINDOW = SPEC.define("window", Type.DURATION, Duration.ofMinutes(15),
            Validator.positive(), "deadLetters, errorRate, authFailures: how far back they count");
    private static final ConfigSpec.Key<String> FLOW = SPEC.optional("flow", Type.STRING, "all flows",
            "deadLetters, errorRate, flowPaused: only this flow id");
    private static final ConfigSpec.Key<Boolean> PER_FLOW = SPEC.define("perFlow", Type.BOOLEAN, false,
            "deadLetters, errorRate: one alert per flow (each fires, repeats and resolves alone) instead of one "
                    + "for all flows together");
    private static final ConfigSpec.Key<Duration> SILENT_FOR = SPEC.define("silentFor", Type.DURATION,
            Duration.ofMinutes(30), Validator.positive(),
            "sourceUnhealthy: a source that received nothing for this long is unhealthy, as is one that fails");
    private static final ConfigSpec.Key<Duration> OLDER_THAN = SPEC.optional("olderThan", Type.DURATION,
            "required for retryQueueAge", Validator.positive(),
            "retryQueueAge: fires when the record waiting longest for a retry has waited longer");
    private static final ConfigSpec.Key<Integer> MIN_EVENTS = SPEC.define("minEvents", Type.INT, 10,
            Validator.between(1, 1_000_000), "errorRate: fewer finished records in the window are not judged");
    private static final ConfigSpec.Key<Severity> SEVERITY = SPEC.define("severity", Type.oneOf(Severity.class),
            Severity.WARNING, "in the alert, for the receiver to route on");
    private static final ConfigSpec.Key<List<String>> CHANNELS = SPEC.required("channels", Type.listOf(Type.STRING),
            "names of `alerts.channels` the rule's alerts go to");

    /** The keys only some conditions use, by name (see {@link Condition#keys()}). */
    private static final Map<String, ConfigSpec.Key<?>> CONDITIONAL = Map.of("threshold", THRESHOLD, "window", WINDOW,
            "flow", FLOW, "perFlow", PER_FLOW, "silentFor", SILENT_FOR, "olderThan", OLDER_THAN,
            "minEvents", MIN_EVENTS);

    public AlertRule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(condition, "condition");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(silentFor, "silentFor");
        channels = List.copyOf(channels);
        if (channels.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + " needs at least one channel");
        }
        if (condition.hasThreshold() && threshold == null) {
            throw new IllegalArgumentException("rule " + name + " (" + condition.configName() + ") needs a threshold");
        }
        if (condition == Condition.RETRY_QUEUE_AGE && olderThan == null) {
            throw new IllegalArgumentException("rule " + name + " (retryQueueAge) needs olderThan");
        }
    }

    /**
     * One rule as written, checked against the channels that exist.
     *
     * @throws dev.tandem.core.config.ConfigException naming the key, e.g. {@code alerts.rules[1].channels}
     */
    /**
     * A rule given as JSON through the admin API, in the shape of a tandem.yaml rule, checked the same way.
     *
     * @throws dev.tandem.core.config.ConfigException naming the member
     */
    public static AlertRule parse(com.fasterxml.jackson.databind.JsonNode rule, Set<String> channelNames) {
        return from(SPEC.parse(rule, "rule"), channelNames);
    }

    static AlertRule from(Config c, Set<String> channelNames) {
        Condition condition = c.get(CONDITION);
        for (Map.Entry<String, ConfigSpec.Key<?>> key : CONDITIONAL.entrySet()) {
            if (c.isSet(key.getValue()) && !condition.keys().contains(key.getKey())) {
                throw c.invalid(key.getValue(), "does not apply to condition " + condition.configName()
                        + (condition.keys().isEmpty() ? "" : " (it takes " + String.join(", ",
                        condition.keys().stream().sorted().toList()) + ")"));
            }
        }
        Double threshold = c.get(THRESHOLD);
        if (condition.hasThreshold() && threshold == null) {
            throw c.invalid(THRESHOLD, "is required for condition " + condition.configName());
        }
        if (threshold != null && condition.unit().equals("percent") && threshold > 100) {
            throw c.invalid(THRESHOLD, "is a percentage for condition " + condition.configName()
                    + " and must be between 0 and 100, got " + AlertText.number(threshold));
        }
        if (condition == Condition.RETRY_QUEUE_AGE && c.get(OLDER_THAN) == null) {
            throw c.invalid(OLDER_THAN, "is required for condition retryQueueAge");
        }
        if (c.get(FLOW) != null && c.get(FLOW).isBlank()) {
            throw c.invalid(FLOW, "must name a flow id (leave it out for all flows)");
        }
        if (c.get(FLOW) != null && c.get(PER_FLOW)) {
            throw c.invalid(PER_FLOW, "cannot be combined with flow (a rule for one flow is per flow already)");
        }
        List<String> channels = c.get(CHANNELS);
        if (channels.isEmpty()) {
            throw c.invalid(CHANNELS, "must name at least one channel");
        }
        List<String> seen = new ArrayList<>();
        for (String channel : channels) {
            if (!channelNames.contains(channel)) {
                throw c.invalid(CHANNELS, "names the channel '" + channel + "', which alerts.channels does not define"
                        + (channelNames.isEmpty() ? " (it defines none)"
                        : " (it defines " + String.join(", ", channelNames.stream().sorted().toList()) + ")"));
            }
            if (seen.contains(channel)) {
                throw c.invalid(CHANNELS, "names the channel '" + channel + "' twice");
            }
            seen.add(channel);
        }
        return c.build(() -> new AlertRule(c.get(NAME), condition, c.get(SEVERITY), threshold, c.get(WINDOW),
                c.get(FLOW), c.get(PER_FLOW), c.get(SILENT_FOR), c.get(OLDER_THAN), c.get(MIN_EVENTS), channels));
    }

    /** The rule's name as written, for messages: {@code dead-letters (deadLetters > 10 in 15m)}. */
    public String describe() {
        String what = switch (condition) {
            case DEAD_LETTERS, AUTH_FAILURES -> " > " + AlertText.number(threshold) + " in " + Durations.format(window);
            case ERROR_RATE -> " > " + AlertText.number(threshold) + "% in " + Durations.format(window);
            case SALESFORCE_API_USAGE -> " > " + AlertText.number(threshold) + "%";
            case FLOW_PAUSED -> "";
            case SOURCE_UNHEALTHY -> ", silent for " + Durations.format(silentFor);
            case RETRY_QUEUE_AGE -> " > " + Durations.format(olderThan);
            case RECONCILE_DRIFT -> threshold == null ? " > reconcile.alertThreshold" : " > " + AlertText.number(threshold);
        };
        return name + " (" + condition.configName() + what + (flow == null ? "" : ", flow " + flow)
                + (perFlow ? ", per flow" : "") + ")";
    }
}
