package dev.tandem.core.mapping;

/** A mapping file that does not compile, or that fails on a record. The message names the mapping. */
public class MappingException extends RuntimeException {

    public MappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
