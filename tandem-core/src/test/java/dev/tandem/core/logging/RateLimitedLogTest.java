package dev.tandem.core.logging;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTest {

    /** A clock the test moves by hand. */
    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

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

    private final List<String> lines = new ArrayList<>();
    private final MutableClock clock = new MutableClock();
    private final RateLimitedLog log = new RateLimitedLog(lines::add, Duration.ofMinutes(1), clock);

    @Test
    void theFirstOccurrenceOfAKeyIsWrittenAtOnceWithItsArguments() {
        assertThat(log.log("invalid_signature", "Rejected a webhook from {}: {}", "10.1.2.3", "bad mac")).isTrue();

        assertThat(lines).containsExactly("Rejected a webhook from 10.1.2.3: bad mac");
    }

    @Test
    void repeatsWithinTheIntervalAreCountedNotWritten() {
        for (int i = 0; i < 1000; i++) {
            log.log("invalid_signature", "Rejected {}", i);
            clock.advance(Duration.ofMillis(10));
        }

        assertThat(lines).containsExactly("Rejected 0");
        assertThat(log.suppressed("invalid_signature")).isEqualTo(999);
    }

    @Test
    void theFirstOccurrenceAfterTheIntervalIsWrittenWithTheSuppressedCount() {
        log.log("invalid_signature", "Rejected {}", 1);
        log.log("invalid_signature", "Rejected {}", 2);
        log.log("invalid_signature", "Rejected {}", 3);
        clock.advance(Duration.ofMinutes(1));

        assertThat(log.log("invalid_signature", "Rejected {}", 4)).isTrue();

        assertThat(lines).containsExactly("Rejected 1",
                "Rejected 4 (2 more like this suppressed in the last 1 min)");
        assertThat(log.suppressed("invalid_signature")).isZero();
    }

    @Test
    void eachKeyHasItsOwnWindow() {
        log.log("invalid_signature", "a");
        log.log("expired_signature", "b");
        log.log("invalid_signature", "c");

        assertThat(lines).containsExactly("a", "b");
        assertThat(log.suppressed("invalid_signature")).isEqualTo(1);
        assertThat(log.suppressed("expired_signature")).isZero();
    }

    @Test
    void aQuietKeyIsWrittenAgainWithoutACount() {
        log.log("k", "first");
        clock.advance(Duration.ofMinutes(5));
        log.log("k", "second");

        assertThat(lines).containsExactly("first", "second");
    }
}
