package dev.tandem.sandbox.clarity.webhook;

import java.util.List;

/** The body of {@code POST /Webhooks/Subscriptions}: {@code {"Url","Secret","EventTypes":["*"]}} (spec §11). */
public record SubscriptionRequest(String url, String secret, List<String> eventTypes) {
}
