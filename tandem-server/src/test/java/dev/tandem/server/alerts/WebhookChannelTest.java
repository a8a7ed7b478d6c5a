package dev.tandem.server.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.clarity.webhook.WebhookRejectedException;
import dev.tandem.clarity.webhook.WebhookSignatureVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookChannelTest {

    private static final String SECRET = "whsec-alerts-0123456789";
    private static final Clock CLOCK = Clock.fixed(Alerts.AT, ZoneOffset.UTC);

    private final Receiver receiver;
    private WebhookChannel channel;

    WebhookChannelTest() throws java.io.IOException {
        receiver = new Receiver();
    }

    @AfterEach
    void close() {
        receiver.close();
        if (channel != null) {
            channel.close();
        }
    }

    private WebhookChannel channel(URI url) {
        channel = new WebhookChannel(new ChannelSettings.Webhook("ops-webhook", url, new Secret(SECRET),
                Duration.ofSeconds(5)), CLOCK);
        return channel;
    }

    @Test
    void postsTheAlertAsJsonSignedSoThatAReceiverCanVerifyIt() throws Exception {
        receiver.status = 204;
        receiver.answer = "";
        Delivery d = channel(receiver.url("/tandem")).send(Alerts.firing());

        assertThat(d).isEqualTo(new Delivery("ops-webhook", true, "HTTP 204"));
        Receiver.Request r = receiver.requests.getFirst();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.header("Content-Type")).startsWith("application/json");
        String header = r.header(WebhookChannel.SIGNATURE_HEADER);
        assertThat(header).matches("t=\\d+,v1=[0-9a-f]{64}");

        // the receiver's side, twice: Clarity's verifier (the same scheme), and the HMAC recomputed by hand
        new WebhookSignatureVerifier(List.of(SECRET), Duration.ofMinutes(5), CLOCK).verify(header, r.body());
        Matcher m = Pattern.compile("t=(\\d+),v1=(\\w+)").matcher(header);
        assertThat(m.matches()).isTrue();
        assertThat(m.group(1)).isEqualTo(Long.toString(Alerts.AT.getEpochSecond()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((m.group(1) + ".").getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(mac.doFinal(r.body()))).isEqualTo(m.group(2));

        JsonNode body = new ObjectMapper().readTree(r.body());
        assertThat(body.get("rule").asText()).isEqualTo("dead-letters");
        assertThat(body.get("condition").asText()).isEqualTo("deadLetters");
        assertThat(body.get("severity").asText()).isEqualTo("warning");
        assertThat(body.get("state").asText()).isEqualTo("FIRING");
        assertThat(body.get("test").asBoolean()).isFalse();
        assertThat(body.get("flow").asText()).isEqualTo("order-to-salesforce");
        assertThat(body.get("source").isNull()).isTrue();
        assertThat(body.get("value").asDouble()).isEqualTo(12.0);
        assertThat(body.get("threshold").asDouble()).isEqualTo(10.0);
        assertThat(body.get("since").asText()).isEqualTo("2026-12-02T03:05:00Z");
        assertThat(body.get("summary").asText()).contains("12 dead letters in flow order-to-salesforce");
        assertThat(body.get("links").get(0).get("url").asText())
                .isEqualTo("http://tandem.example:8080/api/v1/dead-letters?flow=order-to-salesforce");
        assertThat(r.text()).doesNotContain(SECRET);
    }

    @Test
    void aBodyChangedOnTheWayOrSignedWithAnotherSecretFailsVerification() {
        channel(receiver.url("/tandem")).send(Alerts.firing());
        Receiver.Request r = receiver.requests.getFirst();
        String header = r.header(WebhookChannel.SIGNATURE_HEADER);
        byte[] tampered = r.text().replace("\"value\":12.0", "\"value\":1.0").getBytes(StandardCharsets.UTF_8);
        assertThat(tampered).isNotEqualTo(r.body());
        WebhookSignatureVerifier verifier = new WebhookSignatureVerifier(List.of(SECRET), Duration.ofMinutes(5), CLOCK);
        assertThatThrownBy(() -> verifier.verify(header, tampered)).isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> new WebhookSignatureVerifier(List.of("another-secret-0123456"), Duration.ofMinutes(5),
                CLOCK).verify(header, r.body())).isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void aReceiverAnswering500IsAFailedDeliveryNotAnException() {
        receiver.status = 500;
        receiver.answer = "internal error with details";
        Delivery d = channel(receiver.url("/tandem")).send(Alerts.firing());
        assertThat(d).isEqualTo(new Delivery("ops-webhook", false, "HTTP 500"));
    }

    @Test
    void aReceiverThatIsNotListeningIsAFailedDelivery() throws Exception {
        Delivery d = channel(URI.create("http://127.0.0.1:" + Receiver.closedPort() + "/tandem")).send(Alerts.firing());
        assertThat(d.delivered()).isFalse();
        assertThat(d.detail()).isEqualTo("connection refused");
    }

    @Test
    void aReceiverThatNeverAnswersIsAFailedDeliveryAfterTheTimeout() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        com.sun.net.httpserver.HttpServer silent = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        silent.createContext("/", exchange -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        silent.start();
        try (WebhookChannel slow = new WebhookChannel(new ChannelSettings.Webhook("slow",
                URI.create("http://127.0.0.1:" + silent.getAddress().getPort() + "/"), new Secret(SECRET),
                Duration.ofMillis(300)), CLOCK)) {
            assertThat(slow.send(Alerts.firing())).isEqualTo(new Delivery("slow", false, "no answer within 300ms"));
        } finally {
            release.countDown();
            silent.stop(0);
        }
    }

    @Test
    void aRedirectIsNotFollowed() {
        receiver.status = 302;
        receiver.answer = "";
        Delivery d = channel(receiver.url("/tandem")).send(Alerts.firing());
        assertThat(d).isEqualTo(new Delivery("ops-webhook", false, "HTTP 302"));
        assertThat(receiver.requests).hasSize(1);
    }

    @Test
    void neitherTheChannelNorItsSettingsShowTheSecret() {
        assertThat(channel(receiver.url("/tandem?token=abc")).toString()).doesNotContain(SECRET, "token=abc");
    }
}
