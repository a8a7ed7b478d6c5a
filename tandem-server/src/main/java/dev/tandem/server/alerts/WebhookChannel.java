package dev.tandem.server.alerts;


import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Posts alerts as JSON to any receiver, signed the way Clarity webhooks are signed (docs/clarity.md, "Installing the
 * webhook extension"; Stripe's scheme, https://docs.stripe.com/webhooks#verify-manually):
 * {@code X-Tandem-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}. The receiver
 * recomputes the HMAC over the bytes it received, compares in constant time and refuses a {@code t} far from now.
 */
public final class WebhookChannel implements AlertChannel {

    /** The request header carrying the signature. */
    public static final String SIGNATURE_HEADER = "X-Tandem-Signature";

    private final ChannelSettings.Webhook settings;
    private final SecretKeySpec key;
    private final Clock clock;
    private final HttpDelivery http;

    public WebhookChannel(ChannelSettings.Webhook settings, Clock clock) {
        this.settings = settings;
        this.key = new SecretKeySpec(settings.secret().reveal().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.clock = clock;
        this.http = new HttpDelivery(settings.timeout());
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public Delivery send(Alert alert) {
        byte[] body = body(alert);
        String t = Long.toString(clock.instant().getEpochSecond());
        return http.post(name(), settings.url(), body, Map.of(SIGNATURE_HEADER, "t=" + t + ",v1=" + sign(t, body)),
                false);
    }

    /** The hex HMAC-SHA256 of {@code t + "." + body} under the channel's secret. */
    String sign(String t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256"); // not thread-safe: one per signature
            mac.init(key);
            mac.update(t.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    /** The JSON body (documented in docs/operations.md, "Alerts"). */
    static byte[] body(Alert a) {
        return AlertJson.bytes(AlertJson.alert(a));
    }

    @Override
    public List<String> secrets() {
        return List.of(settings.secret().reveal(), settings.url().toString());
    }

    @Override
    public void close() {
        http.close();
    }

    @Override
    public String toString() {
        return "WebhookChannel[" + settings + "]";
    }
}
