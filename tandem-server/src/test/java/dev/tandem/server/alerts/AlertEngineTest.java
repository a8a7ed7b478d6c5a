package dev.tandem.server.alerts;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class AlertEngineTest {

    private static final Instant T0 = Instant.parse("2026-12-02T03:00:00Z");
    private static final String CHANNELS = """
            publicUrl: http://tandem.example:8080/
            repeatEvery: 1h
            channels:
              a: {type: webhook, url: http://127.0.0.1:1/a, secret: 0123456789abcdef}
              b: {type: webhook, url: http://127.0.0.1:1/b, secret: 0123456789abcdef}
            """;

    private final MutableClock clock = new MutableClock(T0);
    private final FakeSignals signals = new FakeSignals();
    private final RecordingChannel a = new RecordingChannel("a");
    private final RecordingChannel b = new RecordingChannel("b");
    private AlertEngine engine;

    private AlertEngine engine(String rules) {
        AlertsSettings settings = AlertsYaml.parse(CHANNELS + rules);
        Map<String, AlertChannel> channels = new LinkedHashMap<>();
        channels.put("a", a);
        channels.put("b", b);
        engine = new AlertEngine(settings, signals,
                new AlertNotifier(channels, new AlertLinks(settings.publicUrl()), settings.historySize(), clock), clock);
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private static List<Alert.State> states(List<SentAlert> sent) {
        return sent.stream().map(s -> s.alert().state()).toList();
    }

    @Test
    void aConditionFiresOnceIsThrottledUntilRepeatEveryAndResolvesAtOnce() {
        AlertEngine e = engine("""
                rules:
                  - {name: dead-letters, condition: deadLetters, threshold: 10, window: 15m, channels: [a, b]}
                """);
        signals.deadLetter("order-to-salesforce", T0, 12);

        List<SentAlert> first = e.evaluateNow();
        assertThat(states(first)).containsExactly(Alert.State.FIRING);
        Alert alert = first.getFirst().alert();
        assertThat(alert.summary()).isEqualTo("12 dead letters across all flows in the last 15m (threshold 10)");
        assertThat(alert.value()).isEqualTo(12.0);
        assertThat(alert.threshold()).isEqualTo(10.0);
        assertThat(alert.since()).isEqualTo(T0);
        assertThat(a.received).hasSize(1);
        assertThat(b.received).hasSize(1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(e.evaluateNow()).as("still firing, within repeatEvery: throttled").isEmpty();
        clock.advance(Duration.ofMinutes(10));
        signals.deadLetter("order-to-salesforce", clock.instant(), 1);
        assertThat(e.evaluateNow()).isEmpty();
        assertThat(a.received).hasSize(1);

        clock.advance(Duration.ofMinutes(50)); // an hour after the first: due again, the first 12 are out of the window
        signals.deadLetter("order-to-salesforce", clock.instant(), 11);
        List<SentAlert> repeat = e.evaluateNow();
        assertThat(states(repeat)).containsExactly(Alert.State.FIRING);
        assertThat(repeat.getFirst().alert().since()).as("a repeat keeps the first firing time").isEqualTo(T0);
        assertThat(repeat.getFirst().alert().value()).isEqualTo(11.0);

        clock.advance(Duration.ofMinutes(16));
        List<SentAlert> resolved = e.evaluateNow();
        assertThat(states(resolved)).containsExactly(Alert.State.RESOLVED);
        assertThat(resolved.getFirst().alert().summary()).startsWith("0 dead letters across all flows");
        assertThat(e.firing()).isEmpty();
        assertThat(e.evaluateNow()).as("resolved once").isEmpty();

        signals.deadLetter("order-to-salesforce", clock.instant(), 20);
        assertThat(states(e.evaluateNow())).as("a new firing after resolution is sent at once")
                .containsExactly(Alert.State.FIRING);
        assertThat(e.history()).extracting(s -> s.alert().state()).containsExactly(Alert.State.FIRING,
                Alert.State.RESOLVED, Alert.State.FIRING, Alert.State.FIRING);
        assertThat(a.received).hasSize(4);
    }

    @Test
    void reconcileDriftFiresPerObjectAboveTheConfiguredThresholdAndResolvesWhenARunFindsLess() {
        AlertEngine e = engine("""
                rules:
                  - {name: drift, condition: reconcileDrift, channels: [a]}
                """);
        signals.drift("products", 12, T0, 10).drift("inventory", 3, T0, 10);

        List<SentAlert> first = e.evaluateNow();
        assertThat(first).singleElement().satisfies(s -> {
            assertThat(s.alert().state()).isEqualTo(Alert.State.FIRING);
            assertThat(s.alert().source()).isEqualTo("products");
            assertThat(s.alert().summary()).contains("found 12 drifted or missing records (threshold 10)");
        });
        signals.drift("products", 0, T0, 10);
        assertThat(states(e.evaluateNow())).containsExactly(Alert.State.RESOLVED);
    }

    @Test
    void perFlowRulesFireResolveAndThrottleEachFlowAlone() {
        AlertEngine e = engine("""
                rules:
                  - {name: dl, condition: deadLetters, threshold: 2, perFlow: true, channels: [a]}
                """);
        signals.flow("quiet-flow").deadLetter("orders", T0, 3).deadLetter("customers", T0, 5);

        List<SentAlert> first = e.evaluateNow();
        assertThat(first).extracting(s -> s.alert().flow()).containsExactlyInAnyOrder("orders", "customers");
        assertThat(first).allSatisfy(s -> assertThat(s.alert().state()).isEqualTo(Alert.State.FIRING));
        assertThat(first).filteredOn(s -> s.alert().flow().equals("orders")).singleElement()
                .satisfies(s -> assertThat(s.alert().summary())
                        .isEqualTo("3 dead letters in flow orders in the last 15m (threshold 2)"))
                .satisfies(s -> assertThat(s.alert().links()).extracting(l -> l.url().toString())
                        .contains("http://tandem.example:8080/api/v1/dead-letters?flow=orders",
                                "http://tandem.example:8080/api/v1/dead-letters/orders-2"));

        clock.advance(Duration.ofMinutes(1));
        signals.deadLetter("orders", clock.instant(), 10);
        assertThat(e.evaluateNow()).as("orders fires already: no duplicate").isEmpty();

        clock.advance(Duration.ofMinutes(15)); // the first batch left the window; orders' last 10 still count
        signals.deadLetter("quiet-flow", clock.instant(), 3);
        List<SentAlert> later = e.evaluateNow();
        assertThat(later).extracting(s -> s.alert().flow() + " " + s.alert().state())
                .containsExactlyInAnyOrder("customers RESOLVED", "quiet-flow FIRING");
        assertThat(e.firing()).extracting(AlertEngine.Firing::flow).containsExactlyInAnyOrder("orders", "quiet-flow");
    }

    @Test
    void aPausedFlowFiresWithItsReasonAndResolvesWhenItRuns() {
        AlertEngine e = engine("""
                rules:
                  - {name: paused, condition: flowPaused, severity: critical, channels: [a]}
                """);
        Instant pausedAt = T0.minus(Duration.ofMinutes(3));
        signals.flow("orders").pause("orders", "circuit open: SALESFORCE_UNAVAILABLE", pausedAt);

        SentAlert fired = e.evaluateNow().getFirst();
        assertThat(fired.alert().state()).isEqualTo(Alert.State.FIRING);
        assertThat(fired.alert().severity()).isEqualTo(Severity.CRITICAL);
        assertThat(fired.alert().since()).isEqualTo(pausedAt);
        assertThat(fired.alert().summary())
                .isEqualTo("flow orders is paused since 2026-12-02T02:57:00Z: circuit open: SALESFORCE_UNAVAILABLE");

        signals.resume("orders");
        clock.advance(Duration.ofSeconds(30));
        SentAlert resolved = e.evaluateNow().getFirst();
        assertThat(resolved.alert().state()).isEqualTo(Alert.State.RESOLVED);
        assertThat(resolved.alert().flow()).isEqualTo("orders");
        assertThat(resolved.alert().summary()).isEqualTo("flow orders is no longer paused");
    }

    @Test
    void theErrorRateNeedsEnoughRecordsAndGoesAboveThePercentage() {
        AlertEngine e = engine("""
                rules:
                  - {name: errors, condition: errorRate, threshold: 10, minEvents: 20, flow: orders, channels: [a]}
                """);
        signals.throughput("orders", 5, 5);
        assertThat(e.evaluateNow()).as("5 of 5 failed, but 5 records are too few to judge").isEmpty();
        signals.throughput("orders", 40, 15);
        SentAlert fired = e.evaluateNow().getFirst();
        assertThat(fired.alert().summary())
                .isEqualTo("37.5% of 40 records failed in flow orders in the last 15m (threshold 10%)");
        signals.throughput("orders", 40, 4);
        assertThat(states(e.evaluateNow())).containsExactly(Alert.State.RESOLVED);
    }

    @Test
    void authFailuresApiUsageAndRetryAgeCompareWithTheirThresholds() {
        AlertEngine e = engine("""
                rules:
                  - {name: auth, condition: authFailures, threshold: 2, window: 5m, channels: [a]}
                  - {name: budget, condition: salesforceApiUsage, threshold: 80, channels: [a]}
                  - {name: retries, condition: retryQueueAge, olderThan: 1h, channels: [a]}
                """);
        signals.authFailure(T0).authFailure(T0).authFailure(T0).apiUsage(83.25).retryAge(Duration.ofMinutes(90));
        List<SentAlert> sent = e.evaluateNow();
        assertThat(sent).extracting(s -> s.alert().summary()).containsExactly(
                "3 authentication failures in the last 5m (threshold 2)",
                "Salesforce daily API usage at 83.25% (threshold 80%)",
                "the oldest record in the retry queue has waited 90m (olderThan 1h)");
        assertThat(sent.get(2).alert().threshold()).isEqualTo(3600.0);

        clock.advance(Duration.ofMinutes(6));
        signals.apiUsage(null).retryAge(null);
        assertThat(e.evaluateNow()).as("auth failures left the window, the queue is empty; unknown usage keeps its alert")
                .extracting(s -> s.alert().rule() + " " + s.alert().state())
                .containsExactly("auth RESOLVED", "retries RESOLVED");
        assertThat(e.firing()).extracting(AlertEngine.Firing::rule).containsExactly("budget");
    }

    @Test
    void aSourceFiresWhenFailingOrSilentForLongerThanSilentFor() {
        AlertEngine e = engine("""
                rules:
                  - {name: sources, condition: sourceUnhealthy, silentFor: 30m, channels: [a]}
                """);
        signals.source("clarityPoll", new AlertSignals.SourceState(AlertSignals.Health.FAILING, T0,
                        "the last poll failed for [SalesOrder]: HTTP 503"))
                .source("clarityWebhook", new AlertSignals.SourceState(AlertSignals.Health.OK,
                        T0.minus(Duration.ofMinutes(10)), ""));
        List<SentAlert> sent = e.evaluateNow();
        assertThat(sent).singleElement().satisfies(s -> {
            assertThat(s.alert().source()).isEqualTo("clarityPoll");
            assertThat(s.alert().summary())
                    .isEqualTo("source clarityPoll is failing: the last poll failed for [SalesOrder]: HTTP 503");
        });

        clock.advance(Duration.ofMinutes(25)); // the webhook has now received nothing for 35 minutes
        signals.source("clarityPoll", new AlertSignals.SourceState(AlertSignals.Health.OK, clock.instant(), ""));
        List<SentAlert> later = e.evaluateNow();
        assertThat(later).extracting(s -> s.alert().source() + " " + s.alert().state())
                .containsExactly("clarityPoll RESOLVED", "clarityWebhook FIRING");
        assertThat(later.get(1).alert().summary()).isEqualTo("source clarityWebhook has received nothing for 35m, "
                + "since 2026-12-02T02:50:00Z (silentFor 30m)");
        assertThat(later.get(1).alert().since()).isEqualTo(T0.minus(Duration.ofMinutes(10)));
    }

    @Test
    void signalsThatCannotBeReadLeaveTheAlertsAsTheyAreAndOtherRulesGoOn() {
        AlertEngine e = engine("""
                rules:
                  - {name: dl, condition: deadLetters, threshold: 0, channels: [a]}
                  - {name: budget, condition: salesforceApiUsage, threshold: 50, channels: [b]}
                """);
        signals.deadLetter("orders", T0, 1);
        assertThat(e.evaluateNow()).hasSize(1);
        signals.failWith(new IllegalStateException("store is down"));
        clock.advance(Duration.ofHours(2));
        assertThat(e.evaluateNow()).as("neither repeated nor resolved while unreadable").isEmpty();
        assertThat(e.firing()).extracting(AlertEngine.Firing::rule).containsExactly("dl");
        signals.failWith(null).clearDeadLetters().apiUsage(75.0);
        assertThat(e.evaluateNow()).extracting(s -> s.alert().rule() + " " + s.alert().state())
                .containsExactly("dl RESOLVED", "budget FIRING");
    }

    @Test
    void aFailingChannelIsRecordedInTheHistoryAndTheOtherChannelStillGetsTheAlert() {
        AlertEngine e = engine("""
                rules:
                  - {name: dl, condition: deadLetters, threshold: 0, channels: [a, b]}
                """);
        a.failWith = "HTTP 500";
        signals.deadLetter("orders", T0, 1);
        SentAlert sent = e.evaluateNow().getFirst();
        assertThat(sent.delivered()).isFalse();
        assertThat(sent.deliveries()).extracting(Delivery::channel, Delivery::delivered, Delivery::detail)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", false, "HTTP 500"),
                        org.assertj.core.groups.Tuple.tuple("b", true, "recorded"));
        assertThat(e.history()).containsExactly(sent);
    }

    @Test
    void aReceiverAnswering500OrNotListeningIsInTheHistoryAndTheEngineGoesOn() throws Exception {
        try (Receiver failing = new Receiver()) {
            failing.status = 500;
            AlertsSettings settings = AlertsYaml.parse("""
                    channels:
                      broken: {type: webhook, url: '%s', secret: 0123456789abcdef}
                      absent: {type: webhook, url: 'http://127.0.0.1:%d/x', secret: 0123456789abcdef}
                    rules:
                      - {name: dl, condition: deadLetters, threshold: 0, channels: [broken, absent]}
                      - {name: paused, condition: flowPaused, channels: [broken]}
                    """.formatted(failing.url("/hook"), Receiver.closedPort()));
            engine = new AlertEngine(settings, signals, AlertNotifier.fromSettings(settings, clock), clock);
            signals.deadLetter("orders", T0, 1).pause("orders", "circuit open", T0);

            List<SentAlert> sent = engine.evaluateNow();
            assertThat(sent).extracting(s -> s.alert().rule()).containsExactly("dl", "paused");
            assertThat(sent.getFirst().deliveries()).extracting(Delivery::detail)
                    .containsExactly("HTTP 500", "connection refused");
            signals.clearDeadLetters();
            failing.status = 204;
            clock.advance(Duration.ofMinutes(1));
            assertThat(engine.evaluateNow()).singleElement().satisfies(s -> {
                assertThat(s.alert().state()).isEqualTo(Alert.State.RESOLVED);
                assertThat(s.deliveries()).extracting(Delivery::detail).containsExactly("HTTP 204", "connection refused");
            });
            assertThat(engine.history()).hasSize(3);
            assertThat(failing.requests).hasSize(3);
        }
    }

    @Test
    void theHistoryIsBoundedAndNewestFirst() {
        AlertsSettings settings = AlertsYaml.parse(CHANNELS + """
                historySize: 2
                rules:
                  - {name: dl, condition: deadLetters, threshold: 0, channels: [a]}
                """);
        engine = new AlertEngine(settings, signals, new AlertNotifier(Map.of("a", a), new AlertLinks(null), 2, clock),
                clock);
        for (int i = 0; i < 3; i++) {
            signals.deadLetter("orders", clock.instant(), 1);
            engine.evaluateNow();
            clock.advance(Duration.ofMinutes(20));
            engine.evaluateNow();
        }
        assertThat(engine.history()).hasSize(2).extracting(s -> s.alert().state())
                .containsExactly(Alert.State.RESOLVED, Alert.State.FIRING);
        assertThat(engine.history().getFirst().alert().at()).isAfter(engine.history().get(1).alert().at());
        assertThat(engine.history().getFirst().alert().links()).as("no publicUrl, no links").isEmpty();
    }

    @Test
    void aTestAlertGoesToTheRulesChannelsAndLeavesTheStateAlone() {
        AlertEngine e = engine("""
                rules:
                  - {name: dl, condition: deadLetters, threshold: 10, channels: [b]}
                """);
        SentAlert sent = e.test("dl");
        assertThat(sent.alert().state()).isEqualTo(Alert.State.TEST);
        assertThat(sent.alert().summary()).isEqualTo("TEST alert of rule dl (deadLetters > 10 in 15m): nothing is wrong");
        assertThat(b.received).hasSize(1);
        assertThat(a.received).isEmpty();
        assertThat(e.firing()).isEmpty();
        assertThatThrownBy(() -> e.test("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no alert rule 'nope' (rules: dl)");
    }

    @Test
    void startedTheEngineEvaluatesOnItsOwnSchedule() {
        AlertsSettings settings = AlertsYaml.parse(CHANNELS + """
                evaluateEvery: 50ms
                rules:
                  - {name: dl, condition: deadLetters, threshold: 0, channels: [a]}
                """);
        engine = new AlertEngine(settings, signals, new AlertNotifier(Map.of("a", a), new AlertLinks(null), 10, clock),
                clock);
        signals.deadLetter("orders", T0, 1);
        engine.start();
        await().untilAsserted(() -> assertThat(a.received).hasSize(1));
        assertThatThrownBy(engine::start).isInstanceOf(IllegalStateException.class);
        signals.clearDeadLetters();
        await().untilAsserted(() -> assertThat(a.received).hasSize(2));
        assertThat(a.received.get(1).state()).isEqualTo(Alert.State.RESOLVED);
    }

    @Test
    void noRulesMeansNoEngineForTheServer() {
        assertThat(AlertEngine.forServer(AlertsSettings.none(), signals)).isEmpty();
        AlertsSettings one = AlertsYaml.parse(CHANNELS + "rules: [{name: p, condition: flowPaused, channels: [a]}]");
        try (AlertEngine e = AlertEngine.forServer(one, signals).orElseThrow()) {
            assertThat(e.rules()).extracting(AlertRule::name).containsExactly("p");
        }
    }
}
