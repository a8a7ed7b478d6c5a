package dev.tandem.clarity.webhook;

/**
 * A webhook body that is not a valid Tandem/Clarity event (clarity-api.md §11): malformed JSON, not an object, or a
 * required field missing, blank or of the wrong type. The message names the problem (e.g.
 * {@code missing field: EventID}); the receiver answers 400 and the sender does not retry it usefully.
 */
public class InvalidWebhookException extends RuntimeException {

    public InvalidWebhookException(String message) {
        super(message);
    }

    public InvalidWebhookException(String message, Throwable cause) {
        super(message, cause);
    }
}
