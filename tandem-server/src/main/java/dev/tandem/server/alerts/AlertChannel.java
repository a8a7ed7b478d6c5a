package dev.tandem.server.alerts;

import java.util.List;

/**
 * Where alerts go: a webhook, Slack, e-mail. {@link #send} reports the outcome instead of throwing, so a receiver that
 * is down never stops the evaluation of the other rules or the sends to the other channels.
 */
public interface AlertChannel extends AutoCloseable {

    /** The name under {@code alerts.channels}. */
    String name();

    /** Sends one alert; returns whether the receiver took it and what it answered. Never throws. */
    Delivery send(Alert alert);

    /** The channel's credentials, to be kept out of every text Tandem produces (history, logs, alert bodies). */
    List<String> secrets();

    @Override
    default void close() {
    }
}
