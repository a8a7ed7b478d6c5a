package dev.tandem.core.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy noJitter = new RetryPolicy(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), 5, 0);

    @Test
    void delaysGrowExponentiallyUpToTheCap() {
        Random random = new Random(1);
        assertThat(noJitter.delayAfter(1, random)).isEqualTo(Duration.ofSeconds(1));
        assertThat(noJitter.delayAfter(2, random)).isEqualTo(Duration.ofSeconds(2));
        assertThat(noJitter.delayAfter(3, random)).isEqualTo(Duration.ofSeconds(4));
        assertThat(noJitter.delayAfter(5, random)).isEqualTo(Duration.ofSeconds(16));
        assertThat(noJitter.delayAfter(6, random)).isEqualTo(Duration.ofSeconds(30));
        assertThat(noJitter.delayAfter(60, random)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void jitterSpreadsDelaysWithinTheConfiguredShare() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(1), 5, 0.2);
        Random random = new Random(7);
        long distinct = java.util.stream.IntStream.range(0, 200)
                .mapToObj(i -> policy.delayAfter(1, random))
                .peek(d -> assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12)))
                .distinct().count();
        assertThat(distinct).isGreaterThan(50);
    }

    @Test
    void givesUpAfterMaxAttempts() {
        assertThat(noJitter.allowsAnotherAttempt(4)).isTrue();
        assertThat(noJitter.allowsAnotherAttempt(5)).isFalse();
    }

    @Test
    void aServerRequestedWaitLongerThanTheBackoffWins() {
        Instant now = Instant.parse("2026-11-26T10:00:00Z");
        assertThat(noJitter.nextAttemptAt(now, 1, Duration.ofMinutes(15), new Random()))
                .isEqualTo(now.plus(Duration.ofMinutes(15)));
        assertThat(noJitter.nextAttemptAt(now, 1, Duration.ZERO, new Random())).isEqualTo(now.plusSeconds(1));
    }

    @Test
    void rejectsNonsensicalSettings() {
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, 2, Duration.ofSeconds(1), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(1), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), 2, Duration.ofSeconds(1), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 3, 1.0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), Double.NaN, Duration.ofSeconds(1), 3, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(1), 2, Duration.ofSeconds(1), 3, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
