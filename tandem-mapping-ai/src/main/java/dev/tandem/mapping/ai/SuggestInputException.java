package dev.tandem.mapping.ai;

/** Sample records or a target describe that cannot be used, with a message that says why (the CLI exits 2). */
public final class SuggestInputException extends RuntimeException {
    public SuggestInputException(String message) {
        super(message);
    }
}
