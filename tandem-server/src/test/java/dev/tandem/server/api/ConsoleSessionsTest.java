package dev.tandem.server.api;

import dev.tandem.core.spi.ApiTokenStore;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sessions on an SQLite store, with a clock the test moves: idle and absolute expiry, the bound, sign-out, the
 * purge of expired rows, and what the table holds.
 */
class ConsoleSessionsTest {

    @TempDir
    Path dir;

    private JdbcStores stores;
    private ApiTokenStore store;

    @BeforeEach
    void open() {
        stores = JdbcStores.openSqlite(dir.resolve("tandem.db"));
        store = stores.apiTokens();
    }

    @AfterEach
    void close() {
        stores.close();
    }

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

    private ApiToken token(long id) {
        return store.findActiveByName("t" + id)
                .orElseGet(() -> store.create("t" + id, "viewer", Long.toString(id).repeat(64).substring(0, 64),
                        Instant.EPOCH));
    }

    @Test
    void anUnusedSessionEndsAfterTheIdleTimeoutAndAUsedOneAtItsMaxAge() {
        MovableClock clock = new MovableClock();
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8), clock);
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
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8), clock, 20);
        String first = sessions.open(token(1)).cookieValue();
        String second = null;
        for (int i = 0; i < 25; i++) {
            clock.now = clock.now.plusMillis(1);
            String cookie = sessions.open(token(2)).cookieValue();
            if (i == 0) {
                second = cookie;
            }
            assertThat(sessions.size()).isLessThanOrEqualTo(20);
        }
        assertThat(sessions.size()).isEqualTo(20);
        assertThat(sessions.find(first)).isEmpty();
        assertThat(sessions.find(second)).isEmpty();
    }

    @Test
    void endForgetsTheSessionAndMalformedValuesFindNothing() {
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8),
                Clock.systemUTC());
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

    @Test
    void anExpiredRowIsDeletedWhenFoundAndEveryExpiredOneAtTheNextSignIn() {
        MovableClock clock = new MovableClock();
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8), clock);
        String a = sessions.open(token(1)).cookieValue();
        sessions.open(token(1));
        sessions.open(token(2));
        assertThat(sessions.size()).isEqualTo(3);

        clock.now = clock.now.plus(Duration.ofMinutes(31));
        assertThat(sessions.find(a)).isEmpty();
        assertThat(store.findSession(ApiTokens.hash(a))).as("deleted when found expired").isEmpty();
        assertThat(sessions.size()).isEqualTo(2);

        sessions.open(token(2));
        assertThat(sessions.size()).as("the sign-in purged the other two").isEqualTo(1);
    }

    @Test
    void theRowHoldsTheCookiesHashTheTokenIdAndRoleNeverTheCookie() {
        MovableClock clock = new MovableClock();
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8), clock);
        ApiToken t = token(7);
        ConsoleSessions.Opened o = sessions.open(t);

        ApiTokenStore.ConsoleSession row = store.findSession(ApiTokens.hash(o.cookieValue())).orElseThrow();
        assertThat(row.idHash()).matches("[0-9a-f]{64}").isNotEqualTo(o.cookieValue());
        assertThat(row.tokenId()).isEqualTo(t.id());
        assertThat(row.role()).isEqualTo("viewer");
        assertThat(row.csrfToken()).isEqualTo(o.session().csrfToken());
        assertThat(row.createdAt()).isEqualTo(clock.now);
        assertThat(row.lastSeenAt()).isEqualTo(clock.now);
        assertThat(row.expiresAt()).isEqualTo(clock.now.plus(Duration.ofHours(8)));
    }

    @Test
    void useIsWrittenAtMostOncePerTouchIntervalAndKeepsTheSessionAlive() {
        MovableClock clock = new MovableClock();
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8), clock);
        ConsoleSessions.Opened o = sessions.open(token(1));
        String key = ApiTokens.hash(o.cookieValue());
        Instant signedIn = clock.now;

        clock.now = clock.now.plusSeconds(30);
        assertThat(sessions.find(o.cookieValue())).isPresent();
        assertThat(store.findSession(key).orElseThrow().lastSeenAt()).as("within the interval: not written")
                .isEqualTo(signedIn);
        clock.now = signedIn.plus(ConsoleSessions.TOUCH_INTERVAL);
        assertThat(sessions.find(o.cookieValue())).isPresent();
        assertThat(store.findSession(key).orElseThrow().lastSeenAt()).isEqualTo(clock.now);
    }

    @Test
    void revokingTheTokenInTheStoreDeletesItsSessions() {
        ConsoleSessions sessions = new ConsoleSessions(store, Duration.ofMinutes(30), Duration.ofHours(8),
                Clock.systemUTC());
        ApiToken revoked = token(1);
        String a = sessions.open(revoked).cookieValue();
        String b = sessions.open(revoked).cookieValue();
        String kept = sessions.open(token(2)).cookieValue();

        store.revoke(revoked.id(), Instant.now());

        assertThat(sessions.find(a)).isEmpty();
        assertThat(sessions.find(b)).isEmpty();
        assertThat(sessions.find(kept)).isPresent();
        assertThat(sessions.size()).isEqualTo(1);
    }
}
