package dev.tandem.core.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Named, expiring leases: one holder at a time per name, e.g. one active change-feed subscriber per topic per
 * deployment (a second Tandem process reading the same feed would append every event twice and race on the cursor).
 * A holder renews its lease well before it expires; a lease nobody renews expires and another holder may take it.
 */
public interface LeaseStore {

    /**
     * Takes the lease {@code name} for {@code holder} until {@code now + ttl} when it is free, expired or already
     * held by {@code holder} (a renewal); atomic across processes sharing the store.
     *
     * @return true when {@code holder} holds the lease now
     */
    boolean tryAcquire(String name, String holder, Duration ttl, Instant now);

    /** Gives the lease up if {@code holder} holds it; does nothing otherwise. */
    void release(String name, String holder);

    /** The current row of the lease, expired or not; empty when never taken or released. */
    Optional<Lease> lease(String name);

    /** One lease row. */
    record Lease(String name, String holder, Instant expiresAt) {
        /** Whether the lease is still held at {@code now}. */
        public boolean heldAt(Instant now) {
            return expiresAt.isAfter(now);
        }
    }
}
