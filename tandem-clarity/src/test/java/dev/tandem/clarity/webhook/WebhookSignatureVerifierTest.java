package dev.tandem.clarity.webhook;

import dev.tandem.clarity.webhook.WebhookRejectedException.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WebhookSignatureVerifierTest {

    private static final String SECRET = "whsec_current_5f2c";
    private static final String OLD_SECRET = "whsec_previous_91ab";
    private static final long NOW = 1_795_000_000L;
    private static final byte[] BODY = """
            {"EventID":"4f1c2b8e-6f4e-4b7e-9a51-1d2f0c9e7a10","EventType":"SalesOrder.Created","Entity":"SalesOrder","ID":5001}"""
            .getBytes(StandardCharsets.UTF_8);

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final WebhookSignatureVerifier verifier =
            new WebhookSignatureVerifier(List.of(SECRET), Duration.ofMinutes(5), clock);

    /** HMAC-SHA256(secret, t + "." + body) in hex, computed independently of the verifier. */
    private static String sign(String secret, long t, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] prefix = (t + ".").getBytes(StandardCharsets.UTF_8);
            byte[] signed = new byte[prefix.length + body.length];
            System.arraycopy(prefix, 0, signed, 0, prefix.length);
            System.arraycopy(body, 0, signed, prefix.length, body.length);
            return HexFormat.of().formatHex(mac.doFinal(signed));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(long t, String... signatures) {
        StringBuilder header = new StringBuilder("t=").append(t);
        for (String signature : signatures) {
            header.append(",v1=").append(signature);
        }
        return header.toString();
    }

    private void assertRejected(String header, byte[] body, Reason reason) {
        assertThatThrownBy(() -> verifier.verify(header, body))
                .isInstanceOfSatisfying(WebhookRejectedException.class, e -> {
                    org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(reason);
                    org.assertj.core.api.Assertions.assertThat(e.getMessage())
                            .isNotBlank().doesNotContain(SECRET).doesNotContain(OLD_SECRET);
                });
    }

    @Test
    void acceptsABodySignedWithTheSecret() {
        assertThatCode(() -> verifier.verify(header(NOW, sign(SECRET, NOW, BODY)), BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsUpperCaseHexAndSpacesAroundItems() {
        String header = "t=" + NOW + ", v1=" + sign(SECRET, NOW, BODY).toUpperCase();

        assertThatCode(() -> verifier.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsABodySignedWithAnotherSecret() {
        assertRejected(header(NOW, sign("whsec_attacker", NOW, BODY)), BODY, Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void rejectsATamperedBody() {
        byte[] tampered = new String(BODY, StandardCharsets.UTF_8).replace("5001", "5002").getBytes(StandardCharsets.UTF_8);

        assertRejected(header(NOW, sign(SECRET, NOW, BODY)), tampered, Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void rejectsASignatureMovedToAnotherTimestamp() {
        assertRejected(header(NOW - 10, sign(SECRET, NOW, BODY)), BODY, Reason.SIGNATURE_MISMATCH);
    }

    @Test
    void rejectsATimestampOlderThanTheTolerance() {
        long stale = NOW - 301;

        assertRejected(header(stale, sign(SECRET, stale, BODY)), BODY, Reason.TIMESTAMP_OUT_OF_TOLERANCE);
    }

    @Test
    void acceptsATimestampExactlyAtTheTolerance() {
        long edge = NOW - 300;

        assertThatCode(() -> verifier.verify(header(edge, sign(SECRET, edge, BODY)), BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsATimestampTooFarInTheFuture() {
        long future = NOW + 301;

        assertRejected(header(future, sign(SECRET, future, BODY)), BODY, Reason.TIMESTAMP_OUT_OF_TOLERANCE);
    }

    @Test
    void acceptsSmallClockSkewIntoTheFuture() {
        long soon = NOW + 30;

        assertThatCode(() -> verifier.verify(header(soon, sign(SECRET, soon, BODY)), BODY)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   "})
    void rejectsAMissingHeader(String header) {
        assertRejected(header, BODY, Reason.MISSING_SIGNATURE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "garbage",
            "v1=aa",
            "t=1795000000",
            "t=,v1=0000000000000000000000000000000000000000000000000000000000000000",
            "t=yesterday,v1=0000000000000000000000000000000000000000000000000000000000000000",
            "t=-5,v1=0000000000000000000000000000000000000000000000000000000000000000",
            "t=1795000000,t=1795000001,v1=0000000000000000000000000000000000000000000000000000000000000000",
            "t=1795000000,v1=zz00000000000000000000000000000000000000000000000000000000000000",
            "t=1795000000,v1=000000000000000000000000000000000000000000000000000000000000000",
            "t=1795000000,,v1=0000000000000000000000000000000000000000000000000000000000000000",
            "t=1795000000,v0=0000000000000000000000000000000000000000000000000000000000000000"})
    void rejectsAMalformedHeader(String header) {
        assertRejected(header, BODY, Reason.MALFORMED_SIGNATURE);
    }

    @Test
    void rejectsAnOversizedHeader() {
        assertRejected("t=" + NOW + ",x=" + "a".repeat(5000), BODY, Reason.MALFORMED_SIGNATURE);
    }

    @Test
    void ignoresSignatureSchemesItDoesNotKnow() {
        String header = "t=" + NOW + ",v0=legacy,v1=" + sign(SECRET, NOW, BODY);

        assertThatCode(() -> verifier.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void duringRotationABodySignedWithTheOldSecretIsAccepted() {
        WebhookSignatureVerifier rotating = new WebhookSignatureVerifier(List.of(SECRET, OLD_SECRET), Duration.ofMinutes(5), clock);

        assertThatCode(() -> rotating.verify(header(NOW, sign(OLD_SECRET, NOW, BODY)), BODY)).doesNotThrowAnyException();
        assertThatCode(() -> rotating.verify(header(NOW, sign(SECRET, NOW, BODY)), BODY)).doesNotThrowAnyException();
    }

    @Test
    void acceptsWhenAnyOfSeveralV1ValuesMatches() {
        String header = header(NOW, sign("whsec_retired", NOW, BODY), sign(SECRET, NOW, BODY));

        assertThatCode(() -> verifier.verify(header, BODY)).doesNotThrowAnyException();
    }

    @Test
    void rejectsWhenNoneOfSeveralV1ValuesMatchesAnySecret() {
        WebhookSignatureVerifier rotating = new WebhookSignatureVerifier(List.of(SECRET, OLD_SECRET), Duration.ofMinutes(5), clock);
        String header = header(NOW, sign("a", NOW, BODY), sign("b", NOW, BODY));

        assertThatThrownBy(() -> rotating.verify(header, BODY))
                .isInstanceOfSatisfying(WebhookRejectedException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.reason()).isEqualTo(Reason.SIGNATURE_MISMATCH));
    }

    @Test
    void needsAtLeastOneNonBlankSecret() {
        assertThatThrownBy(() -> new WebhookSignatureVerifier(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WebhookSignatureVerifier(List.of(" "))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toStringDoesNotRevealSecrets() {
        org.assertj.core.api.Assertions.assertThat(verifier.toString()).doesNotContain(SECRET);
    }
}
