package dev.tandem.server;

import dev.tandem.core.connector.ChangeSources;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.error.ErrorClass;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.FlowControls;
import dev.tandem.core.spi.StateStore;
import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterQuery;
import dev.tandem.core.state.PendingRetry;
import dev.tandem.core.state.SettleStats;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.server.alerts.AlertSignals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the alert rules read, from the store (durable: dead letters, settlements, retries), the runtime (paused
 * flows), the connectors (API usage, refused credentials) and the change sources. Ids, counts and short reasons only.
 */
final class ServerAlertSignals implements AlertSignals {

    private final StateStore store;
    private final EventLog eventLog;
    private final FlowRuntime runtime;
    private final SalesforceRestClient salesforce;
    private final ChangeSources sources;
    private final Supplier<Map<String, String>> configurationFaults;
    private final java.util.function.Function<String, Optional<Instant>> lastArrival;
    private final Clock clock;
    private final Instant startedAt;

    ServerAlertSignals(StateStore store, EventLog eventLog, FlowRuntime runtime, SalesforceRestClient salesforce,
                       ChangeSources sources, Supplier<Map<String, String>> configurationFaults,
                       java.util.function.Function<String, Optional<Instant>> lastArrival, Clock clock) {
        this.lastArrival = lastArrival;
        this.store = store;
        this.eventLog = eventLog;
        this.runtime = runtime;
        this.salesforce = salesforce;
        this.sources = sources;
        this.configurationFaults = configurationFaults;
        this.clock = clock;
        this.startedAt = clock.instant();
    }

    @Override
    public Set<String> flows() {
        Set<String> names = new LinkedHashSet<>();
        runtime.flows().forEach(f -> names.add(f.name()));
        return names;
    }

    @Override
    public DeadLetters deadLetters(String flow, Instant since) {
        DeadLetterQuery q = new DeadLetterQuery(flow == null ? null : Set.of(flow), null, null, null,
                EnumSet.of(DeadLetter.State.OPEN, DeadLetter.State.RETRYING), null, null, since, null, 0, 5);
        long count = store.countDeadLetters(q);
        List<String> ids = store.findDeadLetters(q).stream().map(d -> String.valueOf(d.id())).toList();
        return new DeadLetters(count, ids);
    }

    @Override
    public Throughput throughput(String flow, Instant since) {
        Duration span = Duration.between(since, clock.instant());
        long processed = 0;
        long failed = 0;
        for (SettleStats s : store.settleStats(since, span.isNegative() || span.isZero() ? Duration.ofMinutes(1) : span)) {
            if (flow == null || flow.equals(s.flow())) {
                processed += s.total();
                failed += s.retried() + s.deadLettered();
            }
        }
        return new Throughput(processed, failed);
    }

    @Override
    public List<PausedFlow> pausedFlows() {
        List<PausedFlow> paused = new ArrayList<>();
        runtime.pausedFlows().forEach(p -> paused.add(new PausedFlow(p.flow(), p.system() + " is unavailable ("
                + p.cause() + ")", p.since())));
        Map<String, FlowControls.FlowControl> controls = store.flowControls();
        for (Flow f : runtime.flows()) {
            if (runtime.pausedByOperator(f.name())) {
                FlowControls.FlowControl c = controls.get(f.name());
                paused.add(new PausedFlow(f.name(), "paused by " + (c == null ? "an operator" : c.changedBy()),
                        c == null ? startedAt : c.changedAt()));
            }
        }
        return paused;
    }

    /**
     * Systems refusing Tandem's credentials now (a configuration fault, counted once each) plus dead letters of the
     * auth class since {@code since}.
     */
    @Override
    public long authFailures(Instant since) {
        long auth = store.countDeadLetters(new DeadLetterQuery(null, null, null, EnumSet.of(ErrorClass.AUTH), null,
                null, null, since, null, 0, 1));
        return configurationFaults.get().size() + auth;
    }

    @Override
    public OptionalDouble salesforceApiUsagePercent() {
        return salesforce.apiUsage().filter(u -> u.max() > 0)
                .map(u -> OptionalDouble.of(100.0 * u.used() / u.max())).orElse(OptionalDouble.empty());
    }

    @Override
    public Map<String, SourceState> sources() {
        Map<String, SourceState> out = new LinkedHashMap<>();
        sources.health().forEach((name, h) -> {
            boolean ok = h.state() != SourceHealth.State.FAILED && h.state() != SourceHealth.State.DEGRADED;
            // Activity: the last event of the source's system (clarity.poll and clarity.webhook → clarity), else the start.
            String system = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            out.put(TandemServer.healthKey(name), new SourceState(ok ? Health.OK : Health.FAILING,
                    lastArrival.apply(system).filter(t -> t.isAfter(startedAt)).orElse(startedAt), h.summary()));
        });
        return out;
    }

    @Override
    public Optional<Duration> oldestRetryAge() {
        List<PendingRetry> first = store.pendingRetries(null, 0, 1);
        if (first.isEmpty()) {
            return Optional.empty();
        }
        return eventLog.get(first.getFirst().eventOffset())
                .map(e -> Duration.between(e.receivedAt(), clock.instant()));
    }

    /** The scheduled and on-demand reconciliations' last results; set by the server once its service exists. */
    private volatile java.util.function.Supplier<List<Drift>> drift = List::of;

    void reconcileDriftFrom(java.util.function.Supplier<List<Drift>> source) {
        this.drift = source;
    }

    @Override
    public List<Drift> reconcileDrift() {
        return drift.get();
    }
}
