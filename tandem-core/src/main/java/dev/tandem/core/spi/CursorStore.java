package dev.tandem.core.spi;

import java.util.Optional;

/**
 * Durable, named cursors: where a poller stopped reading a source (e.g. the Clarity delta poller's
 * {@code ModifiedSince} watermark per entity). A poller saves its cursor only after the events it read up to that
 * point were appended to the event log, so a crash re-reads (and the event log de-duplicates) rather than skips:
 * invariant "nothing lost".
 */
public interface CursorStore {

    /** The last value saved under {@code name}, empty if none was ever saved. */
    Optional<String> cursor(String name);

    /** Inserts or replaces the value of the cursor {@code name}; durable once this returns. */
    void saveCursor(String name, String value);
}
