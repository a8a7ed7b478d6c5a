package dev.tandem.core.sync;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The per-record locks of a two-way sync: ordered acquisition, the wait's limit, and what a holder changed. */
class RecordLocksTest {

    private final AtomicLong clock = new AtomicLong(1_000);
    private final RecordLocks locks = new RecordLocks(TimeUnit.SECONDS.toNanos(30), 500, clock::get);

    @Test
    void batchesSharingRecordsInOppositeOrdersDoNotDeadlock() {
        // Each asks for the two records the other way round, 200 times, on two threads.
        CompletableFuture<?> one = CompletableFuture.runAsync(() -> repeat(List.of("a/X/1", "b/Y/2")));
        CompletableFuture<?> two = CompletableFuture.runAsync(() -> repeat(List.of("b/Y/2", "a/X/1")));
        await().atMost(Duration.ofSeconds(30)).until(() -> one.isDone() && two.isDone());
        assertThat(one).isNotCompletedExceptionally();
        assertThat(two).isNotCompletedExceptionally();
        assertThat(locks.users("a/X/1")).as("nothing left in the table").isZero();
    }

    private void repeat(List<String> addresses) {
        for (int i = 0; i < 200; i++) {
            try (var held = locks.lock(addresses, clock.get())) {
                assertThat(held.addresses()).containsExactly("a/X/1", "b/Y/2");
            }
        }
    }

    @Test
    void aRecordHeldLongerThanTheWaitFailsTheOtherBatchWithTheReason() throws Exception {
        RecordLocks impatient = new RecordLocks(TimeUnit.MILLISECONDS.toNanos(1), 500, clock::get);
        try (var held = impatient.lock(List.of("a/X/1"), clock.get())) {
            CompletableFuture<RecordLocks.Held> other = CompletableFuture.supplyAsync(() ->
                    impatient.lock(List.of("b/Y/2", "a/X/1"), clock.get()));
            await().atMost(Duration.ofSeconds(10)).until(other::isDone);
            assertThat(other).isCompletedExceptionally();
            assertThatThrownBy(other::join).hasCauseInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("record a/X/1 is being synced by another batch");
            assertThat(impatient.users("b/Y/2")).as("the lock it got first is released").isZero();
        }
    }

    @Test
    void aRecordChangedByAnotherHolderAfterABatchBeganIsReportedAndOnlyThen() {
        long began = clock.get();
        clock.addAndGet(10);
        try (var writer = locks.lock(List.of("a/X/1", "b/Y/2"), clock.get())) {
            writer.changed("a/X/1");
        }
        clock.addAndGet(10);
        try (var late = locks.lock(List.of("a/X/1", "b/Y/2"), began)) {
            assertThat(late.changedSince("a/X/1")).isTrue();
            assertThat(late.changedSince("b/Y/2")).as("held, not changed").isFalse();
        }
        try (var fresh = locks.lock(List.of("a/X/1"), clock.get())) {
            assertThat(fresh.changedSince("a/X/1")).as("began after the change").isFalse();
        }
        clock.addAndGet(1_000);
        try (var old = locks.lock(List.of("c/Z/3"), began)) {
            assertThat(old.changedSince("c/Z/3")).as("older than the horizon: anything may have changed").isTrue();
        }
    }
}
