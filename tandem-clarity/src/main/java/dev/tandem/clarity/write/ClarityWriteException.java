package dev.tandem.clarity.write;

import dev.tandem.clarity.client.ErrorClassifier;
import dev.tandem.core.error.IntegrationException;

import java.util.List;

/**
 * CEF answered a write with {@code ActionSucceeded: false} (clarity-api.md §2, {@code CEFActionResponse}): the
 * request reached Clarity, which refused it for the reasons in {@link #messages()}. Permanent: sending the same body
 * again gets the same answer. Error code {@value #CODE}.
 */
public final class ClarityWriteException extends IntegrationException {

    public static final String CODE = "CLARITY_ACTION_FAILED";

    private final List<String> messages;

    public ClarityWriteException(String what, int httpStatus, List<String> messages) {
        super(ErrorClassifier.SYSTEM, CODE, "Clarity refused " + what + ": "
                + (messages.isEmpty() ? "no reason given" : String.join("; ", messages)), httpStatus, false,
                List.of(), null, null);
        this.messages = List.copyOf(messages);
    }

    /** CEF's {@code Messages}, as sent. */
    public List<String> messages() {
        return messages;
    }
}
