package dev.tandem.store.jdbc;

import dev.tandem.core.spi.ApiTokenStore;
import dev.tandem.core.spi.ApiTokenStore.AdminAuditEntry;
import dev.tandem.core.spi.ApiTokenStore.ApiToken;
import dev.tandem.core.spi.ApiTokenStore.ConsoleSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every {@link ApiTokenStore} guarantees (subclasses open it and restart it). */
abstract class ApiTokenStoreContractTest {

    private static final Instant NOW = Instant.parse("2026-12-02T03:00:00.123Z");
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    protected ApiTokenStore tokens;

    protected abstract ApiTokenStore openEmpty();

    protected abstract ApiTokenStore restart();

    @BeforeEach
    void open() {
        tokens = openEmpty();
    }

    @Test
    void aCreatedTokenIsFoundByItsHashAndSurvivesARestart() {
        ApiToken created = tokens.create("ci", "operator", HASH_A, NOW);

        tokens = restart();

        ApiToken found = tokens.findByHash(HASH_A).orElseThrow();
        assertThat(found).isEqualTo(created);
        assertThat(found.active()).isTrue();
        assertThat(found.lastUsedAt()).isNull();
        assertThat(tokens.find(created.id())).contains(created);
        assertThat(tokens.findActiveByName("ci")).contains(created);
        assertThat(tokens.findByHash(HASH_B)).isEmpty();
    }

    @Test
    void aRevokedTokenStaysListedButIsNoLongerActive() {
        ApiToken ci = tokens.create("ci", "viewer", HASH_A, NOW);
        tokens.create("ops", "admin", HASH_B, NOW);

        assertThat(tokens.revoke(ci.id(), NOW.plusSeconds(5))).isTrue();
        assertThat(tokens.revoke(ci.id(), NOW.plusSeconds(9))).isTrue();

        ApiToken revoked = tokens.findByHash(HASH_A).orElseThrow();
        assertThat(revoked.active()).isFalse();
        assertThat(revoked.revokedAt()).as("a second revoke keeps the first time").isEqualTo(NOW.plusSeconds(5));
        assertThat(tokens.findActiveByName("ci")).isEmpty();
        assertThat(tokens.list()).extracting(ApiToken::name).containsExactly("ci", "ops");
        assertThat(tokens.revoke(999_999, NOW)).isFalse();
    }

    @Test
    void anActiveNameIsUniqueButARevokedOnesNameCanBeReused() {
        ApiToken first = tokens.create("ci", "viewer", HASH_A, NOW);

        assertThatThrownBy(() -> tokens.create("ci", "admin", HASH_B, NOW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ci");

        tokens.revoke(first.id(), NOW);
        ApiToken second = tokens.create("ci", "admin", HASH_B, NOW);
        assertThat(tokens.findActiveByName("ci")).contains(second);
    }

    @Test
    void touchingRecordsTheLastUse() {
        ApiToken ci = tokens.create("ci", "viewer", HASH_A, NOW);

        tokens.touch(ci.id(), NOW.plusSeconds(60));

        assertThat(tokens.find(ci.id()).orElseThrow().lastUsedAt()).isEqualTo(NOW.plusSeconds(60));
    }

    @Test
    void theAuditLogIsPagedNewestFirstAndFilteredByActor() {
        for (int i = 0; i < 5; i++) {
            tokens.audit(entry(i % 2 == 0 ? "alice" : "bob", i));
        }

        List<AdminAuditEntry> first = tokens.auditPage(Long.MAX_VALUE, Optional.empty(), 2);
        List<AdminAuditEntry> second = tokens.auditPage(first.get(1).id(), Optional.empty(), 2);
        List<AdminAuditEntry> last = tokens.auditPage(second.get(1).id(), Optional.empty(), 2);

        assertThat(first).extracting(AdminAuditEntry::path).containsExactly("/api/v1/x/4", "/api/v1/x/3");
        assertThat(second).extracting(AdminAuditEntry::path).containsExactly("/api/v1/x/2", "/api/v1/x/1");
        assertThat(last).extracting(AdminAuditEntry::path).containsExactly("/api/v1/x/0");
        assertThat(tokens.auditPage(Long.MAX_VALUE, Optional.of("bob"), 10))
                .extracting(AdminAuditEntry::path).containsExactly("/api/v1/x/3", "/api/v1/x/1");
        assertThat(first.get(0)).usingRecursiveComparison().ignoringFields("id").isEqualTo(entry("alice", 4));
    }

    @Test
    void hostileFilterValuesAreDataNotSql() {
        tokens.audit(entry("alice", 0));

        assertThat(tokens.auditPage(Long.MAX_VALUE, Optional.of("x' OR '1'='1"), 10)).isEmpty();
        assertThat(tokens.auditPage(Long.MAX_VALUE, Optional.of("'; DROP TABLE admin_audit; --"), 10)).isEmpty();
        assertThat(tokens.auditPage(Long.MAX_VALUE, Optional.empty(), 10)).hasSize(1);
    }

    @Test
    void aConsoleSessionSurvivesARestartAndIsTouchedForwardOnly() {
        ApiToken ci = tokens.create("ci", "operator", HASH_A, NOW);
        ConsoleSession session = session("1", ci.id(), NOW);
        tokens.createSession(session);

        tokens = restart();

        assertThat(tokens.findSession(session.idHash())).contains(session);
        tokens.touchSession(session.idHash(), NOW.plusSeconds(60));
        tokens.touchSession(session.idHash(), NOW.plusSeconds(30));
        assertThat(tokens.findSession(session.idHash()).orElseThrow().lastSeenAt()).isEqualTo(NOW.plusSeconds(60));
        assertThat(tokens.findSession("f".repeat(64))).isEmpty();
        assertThat(tokens.sessionCount()).isEqualTo(1);
    }

    @Test
    void deletingRevokingPurgingAndTrimmingRemoveSessions() {
        ApiToken ci = tokens.create("ci", "operator", HASH_A, NOW);
        ApiToken ops = tokens.create("ops", "admin", HASH_B, NOW);
        tokens.createSession(session("1", ci.id(), NOW));
        tokens.createSession(session("2", ci.id(), NOW));
        tokens.createSession(session("3", ops.id(), NOW));

        assertThat(tokens.deleteSession(hash("3"))).isTrue();
        assertThat(tokens.deleteSession(hash("3"))).isFalse();
        tokens.createSession(session("3", ops.id(), NOW));
        assertThat(tokens.revoke(ci.id(), NOW)).isTrue();
        assertThat(tokens.findSession(hash("1"))).isEmpty();
        assertThat(tokens.findSession(hash("2"))).isEmpty();
        assertThat(tokens.findSession(hash("3"))).isPresent();

        for (int i = 4; i < 9; i++) {
            tokens.createSession(session(Integer.toString(i), ops.id(), NOW.plusSeconds(i)));
        }
        // "3" (idle: last seen at NOW) and "4" (past its absolute end at NOW + 4 s + 8 h) go.
        assertThat(tokens.purgeSessions(NOW.plusSeconds(4).plus(java.time.Duration.ofHours(8)), NOW.plusSeconds(1)))
                .isEqualTo(2);
        assertThat(tokens.sessionCount()).isEqualTo(4);
        assertThat(tokens.trimSessions(2)).isEqualTo(2);
        assertThat(tokens.findSession(hash("7"))).isPresent();
        assertThat(tokens.findSession(hash("8"))).isPresent();
        assertThat(tokens.trimSessions(5)).isZero();
        assertThat(tokens.sessionCount()).isEqualTo(2);
    }

    private static String hash(String name) {
        return name.repeat(64);
    }

    private static ConsoleSession session(String name, long tokenId, Instant at) {
        return new ConsoleSession(hash(name), tokenId, "operator", "csrf-" + name, at, at,
                at.plus(java.time.Duration.ofHours(8)));
    }

    private static AdminAuditEntry entry(String actor, int i) {
        return new AdminAuditEntry(0, NOW.plusSeconds(i), actor, "admin", "POST", "/api/v1/x/" + i,
                "POST /api/v1/x/{id}", 200 + i, "127.0.0.1");
    }
}
