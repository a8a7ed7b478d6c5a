package dev.tandem.core.connector;

/**
 * Whether an external system can be used now, as its connector sees it (issue 9: "a connector whose circuit is open
 * pauses its flows instead of failing events"). The flow runtime pauses every flow that uses an unavailable system
 * and, while it is paused, calls {@link #probe()} — one cheap request, never one per event — until the system
 * answers again, so an outage or an exhausted request limit costs a probe per interval instead of a retry storm and
 * dead letters.
 *
 * <p>Small on purpose (Kafka Connect style): a connector module implements it once, usually with
 * {@link AvailabilityTracker} fed by its HTTP client.
 */
public interface Availability {

    /** The system's name as flows name it ({@code salesforce}, {@code clarity}). */
    String system();

    /** The current state; cheap (no request), called by the runtime on every dispatch. */
    AvailabilityState state();

    /**
     * Makes ONE cheap call to the system (Salesforce: {@code GET /limits}; Clarity: its cheapest authenticated GET)
     * and returns the state it shows, which {@link #state()} then reports. Never throws.
     */
    AvailabilityState probe();
}
