package dev.tandem.core.event;

import java.time.Instant;

/**
 * An event as stored in the event log.
 *
 * @param offset     the event's position in the log (strictly increasing, starts at 1)
 * @param event      the event
 * @param receivedAt when Tandem durably stored it
 */
public record LoggedEvent(long offset, InboundEvent event, Instant receivedAt) {
}
