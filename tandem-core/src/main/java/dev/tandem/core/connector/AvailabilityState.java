package dev.tandem.core.connector;

import java.time.Instant;
import java.util.Objects;

/** What {@link Availability#state()} says about a system: available, or unavailable for a cause since a moment. */
public sealed interface AvailabilityState {

    /** Why a system cannot be used; each cause has its own way back. */
    enum Cause {
        /** Not reachable, 5xx or timing out: back when it answers again. */
        OUTAGE,
        /** A request limit is used up (Salesforce REQUEST_LIMIT_EXCEEDED): back when the limit window frees. */
        RATE_LIMITED,
        /** Credentials refused (invalid_client, invalid_grant, a bad login): back when configuration is fixed. */
        CONFIGURATION
    }

    boolean available();

    static AvailabilityState available(Instant since) {
        return new Available(since);
    }

    static AvailabilityState unavailable(Cause cause, String detail, Instant since) {
        return new Unavailable(cause, detail, since);
    }

    /** Usable. */
    record Available(Instant since) implements AvailabilityState {
        public Available {
            Objects.requireNonNull(since, "since");
        }

        @Override
        public boolean available() {
            return true;
        }
    }

    /**
     * Not usable.
     *
     * @param cause  why
     * @param detail what the system said, for an operator (error code and message; never a secret)
     * @param since  when it became unavailable
     */
    record Unavailable(Cause cause, String detail, Instant since) implements AvailabilityState {
        public Unavailable {
            Objects.requireNonNull(cause, "cause");
            Objects.requireNonNull(since, "since");
            detail = detail == null ? "" : detail;
        }

        @Override
        public boolean available() {
            return false;
        }

        /** {@code OUTAGE: SERVER_UNAVAILABLE: ...}. */
        public String summary() {
            return detail.isEmpty() ? cause.name() : cause.name() + ": " + detail;
        }
    }
}
