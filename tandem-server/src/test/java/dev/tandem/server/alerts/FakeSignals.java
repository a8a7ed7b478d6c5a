package dev.tandem.server.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signals set by the test: dead letters as timestamps per flow (so windows are really applied), throughput, paused
 * flows, sources. {@link #failWith} makes every read throw, like a store that is down.
 */
final class FakeSignals implements AlertSignals {

    private final Map<String, List<Instant>> deadLetters = new ConcurrentHashMap<>();
    private final Map<String, Throughput> throughput = new ConcurrentHashMap<>();
    private final List<PausedFlow> paused = new ArrayList<>();
    private final List<Instant> authFailures = new ArrayList<>();
    private final Map<String, SourceState> sources = new LinkedHashMap<>();
    private final Set<String> flows = new LinkedHashSet<>();
    private volatile Double apiUsage;
    private volatile Duration retryAge;
    private volatile RuntimeException failure;
    private final List<Drift> drift = new ArrayList<>();

    synchronized FakeSignals drift(String object, long records, Instant at, long threshold) {
        drift.removeIf(d -> d.object().equals(object));
        drift.add(new Drift(object, records, at, threshold));
        return this;
    }

    @Override
    public synchronized List<Drift> reconcileDrift() {
        return List.copyOf(drift);
    }

    synchronized FakeSignals flow(String id) {
        flows.add(id);
        return this;
    }

    synchronized FakeSignals deadLetter(String flow, Instant at, int count) {
        flows.add(flow);
        List<Instant> list = deadLetters.computeIfAbsent(flow, f -> new ArrayList<>());
        for (int i = 0; i < count; i++) {
            list.add(at);
        }
        return this;
    }

    synchronized FakeSignals clearDeadLetters() {
        deadLetters.clear();
        return this;
    }

    synchronized FakeSignals throughput(String flow, long processed, long failed) {
        flows.add(flow);
        throughput.put(flow, new Throughput(processed, failed));
        return this;
    }

    synchronized FakeSignals pause(String flow, String reason, Instant since) {
        paused.add(new PausedFlow(flow, reason, since));
        return this;
    }

    synchronized FakeSignals resume(String flow) {
        paused.removeIf(p -> p.flow().equals(flow));
        return this;
    }

    synchronized FakeSignals authFailure(Instant at) {
        authFailures.add(at);
        return this;
    }

    synchronized FakeSignals source(String name, SourceState state) {
        sources.put(name, state);
        return this;
    }

    FakeSignals apiUsage(Double percent) {
        apiUsage = percent;
        return this;
    }

    FakeSignals retryAge(Duration age) {
        retryAge = age;
        return this;
    }

    FakeSignals failWith(RuntimeException e) {
        failure = e;
        return this;
    }

    private void check() {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized Set<String> flows() {
        check();
        return Set.copyOf(flows);
    }

    @Override
    public synchronized DeadLetters deadLetters(String flow, Instant since) {
        check();
        List<String> ids = new ArrayList<>();
        long n = 0;
        for (Map.Entry<String, List<Instant>> e : deadLetters.entrySet()) {
            if (flow == null || flow.equals(e.getKey())) {
                for (int i = e.getValue().size() - 1; i >= 0; i--) {
                    if (!e.getValue().get(i).isBefore(since)) {
                        n++;
                        ids.add(e.getKey() + "-" + i);
                    }
                }
            }
        }
        return new DeadLetters(n, ids.stream().limit(3).toList());
    }

    @Override
    public synchronized Throughput throughput(String flow, Instant since) {
        check();
        if (flow != null) {
            return throughput.getOrDefault(flow, new Throughput(0, 0));
        }
        return new Throughput(throughput.values().stream().mapToLong(Throughput::processed).sum(),
                throughput.values().stream().mapToLong(Throughput::failed).sum());
    }

    @Override
    public synchronized List<PausedFlow> pausedFlows() {
        check();
        return List.copyOf(paused);
    }

    @Override
    public synchronized long authFailures(Instant since) {
        check();
        return authFailures.stream().filter(t -> !t.isBefore(since)).count();
    }

    @Override
    public OptionalDouble salesforceApiUsagePercent() {
        check();
        return apiUsage == null ? OptionalDouble.empty() : OptionalDouble.of(apiUsage);
    }

    @Override
    public synchronized Map<String, SourceState> sources() {
        check();
        return Map.copyOf(sources);
    }

    @Override
    public Optional<Duration> oldestRetryAge() {
        check();
        return Optional.ofNullable(retryAge);
    }
}
