package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.webhook.DeliveryStatus;
import dev.tandem.sandbox.clarity.webhook.DeliveryView;
import dev.tandem.sandbox.clarity.webhook.Subscription;
import dev.tandem.sandbox.clarity.webhook.SubscriptionRequest;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Test switches and the delivery log of the webhook extension (spec §11). */
public final class SandboxWebhooks {

    private final WebhookDispatcher dispatcher;

    SandboxWebhooks(WebhookDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    /** Subscribes a receiver, as {@code POST /Webhooks/Subscriptions} does; no event types means all ({@code *}). */
    public Subscription subscribe(String url, String secret, String... eventTypes) {
        return dispatcher.subscribe(new SubscriptionRequest(url, secret, List.of(eventTypes)));
    }

    /** The share of events (0..1) delivered a second time with the same EventID. */
    public void setDuplicateRate(double rate) {
        dispatcher.setDuplicateRate(rate);
    }

    /** Adds a random delay of 0..{@linkplain #setMaxJitter max jitter} to every delivery so events overtake each other. */
    public void setOutOfOrder(boolean outOfOrder) {
        dispatcher.setOutOfOrder(outOfOrder);
    }

    public void setMaxJitter(Duration maxJitter) {
        dispatcher.setMaxJitter(maxJitter);
    }

    public int pendingDeliveries() {
        return (int) dispatcher.count(DeliveryStatus.Pending);
    }

    public long deliveredCount() {
        return dispatcher.count(DeliveryStatus.Delivered);
    }

    public long failedCount() {
        return dispatcher.count(DeliveryStatus.Failed);
    }

    /** The whole delivery log, oldest first. */
    public List<DeliveryView> deliveries() {
        return dispatcher.deliveries(Optional.empty());
    }

    public List<DeliveryView> deliveries(DeliveryStatus status) {
        return dispatcher.deliveries(Optional.of(status));
    }
}
