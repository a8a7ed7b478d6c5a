package dev.tandem.bench;

import dev.tandem.clarity.webhook.ClarityWebhookParser;
import dev.tandem.clarity.webhook.WebhookSignatureVerifier;
import dev.tandem.core.event.InboundEvent;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The CPU cost of accepting a Clarity webhook before it is appended to the log: verifying the
 * {@code X-Clarity-Signature} header (HMAC-SHA256 over {@code t + "." + body}, clarity-api.md §11) and parsing the
 * 300-byte body into an {@code InboundEvent}. {@code verifyRotated} is the worst case while a secret is rotated:
 * two configured secrets, the header signed with the second one and carrying a stale {@code v1} first.
 *
 * <pre>java -jar tandem-bench/target/benchmarks.jar WebhookVerificationBenchmark -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class WebhookVerificationBenchmark {

    private static final String SECRET = "whsec_bench_current_2026";
    private static final String OLD_SECRET = "whsec_bench_previous_2025";
    private static final Instant NOW = Instant.parse("2026-11-26T15:04:05Z");

    private byte[] body;
    private String header;
    private String rotatedHeader;
    private WebhookSignatureVerifier verifier;
    private WebhookSignatureVerifier rotatingVerifier;
    private ClarityWebhookParser parser;

    @Setup
    public void setUp() throws Exception {
        body = body(300);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        String t = Long.toString(NOW.getEpochSecond() - 2);
        header = "t=" + t + ",v1=" + sign(SECRET, t, body);
        rotatedHeader = "t=" + t + ",v1=" + sign("an-unknown-secret", t, body) + ",v1=" + sign(SECRET, t, body);
        verifier = new WebhookSignatureVerifier(List.of(SECRET), WebhookSignatureVerifier.DEFAULT_TOLERANCE, clock);
        rotatingVerifier = new WebhookSignatureVerifier(List.of(OLD_SECRET, SECRET), Duration.ofMinutes(5), clock);
        parser = new ClarityWebhookParser(clock);
        verifier.verify(header, body);
        rotatingVerifier.verify(rotatedHeader, body);
        InboundEvent event = parser.parse(body);
        if (!event.entityId().equals("500123") || !event.entityKey().equals("SO-500123")) {
            throw new IllegalStateException("unexpected parse result: " + event);
        }
    }

    @Benchmark
    public void verify() {
        verifier.verify(header, body);
    }

    @Benchmark
    public void verifyRotated() {
        rotatingVerifier.verify(rotatedHeader, body);
    }

    @Benchmark
    public InboundEvent parse() {
        return parser.parse(body);
    }

    @Benchmark
    public InboundEvent verifyAndParse() {
        verifier.verify(header, body);
        return parser.parse(body);
    }

    /** A SalesOrder.StatusChanged notification padded (in a free-text field) to exactly {@code size} bytes. */
    static byte[] body(int size) {
        String start = "{\"EventID\":\"4f1c2a9e-7b3d-4e8a-9c61-0d2f5e8b7a13\","
                + "\"EventType\":\"SalesOrder.StatusChanged\","
                + "\"Entity\":\"SalesOrder\",\"ID\":500123,\"CustomKey\":\"SO-500123\","
                + "\"OccurredAt\":\"2026-11-26T15:04:03.123Z\",\"Hash\":-4523312311,"
                + "\"OldStatusKey\":\"Pending\",\"NewStatusKey\":\"Confirmed\",\"Note\":\"";
        String end = "\"}";
        int padding = size - start.length() - end.length();
        if (padding < 0) {
            throw new IllegalArgumentException("a webhook body is at least " + (start.length() + end.length())
                    + " bytes");
        }
        return (start + "x".repeat(padding) + end).getBytes(StandardCharsets.UTF_8);
    }

    private static String sign(String secret, String t, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
        mac.update(body);
        return HexFormat.of().formatHex(mac.doFinal());
    }
}
