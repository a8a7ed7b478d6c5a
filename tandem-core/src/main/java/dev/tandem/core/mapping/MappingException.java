package dev.tandem.core.mapping;

/**
 * A mapping that does not compile or fails on a record. {@link #position()} is JSONata's character offset in the
 * expression (-1 when unknown), which the flow loader turns into a line and column of the file.
 */
public class MappingException extends RuntimeException {

    private final int position;

    public MappingException(String message, Throwable cause) {
        this(message, cause, -1);
    }

    public MappingException(String message, Throwable cause, int position) {
        super(message, cause);
        this.position = position;
    }

    public int position() {
        return position;
    }
}
