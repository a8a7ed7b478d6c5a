package dev.tandem.server.alerts;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The e-mail channel against GreenMail, a real SMTP server in the test's process. */
class EmailChannelTest {

    private static final String PASSWORD = "smtp-pw-s3cr3t-0123";

    @RegisterExtension
    static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("tandem@example.com", "tandem", PASSWORD));

    private static EmailChannel channel(int port, String password, boolean startTls) {
        return new EmailChannel(new ChannelSettings.Email("ops-mail", "127.0.0.1", port, "tandem@example.com",
                List.of("ops@example.com", "oncall@example.com"), "tandem", new Secret(password), startTls, false,
                Duration.ofSeconds(5)));
    }

    @Test
    void sendsAPlainTextMailWithTheAlertAndNothingSecret() throws Exception {
        Delivery d = channel(SMTP.getSmtp().getPort(), PASSWORD, false).send(Alerts.firing());

        assertThat(d.delivered()).as(d.detail()).isTrue();
        assertThat(d.detail()).isEqualTo("accepted by 127.0.0.1:" + SMTP.getSmtp().getPort() + " for 2 recipients");
        MimeMessage[] received = SMTP.getReceivedMessages();
        assertThat(received).hasSize(2); // one copy per recipient mailbox
        MimeMessage mail = received[0];
        assertThat(mail.getSubject()).isEqualTo("[Tandem] FIRING warning dead-letters: 12 dead letters in flow "
                + "order-to-salesforce in the last 15m (threshold 10)");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("ops@example.com", "oncall@example.com");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("tandem@example.com");
        assertThat(mail.getHeader("X-Tandem-Alert-Id")[0]).isEqualTo(Alerts.firing().id());
        String body = GreenMailUtil.getBody(mail);
        assertThat(body).contains("FIRING: 12 dead letters in flow order-to-salesforce in the last 15m (threshold 10)",
                "rule:      dead-letters (deadLetters)", "flow:      order-to-salesforce",
                "value:     12 (threshold 10)", "since:     2026-12-02T03:05:00Z",
                "dead letters: http://tandem.example:8080/api/v1/dead-letters?flow=order-to-salesforce");
        assertThat(GreenMailUtil.getWholeMessage(mail)).doesNotContain(PASSWORD);
    }

    @Test
    void aTestAlertSaysSoInSubjectAndBody() throws Exception {
        Alert test = new Alert("id-test", "dead-letters", Condition.DEAD_LETTERS, Severity.WARNING, Alert.State.TEST,
                null, null, null, 10.0, Alerts.AT, Alerts.AT, "TEST alert of rule dead-letters: nothing is wrong",
                List.of());
        assertThat(channel(SMTP.getSmtp().getPort(), PASSWORD, false).send(test).delivered()).isTrue();
        MimeMessage mail = SMTP.getReceivedMessages()[0];
        assertThat(mail.getSubject()).isEqualTo("[Tandem] TEST dead-letters: a test alert, nothing is wrong");
        assertThat(GreenMailUtil.getBody(mail)).startsWith("TEST ALERT: nothing is wrong.");
    }

    @Test
    void aRefusedLoginIsAFailedDeliveryThatDoesNotShowThePassword() {
        String wrong = "wrong-password-4567";
        Delivery d = channel(SMTP.getSmtp().getPort(), wrong, false).send(Alerts.firing());
        assertThat(d.delivered()).isFalse();
        assertThat(d.detail()).startsWith("SMTP authentication refused by 127.0.0.1:" + SMTP.getSmtp().getPort())
                .doesNotContain(wrong).doesNotContain(PASSWORD);
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }

    @Test
    void aServerThatIsNotListeningIsAFailedDelivery() throws Exception {
        int port = Receiver.closedPort();
        Delivery d = channel(port, PASSWORD, false).send(Alerts.firing());
        assertThat(d).isEqualTo(new Delivery("ops-mail", false, "connection to 127.0.0.1:" + port + " refused"));
    }

    @Test
    void withStartTlsRequiredNothingIsSentOverAConnectionThatIsNotEncrypted() {
        // GreenMail's plain SMTP port cannot complete a TLS handshake the JVM trusts: the channel must give up
        // before it logs in or sends, never fall back to plain text
        Delivery d = channel(SMTP.getSmtp().getPort(), PASSWORD, true).send(Alerts.firing());
        assertThat(d.delivered()).isFalse();
        assertThat(d.detail()).doesNotContain(PASSWORD);
        assertThat(SMTP.getReceivedMessages()).isEmpty();
    }
}
