package dev.tandem.server.alerts;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The credentials of every channel kind, configured, then every path an alert takes (firing, failing receivers,
 * a test, resolution): none of them appears in a body sent, the history, a log line or a printed setting.
 */
class SecretsNeverLeakTest {

    private static final String WEBHOOK_SECRET = "wh-secret-Q7x9LmP2vR4tZ8";
    private static final String SLACK_TOKEN = "SLACKTOKENk3J8hG5fD2sA1";
    private static final String SMTP_PASSWORD = "smtp-pass-N6bV3cX0zM9";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("tandem@example.com", "tandem", SMTP_PASSWORD));

    @Test
    void noCredentialAppearsInBodiesHistoryLogsOrSettings() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-02T03:00:00Z"));
        FakeSignals signals = new FakeSignals();
        try (Receiver webhook = new Receiver(); Receiver slack = new Receiver(); LogCapture log = new LogCapture()) {
            String slackUrl = slack.url("/services/T0/B0/" + SLACK_TOKEN).toString();
            int closed = Receiver.closedPort();
            AlertsSettings settings = AlertsYaml.parse("""
                    publicUrl: http://tandem.example:8080
                    repeatEvery: 1m
                    channels:
                      hook: {type: webhook, url: '%s', secret: '%s'}
                      gone: {type: webhook, url: 'http://127.0.0.1:%d/x', secret: '%s'}
                      chat: {type: slack, url: '%s'}
                      mail: {type: email, host: 127.0.0.1, port: %d, startTls: false, from: tandem@example.com, to: [ops@example.com], username: tandem, password: '%s'}
                      badmail: {type: email, host: 127.0.0.1, port: %d, startTls: false, from: tandem@example.com, to: [ops@example.com], username: tandem, password: 'wrong-%s'}
                    rules:
                      - {name: paused, condition: flowPaused, channels: [hook, gone, chat, mail, badmail]}
                    """.formatted(webhook.url("/tandem"), WEBHOOK_SECRET, closed, WEBHOOK_SECRET, slackUrl,
                    SMTP.getSmtp().getPort(), SMTP_PASSWORD, SMTP.getSmtp().getPort(), SMTP_PASSWORD));
            webhook.status = 500;
            slack.status = 403;
            slack.answer = "invalid_token";
            // a reason that carries a credential by mistake (an upstream error message quoting a header, say)
            signals.flow("orders").pause("orders", "circuit open: 401 for token " + WEBHOOK_SECRET + " and "
                    + SMTP_PASSWORD, clock.instant());

            List<SentAlert> sent = new ArrayList<>();
            try (AlertEngine engine = new AlertEngine(settings, signals, AlertNotifier.fromSettings(settings, clock),
                    clock)) {
                sent.addAll(engine.evaluateNow());
                webhook.status = 200;
                slack.status = 200;
                slack.answer = "ok";
                clock.advance(Duration.ofMinutes(2));
                sent.addAll(engine.evaluateNow());
                sent.add(engine.test("paused"));
                signals.resume("orders");
                sent.addAll(engine.evaluateNow());

                assertThat(sent).extracting(s -> s.alert().state()).containsExactly(Alert.State.FIRING,
                        Alert.State.FIRING, Alert.State.TEST, Alert.State.RESOLVED);
                assertThat(sent.getFirst().alert().summary()).contains("circuit open: 401 for token ***");
                assertThat(sent.getFirst().deliveries()).extracting(Delivery::delivered)
                        .containsExactly(false, false, false, true, false);

                List<String> texts = new ArrayList<>();
                webhook.requests.forEach(r -> texts.add(r.text() + r.headers()));
                slack.requests.forEach(r -> texts.add(r.text() + r.headers()));
                for (MimeMessage m : SMTP.getReceivedMessages()) {
                    texts.add(GreenMailUtil.getWholeMessage(m));
                }
                texts.add(engine.history().toString());
                texts.add(sent.toString());
                texts.addAll(log.lines());
                texts.add(settings.toString());
                texts.add(engine.rules().toString());

                assertThat(webhook.requests).hasSize(4);
                assertThat(slack.requests).hasSize(4);
                assertThat(SMTP.getReceivedMessages()).hasSize(4);
                assertThat(log.lines()).anySatisfy(l -> assertThat(l).startsWith("WARN Alert channel gone failed"));
                for (String text : texts) {
                    assertThat(text).doesNotContain(WEBHOOK_SECRET, SLACK_TOKEN, SMTP_PASSWORD);
                }
            }
        }
    }
}
