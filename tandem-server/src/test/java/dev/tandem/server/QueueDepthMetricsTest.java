package dev.tandem.server;

import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class QueueDepthMetricsTest {

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @TempDir
    Path dir;
    private JdbcStores stores;
    private final MeterRegistry registry = new SimpleMeterRegistry();
    private final MutableClock clock = new MutableClock();
    private final List<String> flows = new ArrayList<>(List.of("orders", "customers"));
    private QueueDepthMetrics metrics;

    @BeforeEach
    void open() {
        stores = JdbcStores.openSqlite(dir.resolve("tandem.db"));
        metrics = new QueueDepthMetrics(registry, stores.stateStore(), stores.eventLog(), () -> List.copyOf(flows),
                clock, Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        stores.close();
    }

    private void append(int count) {
        for (int i = 0; i < count; i++) {
            stores.eventLog().append(new InboundEvent("test", "ev-" + stores.eventLog().endOffset(), "T.Created", "T",
                    Long.toString(i), "K", clock.instant(), "{}"));
        }
    }

    private double backlog(String flow) {
        return registry.get("tandem.flow.backlog").tags(Tags.of("flow", flow)).gauge().value();
    }

    @Test
    void theBacklogOfAFlowIsTheLogEndMinusItsCommittedOffset() {
        append(5);
        stores.eventLog().commit(FlowRuntime.consumer("orders"), 3);

        metrics.refresh();

        assertThat(backlog("orders")).isEqualTo(2.0);
        assertThat(backlog("customers")).isEqualTo(5.0);
        assertThat(registry.get("tandem.retries.pending").gauge().value()).isZero();
        assertThat(registry.get("tandem.dead.letters").gauge().value()).isZero();
    }

    @Test
    void aReadingIsServedFromTheSnapshotUntilItIsOlderThanTheMaxAge() {
        append(2);
        metrics.refresh();
        append(3);

        assertThat(backlog("orders")).as("within 5 s: the snapshot").isEqualTo(2.0);

        clock.now = clock.now.plusSeconds(5);
        assertThat(backlog("orders")).isEqualTo(5.0);
    }

    @Test
    void aFlowAddedByAReloadGetsItsRowAndARemovedOneLosesIt() {
        append(1);
        metrics.refresh();
        flows.remove("customers");
        flows.add("products");
        clock.now = clock.now.plusSeconds(10);

        metrics.refresh();

        assertThat(backlog("products")).isEqualTo(1.0);
        assertThat(registry.find("tandem.flow.backlog").tags("flow", "customers").gauge()).isNull();
    }
}
