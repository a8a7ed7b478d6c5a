package dev.tandem.server.alerts;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertNotifierTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T03:00:00Z"));

    @Test
    void aChannelFailingTheSameWayIsLoggedOnceUntilItWorksAgain() {
        RecordingChannel pager = new RecordingChannel("pager");
        try (LogCapture log = new LogCapture();
             AlertNotifier notifier = new AlertNotifier(Map.of("pager", pager), new AlertLinks(null), 10, clock)) {
            pager.failWith = "HTTP 503";
            for (int i = 0; i < 3; i++) {
                notifier.send(Alerts.firing(), List.of("pager"));
            }
            pager.failWith = "connection refused";
            notifier.send(Alerts.firing(), List.of("pager"));
            pager.failWith = null;
            notifier.send(Alerts.firing(), List.of("pager"));
            pager.failWith = "HTTP 503";
            notifier.send(Alerts.firing(), List.of("pager"));

            assertThat(log.lines(Level.WARN)).hasSize(3).satisfiesExactly(
                    l -> assertThat(l).startsWith("Alert channel pager failed: HTTP 503"),
                    l -> assertThat(l).startsWith("Alert channel pager failed: connection refused"),
                    l -> assertThat(l).startsWith("Alert channel pager failed: HTTP 503"));
            assertThat(log.lines(Level.INFO)).containsExactly("Alert channel pager delivers again (recorded)");
            assertThat(notifier.history()).hasSize(6);
            assertThat(notifier.history().getFirst().deliveries().getFirst().detail()).isEqualTo("HTTP 503");
        }
    }

    @Test
    void aChannelThatThrowsIsRecordedAndTheNextChannelStillSends() {
        AlertChannel broken = new AlertChannel() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Delivery send(Alert alert) {
                throw new IllegalStateException("bug");
            }

            @Override
            public List<String> secrets() {
                return List.of();
            }
        };
        RecordingChannel next = new RecordingChannel("next");
        try (AlertNotifier notifier = new AlertNotifier(Map.of("broken", broken, "next", next), new AlertLinks(null),
                10, clock)) {
            SentAlert sent = notifier.send(Alerts.firing(), List.of("broken", "next"));
            assertThat(sent.deliveries()).extracting(Delivery::detail)
                    .containsExactly("channel failed (IllegalStateException)", "recorded");
            assertThat(next.received).hasSize(1);
        }
    }
}
