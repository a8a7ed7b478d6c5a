package dev.tandem.sandbox.clarity.webhook;

import java.time.Instant;

/**
 * One event on its way to one subscription, with its retry state. The body bytes are fixed at creation, so every
 * attempt carries the same {@code EventID} (spec §11, at-least-once); only the signature is recomputed per attempt.
 */
final class Delivery {

    private final int id;
    private final WebhookEvent event;
    private final Subscription subscription;
    private final byte[] body;
    private final boolean duplicate;
    private final Instant createdDate;
    private final long createdNanos;

    private DeliveryStatus status = DeliveryStatus.Pending;
    private int attempts;
    private Integer lastStatusCode;
    private String lastError;
    private Instant lastAttemptDate;
    private Instant nextAttemptDate;
    private Instant deliveredDate;

    Delivery(int id, WebhookEvent event, Subscription subscription, byte[] body, boolean duplicate,
            Instant createdDate, long createdNanos) {
        this.id = id;
        this.event = event;
        this.subscription = subscription;
        this.body = body;
        this.duplicate = duplicate;
        this.createdDate = createdDate;
        this.createdNanos = createdNanos;
    }

    int id() {
        return id;
    }

    Subscription subscription() {
        return subscription;
    }

    byte[] body() {
        return body;
    }

    long createdNanos() {
        return createdNanos;
    }

    synchronized DeliveryStatus status() {
        return status;
    }

    /** Records the start of an attempt and returns its 1-based number. */
    synchronized int startAttempt(Instant now) {
        lastAttemptDate = now;
        nextAttemptDate = null;
        return ++attempts;
    }

    synchronized void delivered(int statusCode, Instant now) {
        lastStatusCode = statusCode;
        lastError = null;
        deliveredDate = now;
        status = DeliveryStatus.Delivered;
    }

    synchronized void retryAt(Integer statusCode, String error, Instant next) {
        lastStatusCode = statusCode;
        lastError = error;
        nextAttemptDate = next;
    }

    synchronized void scheduledAt(Instant next) {
        nextAttemptDate = next;
    }

    synchronized void failed(Integer statusCode, String error) {
        lastStatusCode = statusCode;
        lastError = error;
        nextAttemptDate = null;
        status = DeliveryStatus.Failed;
    }

    synchronized DeliveryView view() {
        return new DeliveryView(id, event.eventId(), event.eventType(), event.entity(), event.id(), event.customKey(),
                subscription.id(), subscription.url().toString(), status, duplicate, attempts, lastStatusCode,
                lastError, createdDate, lastAttemptDate, nextAttemptDate, deliveredDate);
    }
}
