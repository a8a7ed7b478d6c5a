package dev.tandem.core.event;

import java.time.Instant;
import java.util.Objects;

/**
 * A change notification received from a source system: which record changed, never the record itself.
 * Flows fetch the current record before they write (architecture: "an event is a notification"),
 * which makes redelivery and out-of-order delivery safe.
 *
 * @param source        the system the event came from, e.g. {@code clarity}
 * @param sourceEventId the source's unique event id (Clarity's {@code EventID}); the event log de-duplicates on
 *                      ({@code source}, {@code sourceEventId})
 * @param type          the event type, e.g. {@code SalesOrder.Created}
 * @param entity        the entity name in the source, e.g. {@code SalesOrder}
 * @param entityId      the record's id in the source, e.g. {@code 5001}
 * @param entityKey     the record's natural key in the source (Clarity {@code CustomKey}); empty when unknown
 * @param occurredAt    when the change happened at the source
 * @param payload       the raw notification body as received (JSON), kept for audit and replay
 */
public record InboundEvent(
        String source,
        String sourceEventId,
        String type,
        String entity,
        String entityId,
        String entityKey,
        Instant occurredAt,
        String payload) {

    public InboundEvent {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(sourceEventId, "sourceEventId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(entityId, "entityId");
        entityKey = entityKey == null ? "" : entityKey;
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(payload, "payload");
    }
}
