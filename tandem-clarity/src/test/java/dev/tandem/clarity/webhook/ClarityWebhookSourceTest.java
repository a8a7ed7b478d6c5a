package dev.tandem.clarity.webhook;

import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.connector.WebhookHeaders;
import dev.tandem.core.connector.WebhookReply;
import dev.tandem.core.event.AppendResult;
import dev.tandem.core.event.InboundEvent;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ClarityWebhookSourceTest {

    private static final String SECRET = "whsec_test_7d1e";
    private static final long NOW = 1_795_000_000L;
    /** Whitespace and key order as a sender might produce them: the signature covers exactly these bytes. */
    private static final byte[] BODY = """
            { "EventID" : "e-42",  "EventType":"SalesOrder.Created","Entity":"SalesOrder","ID":5001,
              "CustomKey":"SO-5001" }""".getBytes(StandardCharsets.UTF_8);

    private final Clock clock = Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC);
    private final List<InboundEvent> appended = new ArrayList<>();
    private final Set<String> seen = new HashSet<>();
    private final Ingest ingest = events -> events.stream().map(e -> {
        boolean fresh = seen.add(e.sourceEventId());
        if (fresh) {
            appended.add(e);
        }
        return new AppendResult(appended.size(), !fresh);
    }).toList();

    private ClarityWebhookSource source(List<String> cidrs) {
        return new ClarityWebhookSource(CidrAllowlist.parse(cidrs),
                new WebhookSignatureVerifier(List.of(SECRET), Duration.ofMinutes(5), clock), new ClarityWebhookParser(clock));
    }

    private static String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((NOW + ".").getBytes(StandardCharsets.UTF_8));
            return "t=" + NOW + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theRawBytesAndAHeaderInAnyCaseAreEnoughToIngest() {
        ClarityWebhookSource source = source(List.of());
        source.start(ingest);

        WebhookReply reply = source.receive("127.0.0.1",
                WebhookHeaders.of(Map.of("x-clarity-signature", List.of(sign(BODY)))), BODY);

        assertThat(reply.status()).isEqualTo(202);
        assertThat(reply.code()).isEqualTo("accepted");
        assertThat(reply.details()).containsEntry("eventId", "e-42").containsEntry("offset", 1L);
        assertThat(appended).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("clarity");
            assertThat(e.entityKey()).isEqualTo("SO-5001");
        });
    }

    @Test
    void aRedeliveryIsAcknowledgedWith200AndAppendedOnce() {
        ClarityWebhookSource source = source(List.of());
        source.start(ingest);
        WebhookHeaders headers = WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(BODY)));

        source.receive("127.0.0.1", headers, BODY);
        WebhookReply again = source.receive("127.0.0.1", headers, BODY);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.code()).isEqualTo("duplicate");
        assertThat(appended).hasSize(1);
    }

    @Test
    void aBodyChangedByOneByteIsRefusedAndNothingIsIngested() {
        ClarityWebhookSource source = source(List.of());
        source.start(ingest);
        byte[] reformatted = new String(BODY, StandardCharsets.UTF_8).replace("  ", " ").getBytes(StandardCharsets.UTF_8);

        WebhookReply reply = source.receive("127.0.0.1",
                WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(BODY))), reformatted);

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.code()).isEqualTo("invalid_signature");
        assertThat(appended).isEmpty();
    }

    @Test
    void missingSignatureBadJsonAndOversizedBodiesAreRefused() {
        ClarityWebhookSource source = source(List.of());
        source.start(ingest);
        assertThat(source.receive("127.0.0.1", WebhookHeaders.none(), BODY).code()).isEqualTo("missing_signature");
        byte[] broken = "{\"EventID\":".getBytes(StandardCharsets.UTF_8);
        assertThat(source.receive("127.0.0.1", WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(broken))),
                broken).status()).isEqualTo(400);
        byte[] huge = new byte[source.maxBodyBytes() + 1];
        WebhookReply tooLarge = source.receive("127.0.0.1",
                WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(huge))), huge);
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.code()).isEqualTo("payload_too_large");
        assertThat(appended).isEmpty();
    }

    @Test
    void aSignedEventAboutAnUnknownEntityOrWithAMismatchedTypeIsRefusedWith400AndNothingIsIngested() {
        ClarityWebhookSource source = source(List.of());
        source.start(ingest);
        byte[] widget = """
                {"EventID":"w-1","EventType":"Customer.Updated","Entity":"Widget","ID":7}""".getBytes(StandardCharsets.UTF_8);
        byte[] contactAsOrder = """
                {"EventID":"w-2","EventType":"SalesOrder.Created","Entity":"Contact","ID":9001}"""
                .getBytes(StandardCharsets.UTF_8);

        WebhookReply unknown = source.receive("127.0.0.1",
                WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(widget))), widget);
        WebhookReply mismatched = source.receive("127.0.0.1",
                WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(contactAsOrder))), contactAsOrder);

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.code()).isEqualTo("invalid_event");
        assertThat(mismatched.status()).isEqualTo(400);
        assertThat(appended).isEmpty();
    }

    @Test
    void anAddressOutsideTheAllowlistIsRefusedBeforeTheBodyIsRead() {
        ClarityWebhookSource source = source(List.of("10.0.0.0/8"));
        source.start(ingest);

        assertThat(source.admit("10.1.2.3")).isEmpty();
        assertThat(source.admit("192.0.2.7")).hasValueSatisfying(r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.code()).isEqualTo("forbidden_address");
        });
        assertThat(source.receive("192.0.2.7", WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(BODY))), BODY)
                .status()).as("receive checks it too").isEqualTo(403);
        assertThat(appended).isEmpty();
    }

    @Test
    void beforeStartAndAfterCloseTheSenderIsToldToRetry() {
        ClarityWebhookSource source = source(List.of());
        WebhookHeaders headers = WebhookHeaders.single(Map.of("X-Clarity-Signature", sign(BODY)));
        assertThat(source.health().state()).isEqualTo(SourceHealth.State.NEW);
        assertThat(source.receive("127.0.0.1", headers, BODY).status()).isEqualTo(503);

        source.start(ingest);
        assertThat(source.health().state()).isEqualTo(SourceHealth.State.UP);
        source.close();
        source.close();

        assertThat(source.health().state()).isEqualTo(SourceHealth.State.STOPPED);
        assertThat(source.receive("127.0.0.1", headers, BODY).status()).isEqualTo(503);
        assertThat(appended).isEmpty();
        assertThat(source.name()).isEqualTo("clarity.webhook");
        assertThat(source.path()).isEqualTo("/webhooks/clarity");
    }
}
