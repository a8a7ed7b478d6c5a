package dev.tandem.salesforce.cdc;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** The CDC source's Micrometer meters, tagged by topic. */
public final class CdcMetrics {

    public static final String EVENTS_RECEIVED = "tandem.salesforce.cdc.events.received";
    public static final String EVENTS_APPENDED = "tandem.salesforce.cdc.events.appended";
    public static final String ECHOES_DROPPED = "tandem.salesforce.cdc.echoes.dropped";
    public static final String RECOVERIES = "tandem.salesforce.cdc.recoveries";
    public static final String RECONNECTS = "tandem.salesforce.cdc.reconnects";
    public static final String LAG = "tandem.salesforce.cdc.lag.seconds";

    private final MeterRegistry registry;
    private final Clock clock;
    private final Map<String, AtomicLong> lastCommit = new ConcurrentHashMap<>();

    public CdcMetrics(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
    }

    void received(String topic, int count) {
        Counter.builder(EVENTS_RECEIVED).description("Change events received over the Pub/Sub API")
                .tag("topic", topic).register(registry).increment(count);
    }

    void appended(String topic, int count) {
        Counter.builder(EVENTS_APPENDED).description("Change events newly appended to the event log")
                .tag("topic", topic).register(registry).increment(count);
    }

    void echo(String topic) {
        Counter.builder(ECHOES_DROPPED).description("Change events dropped as Tandem's own writes coming back")
                .tag("topic", topic).register(registry).increment();
    }

    void recovery(String topic, String kind) {
        Counter.builder(RECOVERIES).description("Gap and expired-replay recoveries")
                .tag("topic", topic).tag("kind", kind).register(registry).increment();
    }

    void reconnect(String topic, String reason) {
        Counter.builder(RECONNECTS).description("Pub/Sub stream reconnects")
                .tag("topic", topic).tag("reason", reason).register(registry).increment();
    }

    /** Records the commitTimestamp of the newest event seen, for the lag gauge (now − commitTimestamp). */
    void committed(String topic, long commitTimestamp) {
        lastCommit.computeIfAbsent(topic, t -> {
            AtomicLong holder = new AtomicLong(commitTimestamp);
            Gauge.builder(LAG, holder, h -> h.get() == 0 ? 0 : (clock.millis() - h.get()) / 1000.0)
                    .description("Seconds between now and the commitTimestamp of the last event ingested")
                    .tag("topic", t).register(registry);
            return holder;
        }).set(commitTimestamp);
    }

    double count(String name, String topic) {
        Counter counter = registry.find(name).tag("topic", topic).counter();
        return counter == null ? 0 : counter.count();
    }
}
