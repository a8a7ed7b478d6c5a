package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;

/**
 * A transformation function was given a value it cannot handle (an unknown country, an unparseable phone number,
 * an invalid currency code...). The message names the function and the value; the flow dead-letters the event as
 * a mapping error.
 */
public class FunctionException extends MappingException {

    private final String function;

    public FunctionException(String function, String message) {
        this(function, message, null);
    }

    public FunctionException(String function, String message, Throwable cause) {
        super("$" + function + ": " + message, cause);
        this.function = function;
    }

    /** The function's name without the {@code $}. */
    public String function() {
        return function;
    }
}
