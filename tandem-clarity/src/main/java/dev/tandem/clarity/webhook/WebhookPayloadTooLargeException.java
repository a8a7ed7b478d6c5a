package dev.tandem.clarity.webhook;

/**
 * A webhook body over {@link ClarityWebhookParser#MAX_BODY_BYTES}. A subclass of {@link InvalidWebhookException} so
 * a receiver that treats every invalid body alike still rejects it, while one that wants to answer 413 can tell it
 * apart. §11 events carry keys, not records, so a real event is a few hundred bytes.
 */
public final class WebhookPayloadTooLargeException extends InvalidWebhookException {

    private final long size;

    public WebhookPayloadTooLargeException(long size) {
        super("webhook body of " + size + " bytes exceeds the limit of " + ClarityWebhookParser.MAX_BODY_BYTES + " bytes");
        this.size = size;
    }

    /** The size of the rejected body, in bytes. */
    public long size() {
        return size;
    }
}
