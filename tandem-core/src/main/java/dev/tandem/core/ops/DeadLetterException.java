package dev.tandem.core.ops;

/** An operator's request on dead letters or retries that cannot be carried out, with the reason in words. */
public final class DeadLetterException extends RuntimeException {

    /** What went wrong: the API maps these to 404, 409 and 422. */
    public enum Kind { NOT_FOUND, CONFLICT, INVALID }

    private final Kind kind;

    public DeadLetterException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
