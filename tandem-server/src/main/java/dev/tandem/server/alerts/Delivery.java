package dev.tandem.server.alerts;

import java.util.Objects;

/**
 * What became of one alert at one channel.
 *
 * @param detail what the receiver answered ({@code HTTP 204}, {@code 250 accepted by smtp.example:587}) or why it
 *               failed ({@code HTTP 500}, {@code connection refused}); never a credential or a URL
 */
public record Delivery(String channel, boolean delivered, String detail) {
    public Delivery {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(detail, "detail");
    }

    static Delivery ok(String channel, String detail) {
        return new Delivery(channel, true, detail);
    }

    static Delivery failed(String channel, String reason) {
        return new Delivery(channel, false, reason);
    }
}
