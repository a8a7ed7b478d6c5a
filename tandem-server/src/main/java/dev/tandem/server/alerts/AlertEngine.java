package dev.tandem.server.alerts;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Evaluates the alert rules every {@code alerts.evaluateEvery} and notifies their channels. Per rule and subject
 * (a flow, a source, or all flows) it keeps whether the alert is firing:
 * <ul>
 *   <li>a condition that starts to hold is sent at once (FIRING);</li>
 *   <li>while it keeps holding it is sent again at most every {@code alerts.repeatEvery} (de-duplication and
 *       throttling: one alert per rule and subject per interval, whatever the evaluation rate);</li>
 *   <li>when it stops holding, or its subject disappears, a RESOLVED message is sent at once and the state is
 *       forgotten, so a new firing is again sent at once.</li>
 * </ul>
 * A delivery that fails is recorded and logged, not retried: a receiver that was down gets the alert again at the
 * next repeat while it keeps firing. A rule whose signals cannot be read keeps its alerts as they are.
 *
 * <p>The state lives in memory: after a restart, an alert still firing is sent again once (a receiver can
 * de-duplicate by {@code rule} + {@code flow}/{@code source}). Thread-safe.
 */
public final class AlertEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AlertEngine.class);

    /** A firing alert as the engine holds it. */
    public record Firing(String rule, String flow, String source, Instant since, Instant lastSent, String summary) {
    }

    private final AlertsSettings settings;
    private final AlertSignals signals;
    private final AlertNotifier notifier;
    private final Clock clock;
    private final Object lock = new Object();
    /** Rule name → subject key → firing state, for the rules in order. */
    private final Map<String, Map<String, Firing>> firing = new LinkedHashMap<>();
    /** Rule name → the message of its last logged evaluation failure, while it keeps failing. */
    private final Map<String, String> failingRules = new HashMap<>();
    private ScheduledExecutorService scheduler;
    /** The rules evaluated: tandem.yaml's, then those added through the admin API (in the order added). */
    private volatile List<AlertRule> rules;
    /** The names of the rules added through the admin API (the others come from tandem.yaml). */
    private final java.util.Set<String> added = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * @param notifier the channels; the engine closes it
     */
    public AlertEngine(AlertsSettings settings, AlertSignals signals, AlertNotifier notifier, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.signals = Objects.requireNonNull(signals, "signals");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.clock = Objects.requireNonNull(clock, "clock");
        settings.rules().forEach(r -> firing.put(r.name(), new LinkedHashMap<>()));
        this.rules = List.copyOf(settings.rules());
    }

    /**
     * Adds a rule defined through the admin API (checked against the channels as a tandem.yaml rule is). A name in
     * use is refused.
     */
    public void addRule(AlertRule rule) {
        synchronized (lock) {
            if (rules.stream().anyMatch(r -> r.name().equals(rule.name()))) {
                throw new IllegalStateException("an alert rule named '" + rule.name() + "' exists already");
            }
            List<AlertRule> next = new ArrayList<>(rules);
            next.add(rule);
            rules = List.copyOf(next);
            added.add(rule.name());
            firing.put(rule.name(), new LinkedHashMap<>());
        }
    }

    /**
     * Replaces a rule added through the admin API by {@code rule} (same name), keeping its place; what it was firing
     * starts over under the new definition. False when no rule of that name was added through the API.
     */
    public boolean replaceRule(AlertRule rule) {
        synchronized (lock) {
            if (!added.contains(rule.name())) {
                return false;
            }
            rules = rules.stream().map(r -> r.name().equals(rule.name()) ? rule : r).toList();
            firing.put(rule.name(), new LinkedHashMap<>());
            return true;
        }
    }

    /** Removes a rule added through the admin API; false when there is none of that name; tandem.yaml's stay. */
    public boolean removeRule(String name) {
        synchronized (lock) {
            if (!added.remove(name)) {
                return false;
            }
            rules = rules.stream().filter(r -> !r.name().equals(name)).toList();
            firing.remove(name);
            return true;
        }
    }

    /** Whether the rule came from the admin API (else from tandem.yaml). */
    public boolean addedThroughApi(String name) {
        return added.contains(name);
    }

    /** The channels rules may name. */
    public java.util.Set<String> channelNames() {
        return settings.channels().keySet();
    }

    /**
     * The engine for a server: built from tandem.yaml's {@code alerts} section, reading {@code signals}, on the
     * system clock; empty when no rule is configured. Call {@link #start()} on the result, {@link #close()} at shutdown.
     */
    public static Optional<AlertEngine> forServer(AlertsSettings settings, AlertSignals signals) {
        if (settings.rules().isEmpty() && settings.channels().isEmpty()) {
            return Optional.empty(); // nothing to evaluate and nowhere to send: rules can be added once channels exist
        }
        Clock clock = Clock.systemUTC();
        return Optional.of(new AlertEngine(settings, signals, AlertNotifier.fromSettings(settings, clock), clock));
    }

    /** Evaluates every {@code alerts.evaluateEvery} on a thread of its own, the first time after one interval. */
    public void start() {
        synchronized (lock) {
            if (scheduler != null) {
                throw new IllegalStateException("the alert engine is started already");
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tandem-alerts");
                t.setDaemon(true);
                return t;
            });
        }
        long every = settings.evaluateEvery().toMillis();
        scheduler.scheduleWithFixedDelay(this::evaluateSafely, every, every, TimeUnit.MILLISECONDS);
        log.info("Alerting: {} rule(s) evaluated every {}, to {} channel(s)", rules.size(),
                dev.tandem.core.config.Durations.format(settings.evaluateEvery()), settings.channels().size());
    }

    private void evaluateSafely() {
        try {
            evaluateNow();
        } catch (RuntimeException e) { // an exception would end the schedule: log it and go on
            log.error("Alert evaluation failed", e);
        }
    }

    /** Evaluates every rule now and sends what is due; returns what was sent (for tests and the API). */
    public List<SentAlert> evaluateNow() {
        List<SentAlert> sent = new ArrayList<>();
        synchronized (lock) {
            Instant now = clock.instant();
            for (AlertRule rule : rules) {
                List<Conditions.Observation> observations;
                try {
                    observations = Conditions.observe(rule, signals, notifier.links(), now);
                } catch (RuntimeException e) {
                    String message = e.getClass().getSimpleName() + ": " + e.getMessage();
                    if (!message.equals(failingRules.put(rule.name(), message))) {
                        log.warn("Alert rule {} cannot be evaluated, its alerts stay as they are: {}", rule.name(),
                                message);
                    }
                    continue;
                }
                if (failingRules.remove(rule.name()) != null) {
                    log.info("Alert rule {} can be evaluated again", rule.name());
                }
                sent.addAll(apply(rule, observations, now));
            }
        }
        return sent;
    }

    private List<SentAlert> apply(AlertRule rule, List<Conditions.Observation> observations, Instant now) {
        Map<String, Firing> states = firing.get(rule.name());
        List<SentAlert> sent = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Duration repeat = settings.repeatEvery();
        for (Conditions.Observation o : observations) {
            String key = o.subjectKey();
            seen.add(key);
            Firing state = states.get(key);
            switch (o.verdict()) {
                case UNKNOWN -> {
                }
                case FIRING -> {
                    if (state == null || !now.isBefore(state.lastSent().plus(repeat))) {
                        Instant since = state != null ? state.since() : o.since() != null ? o.since() : now;
                        sent.add(notify(rule, Alert.State.FIRING, o.flow(), o.source(), o.value(), since, now,
                                o.summary(), o.links()));
                        states.put(key, new Firing(rule.name(), o.flow(), o.source(), since, now, o.summary()));
                    }
                }
                case OK -> {
                    if (state != null) {
                        states.remove(key);
                        sent.add(notify(rule, Alert.State.RESOLVED, o.flow(), o.source(), o.value(), state.since(),
                                now, o.summary(), o.links()));
                    }
                }
            }
        }
        for (Iterator<Map.Entry<String, Firing>> it = states.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Firing> e = it.next();
            if (!seen.contains(e.getKey())) {
                it.remove();
                Firing f = e.getValue();
                String subject = f.flow() != null ? "flow " + f.flow() : f.source() != null ? "source " + f.source()
                        : "the condition";
                List<Alert.Link> links = f.flow() != null ? notifier.links().flow(f.flow()) : List.of();
                sent.add(notify(rule, Alert.State.RESOLVED, f.flow(), f.source(), null, f.since(), now,
                        Conditions.gone(rule, subject), links));
            }
        }
        return sent;
    }

    private SentAlert notify(AlertRule rule, Alert.State state, String flow, String source, Double value,
                             Instant since, Instant now, String summary, List<Alert.Link> links) {
        Alert alert = new Alert(UUID.randomUUID().toString(), rule.name(), rule.condition(), rule.severity(), state,
                flow, source, value, threshold(rule), since, now, AlertText.clean(summary, AlertText.MAX_TEXT), links);
        return notifier.send(alert, rule.channels());
    }

    /** A rule's threshold in its condition's unit (seconds for silentFor and olderThan); null when it has none. */
    static Double threshold(AlertRule rule) {
        return switch (rule.condition()) {
            case SOURCE_UNHEALTHY -> (double) rule.silentFor().toSeconds();
            case RETRY_QUEUE_AGE -> (double) rule.olderThan().toSeconds();
            case FLOW_PAUSED -> null;
            default -> rule.threshold();
        };
    }

    /** Sends a TEST alert of the rule to its channels, without touching the firing state. */
    public SentAlert test(String ruleName) {
        AlertRule rule = rules.stream().filter(r -> r.name().equals(ruleName)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no alert rule '" + ruleName + "' (rules: " + String.join(", ",
                        rules.stream().map(AlertRule::name).toList()) + ")"));
        return notifier.test(rule);
    }

    /** The rules: tandem.yaml's in file order, then those added through the admin API. */
    public List<AlertRule> rules() {
        return rules;
    }

    /** The alerts firing now, by rule in file order. */
    public List<Firing> firing() {
        synchronized (lock) {
            return firing.values().stream().flatMap(m -> m.values().stream()).toList();
        }
    }

    /** The alerts sent (FIRING, RESOLVED, TEST), newest first, with each channel's delivery; at most {@code alerts.historySize}. */
    public List<SentAlert> history() {
        return notifier.history();
    }

    /** Stops the schedule (waiting for a running evaluation) and closes the channels. */
    @Override
    public void close() {
        ScheduledExecutorService s;
        synchronized (lock) {
            s = scheduler;
        }
        if (s != null) {
            s.shutdown();
            try {
                if (!s.awaitTermination(30, TimeUnit.SECONDS)) {
                    s.shutdownNow();
                }
            } catch (InterruptedException e) {
                s.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        notifier.close();
    }
}
