package dev.tandem.server.alerts;

import java.util.Objects;

/**
 * A credential from tandem.yaml (a webhook secret, a Slack webhook URL, an SMTP password): readable only through
 * {@link #reveal()}, so that printing a setting, a channel or an error never shows it.
 */
public final class Secret {

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The value itself: for the one place that sends it. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "***";
    }
}
