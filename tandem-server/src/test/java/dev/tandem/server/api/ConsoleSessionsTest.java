package dev.tandem.server.api;

import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The session store alone, with a clock the test moves: idle and absolute expiry, the bound, sign-out. */
class ConsoleSessionsTest {

    private static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-12-03T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static ApiToken token(long id) {
        return new ApiToken(id, "t" + id, "viewer", "hash" + id, Instant.EPOCH, null, null);
    }

    @Test
    void anUnusedSessionEndsAfterTheIdleTimeoutAndAUsedOneAtItsMaxAge() {
        MovableClock clock = new MovableClock();
        ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), Duration.ofHours(8), clock);
        String idle = sessions.open(token(1)).cookieValue();
        String busy = sessions.open(token(2)).cookieValue();

        clock.now = clock.now.plus(Duration.ofMinutes(29));
        assertThat(sessions.find(busy)).isPresent();
        clock.now = clock.now.plus(Duration.ofMinutes(2));
        assertThat(sessions.find(idle)).isEmpty();
        assertThat(sessions.find(busy)).isPresent();
        for (int i = 0; i < 15; i++) { // used every 29 minutes, up to 7 h 46 min after sign-in
            clock.now = clock.now.plus(Duration.ofMinutes(29));
            assertThat(sessions.find(busy)).as("after %d uses", i).isPresent();
        }
        clock.now = clock.now.plus(Duration.ofMinutes(29)); // 8 h 15 min after sign-in, used 29 min ago
        assertThat(sessions.find(busy)).isEmpty();
    }

    @Test
    void theStoreIsBoundedAndForgetsTheOldestFirst() {
        MovableClock clock = new MovableClock();
        ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), Duration.ofHours(8), clock);
        String first = sessions.open(token(1)).cookieValue();
        for (int i = 0; i < ConsoleSessions.MAX_SESSIONS + 5; i++) {
            clock.now = clock.now.plusMillis(1);
            sessions.open(token(2));
        }
        assertThat(sessions.size()).isLessThanOrEqualTo(ConsoleSessions.MAX_SESSIONS);
        assertThat(sessions.find(first)).isEmpty();
    }

    @Test
    void endForgetsTheSessionAndMalformedValuesFindNothing() {
        ConsoleSessions sessions = new ConsoleSessions(Duration.ofMinutes(30), Duration.ofHours(8), Clock.systemUTC());
        ConsoleSessions.Opened o = sessions.open(token(1));
        assertThat(sessions.find(o.cookieValue())).isPresent();
        assertThat(o.session().csrfMatches(o.session().csrfToken())).isTrue();
        assertThat(o.session().csrfMatches(null)).isFalse();
        assertThat(o.session().csrfMatches(o.session().csrfToken() + "x")).isFalse();

        sessions.end(o.cookieValue());
        assertThat(sessions.find(o.cookieValue())).isEmpty();
        assertThat(sessions.find(null)).isEmpty();
        assertThat(sessions.find("")).isEmpty();
        assertThat(sessions.find("é".repeat(43))).isEmpty();
    }
}
