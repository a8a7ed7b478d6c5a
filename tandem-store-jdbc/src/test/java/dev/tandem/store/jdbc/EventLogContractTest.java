package dev.tandem.store.jdbc;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.EventLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link EventLog} implementation guarantees. Subclasses say how to open the implementation on empty
 * storage and how to restart it on the same storage.
 */
abstract class EventLogContractTest {

    private static final Instant OCCURRED = Instant.parse("2026-03-01T10:15:30.123Z");

    protected EventLog log;

    /** Opens the implementation under test on fresh, empty storage. */
    protected abstract EventLog openEmpty();

    /** Closes everything the current log holds and opens it again on the same storage, as a process restart does. */
    protected abstract EventLog restart();

    @BeforeEach
    void openLog() {
        log = openEmpty();
    }

    @AfterEach
    void closeLog() {
        log.close();
    }

    @Test
    void appendsGetIncreasingOffsetsStartingAtOne() {
        assertThat(log.append(event("clarity", "e-1"))).isEqualTo(new AppendResult(1, false));
        assertThat(log.append(event("clarity", "e-2"))).isEqualTo(new AppendResult(2, false));
        assertThat(log.append(event("salesforce", "e-3"))).isEqualTo(new AppendResult(3, false));
    }

    @Test
    void appendedEventIsReadBackWithEveryField() {
        InboundEvent event = new InboundEvent("clarity", "evt-77", "SalesOrder.Created", "SalesOrder", "5001",
                "SO-5001", OCCURRED, "{\"EventID\":\"evt-77\",\"ID\":5001}");

        long offset = log.append(event).offset();

        LoggedEvent stored = log.get(offset).orElseThrow();
        assertThat(stored.offset()).isEqualTo(offset);
        assertThat(stored.event()).isEqualTo(event);
        assertThat(stored.receivedAt()).isNotNull();
    }

    @Test
    void appendingTheSameSourceEventAgainIsADuplicateWithTheFirstOffset() {
        long first = log.append(event("clarity", "e-1")).offset();
        log.append(event("clarity", "e-2"));

        AppendResult again = log.append(event("clarity", "e-1"));

        assertThat(again).isEqualTo(new AppendResult(first, true));
        assertThat(log.endOffset()).isEqualTo(2);
        assertThat(log.readAfter(0, 10)).hasSize(2);
    }

    @Test
    void sameEventIdFromDifferentSourcesIsTwoEvents() {
        AppendResult fromClarity = log.append(event("clarity", "42"));
        AppendResult fromSalesforce = log.append(event("salesforce", "42"));

        assertThat(fromClarity.duplicate()).isFalse();
        assertThat(fromSalesforce.duplicate()).isFalse();
        assertThat(fromSalesforce.offset()).isNotEqualTo(fromClarity.offset());
    }

    @Test
    void sixteenThreadsAppendingTheSameEventAtOnceStoreExactlyOneCopy() throws Exception {
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<AppendResult> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<AppendResult>> appends = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                appends.add(pool.submit(() -> {
                    start.await();
                    return log.append(event("clarity", "webhook-redelivered"));
                }));
            }
            for (Future<AppendResult> append : appends) {
                results.add(append.get());
            }
        }

        assertThat(results).filteredOn(result -> !result.duplicate()).hasSize(1);
        long offset = results.getFirst().offset();
        assertThat(results).extracting(AppendResult::offset).containsOnly(offset);
        assertThat(log.readAfter(0, 100)).extracting(LoggedEvent::offset).containsExactly(offset);
    }

    @Test
    void concurrentAppendsFromVirtualThreadsGetDistinctGapFreeOffsets() throws Exception {
        int events = 500;
        List<Future<AppendResult>> appends = new ArrayList<>();
        try (ExecutorService virtualThreads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < events; i++) {
                String id = "e-" + i;
                appends.add(virtualThreads.submit(() -> log.append(event("clarity", id))));
            }
        }
        List<Long> offsets = new ArrayList<>();
        for (Future<AppendResult> append : appends) {
            assertThat(append.get().duplicate()).isFalse();
            offsets.add(append.get().offset());
        }

        assertThat(offsets).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
        assertThat(log.endOffset()).isEqualTo(events);
    }

    @Test
    void readAfterReturnsTheEventsPastTheOffsetInOffsetOrder() {
        IntStream.rangeClosed(1, 5).forEach(i -> log.append(event("clarity", "e-" + i)));

        List<LoggedEvent> read = log.readAfter(2, 10);

        assertThat(read).extracting(LoggedEvent::offset).containsExactly(3L, 4L, 5L);
        assertThat(read).extracting(e -> e.event().sourceEventId()).containsExactly("e-3", "e-4", "e-5");
    }

    @Test
    void readAfterReturnsAtMostMaxEvents() {
        IntStream.rangeClosed(1, 5).forEach(i -> log.append(event("clarity", "e-" + i)));

        assertThat(log.readAfter(0, 2)).extracting(LoggedEvent::offset).containsExactly(1L, 2L);
        assertThat(log.readAfter(0, 0)).isEmpty();
    }

    @Test
    void readAfterTheEndReturnsNothing() {
        log.append(event("clarity", "e-1"));

        assertThat(log.readAfter(1, 10)).isEmpty();
    }

    @Test
    void getOfAnOffsetNeverWrittenIsEmpty() {
        log.append(event("clarity", "e-1"));

        assertThat(log.get(2)).isEmpty();
        assertThat(log.get(0)).isEmpty();
    }

    @Test
    void endOffsetIsZeroWhenEmptyThenTheHighestOffset() {
        assertThat(log.endOffset()).isZero();

        log.append(event("clarity", "e-1"));
        log.append(event("clarity", "e-2"));

        assertThat(log.endOffset()).isEqualTo(2);
    }

    @Test
    void aConsumerThatNeverCommittedIsAtZero() {
        assertThat(log.committedOffset("order-to-salesforce")).isZero();
    }

    @Test
    void committedOffsetsAreKeptPerConsumer() {
        log.commit("order-to-salesforce", 7);
        log.commit("account-to-clarity", 3);

        assertThat(log.committedOffset("order-to-salesforce")).isEqualTo(7);
        assertThat(log.committedOffset("account-to-clarity")).isEqualTo(3);
    }

    @Test
    void aLaterCommitReplacesTheEarlierOne() {
        log.commit("order-to-salesforce", 7);
        log.commit("order-to-salesforce", 9);

        assertThat(log.committedOffset("order-to-salesforce")).isEqualTo(9);
    }

    @Test
    void eventsAndCommittedOffsetsSurviveARestart() {
        InboundEvent first = event("clarity", "e-1");
        InboundEvent second = event("clarity", "e-2");
        log.append(first);
        log.append(second);
        log.commit("order-to-salesforce", 1);

        log = restart();

        assertThat(log.readAfter(0, 10)).extracting(LoggedEvent::event).containsExactly(first, second);
        assertThat(log.endOffset()).isEqualTo(2);
        assertThat(log.committedOffset("order-to-salesforce")).isEqualTo(1);
    }

    @Test
    void deduplicationAndOffsetsContinueAfterARestart() {
        log.append(event("clarity", "e-1"));

        log = restart();

        assertThat(log.append(event("clarity", "e-1"))).isEqualTo(new AppendResult(1, true));
        assertThat(log.append(event("clarity", "e-2"))).isEqualTo(new AppendResult(2, false));
    }

    /** A Clarity-style notification; instants in whole milliseconds, the precision the stores keep. */
    @Test
    void ingestStatsCountEventsPerSourceAndLagIsNeverNegative() {
        log.append(event("clarity", "old"));   // occurred months ago: a long lag
        log.append(new InboundEvent("salesforce", "future", "Account.Updated", "Account", "001", "A-1",
                Instant.now().plusSeconds(3600), "{}"));   // a source clock ahead of ours: lag 0, not negative
        List<dev.tandem.core.state.IngestStats> stats = log.ingestStats(Instant.now().minusSeconds(3600),
                java.time.Duration.ofHours(2));
        assertThat(stats).extracting(dev.tandem.core.state.IngestStats::source).containsExactlyInAnyOrder("clarity", "salesforce");
        assertThat(stats).allSatisfy(s -> assertThat(s.received()).isEqualTo(1));
        assertThat(stats).filteredOn(s -> s.source().equals("clarity")).singleElement()
                .satisfies(s -> assertThat(s.maxLagMillis()).isGreaterThan(86_400_000L));
        assertThat(stats).filteredOn(s -> s.source().equals("salesforce")).singleElement()
                .satisfies(s -> assertThat(s.maxLagMillis()).isZero());
    }

    protected static InboundEvent event(String source, String sourceEventId) {
        return new InboundEvent(source, sourceEventId, "SalesOrder.Modified", "SalesOrder", "5001", "SO-5001",
                OCCURRED, "{\"EventID\":\"" + sourceEventId + "\"}");
    }
}
