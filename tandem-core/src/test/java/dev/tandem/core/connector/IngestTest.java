package dev.tandem.core.connector;

import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.EventLog;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.tandem.core.connector.ChangeSourcesTest.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestTest {

    /** De-duplicates by (source, source event id), as the real logs do; counts appendAll calls (commits). */
    private static final class MemoryLog implements EventLog {
        final Map<String, Long> offsets = new LinkedHashMap<>();
        final List<List<InboundEvent>> commits = new ArrayList<>();
        boolean down;

        @Override
        public AppendResult append(InboundEvent event) {
            return appendAll(List.of(event)).getFirst();
        }

        @Override
        public List<AppendResult> appendAll(List<InboundEvent> events) {
            if (down) {
                throw new IllegalStateException("store unreachable");
            }
            commits.add(events);
            List<AppendResult> results = new ArrayList<>();
            for (InboundEvent e : events) {
                String key = e.source() + "/" + e.sourceEventId();
                Long existing = offsets.get(key);
                if (existing != null) {
                    results.add(new AppendResult(existing, true));
                } else {
                    long offset = offsets.size() + 1;
                    offsets.put(key, offset);
                    results.add(new AppendResult(offset, false));
                }
            }
            return results;
        }

        @Override
        public List<LoggedEvent> readAfter(long afterOffset, int max) {
            return List.of();
        }

        @Override
        public Optional<LoggedEvent> get(long offset) {
            return Optional.empty();
        }

        @Override
        public long endOffset() {
            return offsets.size();
        }

        @Override
        public long committedOffset(String consumer) {
            return 0;
        }

        @Override
        public void commit(String consumer, long offset) {
        }

        @Override
        public void close() {
        }
    }

    private final MemoryLog log = new MemoryLog();
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final Ingest ingest = Ingest.into(log, wakeUps::incrementAndGet);

    @Test
    void appendsABatchInOneCommitAndWakesOnceWhenSomethingIsNew() {
        List<AppendResult> results = ingest.append(List.of(event("a"), event("b")));

        assertThat(results).containsExactly(new AppendResult(1, false), new AppendResult(2, false));
        assertThat(log.commits).hasSize(1);
        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void onlyDuplicatesDoNotWakeTheRuntime() {
        ingest.append(event("a"));
        AppendResult again = ingest.append(event("a"));

        assertThat(again).isEqualTo(new AppendResult(1, true));
        assertThat(log.endOffset()).isEqualTo(1);
        assertThat(wakeUps).hasValue(1);
    }

    @Test
    void anEmptyBatchTouchesNothing() {
        assertThat(ingest.append(List.of())).isEmpty();
        assertThat(log.commits).isEmpty();
        assertThat(wakeUps).hasValue(0);
    }

    @Test
    void aStoreFailureReachesTheSourceAndWakesNobody() {
        log.down = true;
        assertThatThrownBy(() -> ingest.append(event("a"))).hasMessageContaining("store unreachable");
        assertThat(wakeUps).hasValue(0);
    }
}
