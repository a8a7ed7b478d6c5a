package dev.tandem.clarity.webhook;

import dev.tandem.clarity.webhook.WebhookRejectedException.Reason;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Verifies the {@code X-Clarity-Signature} header of a webhook delivery (clarity-api.md §11, Stripe-style):
 * {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>}.
 *
 * <ul>
 *   <li>Several {@code v1=} values may appear, and several secrets may be configured, so a secret can be rotated
 *       without losing deliveries: a delivery is accepted when ANY {@code v1} matches under ANY secret.</li>
 *   <li>Signatures are compared in constant time ({@link MessageDigest#isEqual}) so timing reveals nothing.</li>
 *   <li>{@code t} must be within the tolerance (default 5 minutes) of now, in the past AND in the future: a stale
 *       timestamp is a replay, a far-future one would stretch the replay window. The window alone does not stop
 *       replays; the event log de-duplicates by {@code EventID} (§11).</li>
 *   <li>Other schemes ({@code v0=}, future {@code v2=}) are ignored, as Stripe-style receivers do.</li>
 * </ul>
 * The raw body must be the bytes as received, before any JSON parsing: the HMAC covers bytes, not JSON values.
 *
 * <p>Thread-safe.
 */
public final class WebhookSignatureVerifier {

    /** The request header carrying the signature (§11). */
    public static final String HEADER = "X-Clarity-Signature";
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    private static final String HMAC = "HmacSHA256";
    /** A signature header is short; a huge one is refused before any work is done on it. */
    private static final int MAX_HEADER_LENGTH = 4096;
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{1,12}");
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

    private final List<SecretKeySpec> keys;
    private final Duration tolerance;
    private final Clock clock;

    /** A verifier with the default tolerance of 5 minutes and the system clock. */
    public WebhookSignatureVerifier(List<String> secrets) {
        this(secrets, DEFAULT_TOLERANCE, Clock.systemUTC());
    }

    /**
     * @param secrets   the shared secrets, current first; more than one while a secret is being rotated
     * @param tolerance the largest accepted distance between {@code t} and now, either way
     * @param clock     the clock giving "now"
     */
    public WebhookSignatureVerifier(List<String> secrets, Duration tolerance, Clock clock) {
        Objects.requireNonNull(secrets, "secrets");
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is needed");
        }
        List<SecretKeySpec> specs = new ArrayList<>();
        for (String secret : secrets) {
            if (secret == null || secret.isBlank()) {
                throw new IllegalArgumentException("webhook secrets must not be blank");
            }
            specs.add(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
        }
        this.keys = List.copyOf(specs);
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
        if (tolerance.isNegative() || tolerance.isZero()) {
            throw new IllegalArgumentException("tolerance must be positive, got: " + tolerance);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Returns normally when the delivery is authentic and fresh.
     *
     * @param signatureHeader the {@value #HEADER} header value, or null when absent
     * @param rawBody         the request body exactly as received
     * @throws WebhookRejectedException with the {@link Reason} otherwise
     */
    public void verify(String signatureHeader, byte[] rawBody) {
        Objects.requireNonNull(rawBody, "rawBody");
        if (signatureHeader == null || signatureHeader.isBlank()) {
            throw new WebhookRejectedException(Reason.MISSING_SIGNATURE, "missing " + HEADER + " header");
        }
        Parsed parsed = parse(signatureHeader);
        checkTimestamp(parsed.timestamp());
        for (SecretKeySpec key : keys) {
            byte[] expected = hmac(key, parsed.timestamp(), rawBody);
            for (byte[] candidate : parsed.signatures()) {
                if (MessageDigest.isEqual(expected, candidate)) {
                    return;
                }
            }
        }
        throw new WebhookRejectedException(Reason.SIGNATURE_MISMATCH,
                "no v1 signature matches the body under any configured secret");
    }

    @Override
    public String toString() {
        return "WebhookSignatureVerifier[secrets=" + keys.size() + " (redacted), tolerance=" + tolerance + "]";
    }

    private record Parsed(String timestamp, List<byte[]> signatures) {
    }

    private static Parsed parse(String header) {
        if (header.length() > MAX_HEADER_LENGTH) {
            throw malformed("header longer than " + MAX_HEADER_LENGTH + " characters");
        }
        String timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String item : header.split(",", -1)) {
            String element = item.strip();
            int eq = element.indexOf('=');
            if (eq <= 0) {
                throw malformed("expected key=value items separated by commas");
            }
            String key = element.substring(0, eq).strip();
            String value = element.substring(eq + 1).strip();
            switch (key) {
                case "t" -> {
                    if (timestamp != null) {
                        throw malformed("more than one t=");
                    }
                    if (!TIMESTAMP.matcher(value).matches()) {
                        throw malformed("t must be unix seconds");
                    }
                    timestamp = value;
                }
                case "v1" -> {
                    if (!HEX_SHA256.matcher(value).matches()) {
                        throw malformed("v1 must be 64 hex digits (HMAC-SHA256)");
                    }
                    signatures.add(HexFormat.of().parseHex(value.toLowerCase(java.util.Locale.ROOT)));
                }
                default -> {
                    // other schemes (v0, a future v2) are not ours to judge
                }
            }
        }
        if (timestamp == null) {
            throw malformed("no t= timestamp");
        }
        if (signatures.isEmpty()) {
            throw malformed("no v1= signature");
        }
        return new Parsed(timestamp, signatures);
    }

    private void checkTimestamp(String timestamp) {
        long t = Long.parseLong(timestamp);
        long now = clock.instant().getEpochSecond();
        long limit = tolerance.toSeconds();
        if (now - t > limit) {
            throw new WebhookRejectedException(Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                    "signature timestamp is " + (now - t) + " s old; at most " + limit + " s is accepted");
        }
        if (t - now > limit) {
            throw new WebhookRejectedException(Reason.TIMESTAMP_OUT_OF_TOLERANCE,
                    "signature timestamp is " + (t - now) + " s in the future; at most " + limit + " s is accepted");
        }
    }

    private static byte[] hmac(SecretKeySpec key, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC); // Mac instances are not thread-safe: one per verification
            mac.init(key);
            mac.update(timestamp.getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            mac.update(body);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }

    private static WebhookRejectedException malformed(String problem) {
        return new WebhookRejectedException(Reason.MALFORMED_SIGNATURE, "malformed " + HEADER + " header: " + problem);
    }
}
