package dev.tandem.clarity.webhook;

import java.util.Objects;

/**
 * A webhook delivery whose signature does not prove it came from Clarity (clarity-api.md §11). The receiver answers it
 * with a 4xx and does not store the event. Messages describe the problem, never a secret or an expected signature.
 */
public final class WebhookRejectedException extends RuntimeException {

    /** Why a delivery was rejected. */
    public enum Reason {
        /** No {@code X-Clarity-Signature} header, or an empty one. */
        MISSING_SIGNATURE,
        /** The header is not {@code t=<unix seconds>,v1=<hex>[,v1=<hex>...]}. */
        MALFORMED_SIGNATURE,
        /** {@code t} is older or further in the future than the tolerance (replay protection). */
        TIMESTAMP_OUT_OF_TOLERANCE,
        /** No {@code v1} value matches the HMAC of the body under any configured secret. */
        SIGNATURE_MISMATCH
    }

    private final Reason reason;

    public WebhookRejectedException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
