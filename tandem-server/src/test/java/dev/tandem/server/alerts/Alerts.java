package dev.tandem.server.alerts;

import java.net.URI;
import java.time.Instant;
import java.util.List;

/** Alerts for channel tests. */
final class Alerts {

    static final Instant AT = Instant.parse("2026-12-02T03:15:00Z");

    private Alerts() {
    }

    static Alert firing() {
        return new Alert("6f1c0c1e-0000-4000-8000-000000000001", "dead-letters", Condition.DEAD_LETTERS, Severity.WARNING,
                Alert.State.FIRING, "order-to-salesforce", null, 12.0, 10.0, AT.minusSeconds(600), AT,
                "12 dead letters in flow order-to-salesforce in the last 15m (threshold 10)",
                List.of(new Alert.Link("dead letters",
                        URI.create("http://tandem.example:8080/api/v1/dead-letters?flow=order-to-salesforce"))));
    }

    /** An alert whose text tries to be markup: a flow id and reason as an attacker might write them. */
    static Alert hostile() {
        return new Alert("6f1c0c1e-0000-4000-8000-000000000002", "paused", Condition.FLOW_PAUSED, Severity.CRITICAL,
                Alert.State.FIRING, "<!channel>", null, 1.0, null, AT, AT,
                "flow <!channel> is paused since 2026-12-02T03:15:00Z: <https://evil.example|click> & more",
                List.of());
    }
}
