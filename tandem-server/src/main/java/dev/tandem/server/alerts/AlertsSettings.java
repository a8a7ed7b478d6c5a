package dev.tandem.server.alerts;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The {@code alerts} section of tandem.yaml: rules, the channels they send to, how often they are evaluated and
 * repeated.
 *
 * @param publicUrl     where operators reach Tandem, for the links in alerts; null for alerts without links
 * @param evaluateEvery how often every rule is evaluated
 * @param repeatEvery   how often an alert that keeps firing is sent again
 * @param historySize   how many sent alerts {@link AlertEngine#history()} keeps
 * @param channels      by name, in file order
 * @param rules         in file order
 */
public record AlertsSettings(URI publicUrl, Duration evaluateEvery, Duration repeatEvery, int historySize,
                             Map<String, ChannelSettings> channels, List<AlertRule> rules) {

    public static final Duration DEFAULT_EVALUATE_EVERY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_REPEAT_EVERY = Duration.ofHours(1);
    public static final int DEFAULT_HISTORY_SIZE = 200;

    private static final Pattern CHANNEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** The keys of {@code alerts}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<URI> PUBLIC_URL = SPEC.optional("publicUrl", Type.URL, "no links",
            "where operators reach Tandem (e.g. behind a proxy); alerts link to `<publicUrl>/api/v1/dead-letters?flow=…`"
                    + " and the like");
    private static final ConfigSpec.Key<Duration> EVALUATE_EVERY = SPEC.define("evaluateEvery", Type.DURATION,
            DEFAULT_EVALUATE_EVERY, Validator.positive(), "how often every rule is evaluated");
    private static final ConfigSpec.Key<Duration> REPEAT_EVERY = SPEC.define("repeatEvery", Type.DURATION,
            DEFAULT_REPEAT_EVERY, Validator.positive(),
            "an alert that keeps firing is sent again at most this often (per rule and flow); a new firing after it "
                    + "resolved is sent at once");
    private static final ConfigSpec.Key<Integer> HISTORY_SIZE = SPEC.define("historySize", Type.INT,
            DEFAULT_HISTORY_SIZE, Validator.between(1, 10_000),
            "sent alerts kept in memory, with each channel's delivery result, for the admin API");
    private static final ConfigSpec.Key<Map<String, Config>> CHANNELS = SPEC.define("channels",
            Type.mapOf("channel name", Type.section(ChannelSettings.SPEC)), Map.of(),
            "where alerts go, by name (letters, digits, `.`, `_`, `-`)");
    private static final ConfigSpec.Key<List<Config>> RULES = SPEC.define("rules",
            Type.listOf(Type.section(AlertRule.SPEC)), List.of(),
            "the alert rules; none: no alerts are evaluated");

    public AlertsSettings {
        channels = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(channels));
        rules = List.copyOf(rules);
    }

    /** No rules, no channels: alerting off. */
    public static AlertsSettings none() {
        return new AlertsSettings(null, DEFAULT_EVALUATE_EVERY, DEFAULT_REPEAT_EVERY, DEFAULT_HISTORY_SIZE, Map.of(),
                List.of());
    }

    /**
     * The section as written: channels first, then the rules checked against them.
     *
     * @throws dev.tandem.core.config.ConfigException naming the key
     */
    public static AlertsSettings from(Config c) {
        Map<String, ChannelSettings> channels = new LinkedHashMap<>();
        for (Map.Entry<String, Config> entry : c.get(CHANNELS).entrySet()) {
            if (!CHANNEL_NAME.matcher(entry.getKey()).matches()) {
                throw c.invalid(CHANNELS, "has a channel named '" + (entry.getKey().length() > 64
                        ? entry.getKey().substring(0, 64) + "…" : entry.getKey())
                        + "': names are letters, digits, `.`, `_` or `-` (at most 64)");
            }
            channels.put(entry.getKey(), ChannelSettings.from(entry.getKey(), entry.getValue()));
        }
        List<AlertRule> rules = new ArrayList<>();
        List<Config> written = c.get(RULES);
        for (int i = 0; i < written.size(); i++) {
            AlertRule rule = AlertRule.from(written.get(i), channels.keySet());
            for (int j = 0; j < rules.size(); j++) {
                if (rules.get(j).name().equals(rule.name())) {
                    throw new dev.tandem.core.config.ConfigException(written.get(i).path() + ".name '" + rule.name()
                            + "' is the name of " + written.get(j).path() + " already: rule names are unique");
                }
            }
            rules.add(rule);
        }
        return new AlertsSettings(c.get(PUBLIC_URL), c.get(EVALUATE_EVERY), c.get(REPEAT_EVERY), c.get(HISTORY_SIZE),
                channels, rules);
    }

    /** The rule of that name. */
    public java.util.Optional<AlertRule> rule(String name) {
        return rules.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
