package dev.tandem.server.alerts;

import java.util.List;
import java.util.Objects;

/** An alert as sent: the alert and, per channel of its rule, whether it was delivered. */
public record SentAlert(Alert alert, List<Delivery> deliveries) {
    public SentAlert {
        Objects.requireNonNull(alert, "alert");
        deliveries = List.copyOf(deliveries);
    }

    /** Whether every channel took it. */
    public boolean delivered() {
        return deliveries.stream().allMatch(Delivery::delivered);
    }
}
