package dev.tandem.store.jdbc;

import dev.tandem.core.spi.LeaseStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** What every {@link LeaseStore} implementation guarantees (subclasses open it, restart it, open a second one). */
abstract class LeaseStoreContractTest {

    private static final Instant NOW = Instant.parse("2026-03-01T10:15:30.123Z");
    private static final Duration TTL = Duration.ofSeconds(30);

    protected LeaseStore leases;

    protected abstract LeaseStore openEmpty();

    protected abstract LeaseStore restart();

    /** A second store on the same storage, as another process would open it. */
    protected abstract LeaseStore second();

    @BeforeEach
    void open() {
        leases = openEmpty();
    }

    @Test
    void aFreeLeaseIsTakenAndThenHeldAgainstOthers() {
        assertThat(leases.tryAcquire("cdc:/data/AccountChangeEvent", "node-a", TTL, NOW)).isTrue();

        assertThat(leases.tryAcquire("cdc:/data/AccountChangeEvent", "node-b", TTL, NOW.plusSeconds(29))).isFalse();
        assertThat(second().tryAcquire("cdc:/data/AccountChangeEvent", "node-b", TTL, NOW.plusSeconds(1))).isFalse();
        assertThat(leases.lease("cdc:/data/AccountChangeEvent")).hasValueSatisfying(lease -> {
            assertThat(lease.holder()).isEqualTo("node-a");
            assertThat(lease.expiresAt()).isEqualTo(NOW.plus(TTL));
        });
    }

    @Test
    void theHolderRenewsAndTheExpiryMovesOn() {
        leases.tryAcquire("t", "node-a", TTL, NOW);

        assertThat(leases.tryAcquire("t", "node-a", TTL, NOW.plusSeconds(20))).isTrue();

        assertThat(leases.lease("t").orElseThrow().expiresAt()).isEqualTo(NOW.plusSeconds(50));
        assertThat(leases.tryAcquire("t", "node-b", TTL, NOW.plusSeconds(40))).isFalse();
    }

    @Test
    void anExpiredLeaseIsTakenOverByAnother() {
        leases.tryAcquire("t", "node-a", TTL, NOW);

        assertThat(leases.tryAcquire("t", "node-b", TTL, NOW.plus(TTL))).isTrue();
        assertThat(leases.lease("t").orElseThrow().holder()).isEqualTo("node-b");
        assertThat(leases.tryAcquire("t", "node-a", TTL, NOW.plus(TTL))).isFalse();
    }

    @Test
    void releasingFreesTheLeaseOnlyForItsHolder() {
        leases.tryAcquire("t", "node-a", TTL, NOW);

        leases.release("t", "node-b");
        assertThat(leases.lease("t")).isPresent();

        leases.release("t", "node-a");
        assertThat(leases.lease("t")).isEmpty();
        assertThat(leases.tryAcquire("t", "node-b", TTL, NOW)).isTrue();
    }

    @Test
    void leasesWithDifferentNamesAreIndependentAndSurviveARestart() {
        leases.tryAcquire("t1", "node-a", TTL, NOW);
        leases.tryAcquire("t2", "node-b", TTL, NOW);

        leases = restart();

        assertThat(leases.lease("t1").orElseThrow().holder()).isEqualTo("node-a");
        assertThat(leases.lease("t2").orElseThrow().holder()).isEqualTo("node-b");
        assertThat(leases.lease("t1").orElseThrow().heldAt(NOW)).isTrue();
        assertThat(leases.lease("t1").orElseThrow().heldAt(NOW.plus(TTL))).isFalse();
    }
}
