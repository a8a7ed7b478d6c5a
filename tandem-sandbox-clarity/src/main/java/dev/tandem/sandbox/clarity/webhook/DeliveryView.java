package dev.tandem.sandbox.clarity.webhook;

import java.time.Instant;
import java.util.UUID;

/** One entry of the delivery log, as {@code GET /Webhooks/Deliveries} returns it. */
public record DeliveryView(
        int id,
        UUID eventId,
        String eventType,
        String entity,
        int entityId,
        String customKey,
        int subscriptionId,
        String url,
        DeliveryStatus status,
        boolean duplicate,
        int attempts,
        Integer lastStatusCode,
        String lastError,
        Instant createdDate,
        Instant lastAttemptDate,
        Instant nextAttemptDate,
        Instant deliveredDate) {
}
