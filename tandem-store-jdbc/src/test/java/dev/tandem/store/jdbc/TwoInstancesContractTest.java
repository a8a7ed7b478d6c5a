package dev.tandem.store.jdbc;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@link JdbcStores} on one database, as two processes would be (an operator's CLI next to the server, or two
 * servers on one PostgreSQL): appends stay de-duplicated and offsets gap-free, because the database, not the
 * process, serialises appenders.
 */
abstract class TwoInstancesContractTest {

    /** Opens another instance on the same database every time it is called; the caller closes it. */
    protected abstract JdbcStores openInstance();

    @Test
    void twoInstancesAppendingTheSameEventsAtOnceStoreEachEventOnce() throws Exception {
        int events = 40;
        int threadsPerInstance = 4;
        Map<String, List<AppendResult>> resultsById = new ConcurrentHashMap<>();
        try (JdbcStores first = openInstance(); JdbcStores second = openInstance()) {
            CyclicBarrier start = new CyclicBarrier(2 * threadsPerInstance);
            try (ExecutorService threads = Executors.newFixedThreadPool(2 * threadsPerInstance)) {
                List<Future<?>> appenders = new ArrayList<>();
                for (int t = 0; t < 2 * threadsPerInstance; t++) {
                    JdbcStores instance = t % 2 == 0 ? first : second;
                    List<Integer> order = new ArrayList<>(IntStream.range(0, events).boxed().toList());
                    Collections.shuffle(order);
                    appenders.add(threads.submit(() -> {
                        start.await();
                        for (int i : order) {
                            resultsById.computeIfAbsent("e-" + i, id -> new CopyOnWriteArrayList<>())
                                    .add(instance.eventLog().append(event("e-" + i)));
                        }
                        return null;
                    }));
                }
                for (Future<?> appender : appenders) {
                    appender.get();
                }
            }

            assertThat(first.eventLog().readAfter(0, 1000)).extracting(LoggedEvent::offset)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
            resultsById.forEach((id, results) -> {
                assertThat(results).as(id).filteredOn(result -> !result.duplicate()).hasSize(1);
                assertThat(results).as(id).extracting(AppendResult::offset).containsOnly(results.getFirst().offset());
            });
        }
    }

    @Test
    void anOffsetCommittedThroughOneInstanceIsSeenByTheOther() {
        try (JdbcStores first = openInstance(); JdbcStores second = openInstance()) {
            first.eventLog().commit("order-to-salesforce", 5);

            assertThat(second.eventLog().committedOffset("order-to-salesforce")).isEqualTo(5);
        }
    }

    private static InboundEvent event(String sourceEventId) {
        return new InboundEvent("clarity", sourceEventId, "SalesOrder.Created", "SalesOrder", "5001", "SO-5001",
                Instant.parse("2026-03-01T10:15:30Z"), "{}");
    }
}
