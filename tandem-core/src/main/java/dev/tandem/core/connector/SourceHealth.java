package dev.tandem.core.connector;

import java.util.Map;
import java.util.Objects;

/**
 * What {@code GET /health} shows for one {@link ChangeSource}.
 *
 * @param state   the source's state
 * @param message what is wrong, for an operator (empty when nothing is)
 * @param details per-part states when the source has parts (e.g. one entry per subscribed topic), in order; empty
 *                otherwise
 */
public record SourceHealth(State state, String message, Map<String, String> details) {

    public enum State {
        /** Not started yet. */
        NEW,
        /** Running and delivering. */
        UP,
        /** Running but not delivering right now (its system unreachable, a poll failed); it keeps trying. */
        DEGRADED,
        /** Its start failed: it ingests nothing until Tandem is restarted. */
        FAILED,
        /** Closed. */
        STOPPED
    }

    public SourceHealth {
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public static SourceHealth of(State state) {
        return new SourceHealth(state, "", Map.of());
    }

    public static SourceHealth up() {
        return of(State.UP);
    }

    public static SourceHealth degraded(String message) {
        return new SourceHealth(State.DEGRADED, message, Map.of());
    }

    public static SourceHealth failed(String message) {
        return new SourceHealth(State.FAILED, message, Map.of());
    }

    /** This health with per-part states. */
    public SourceHealth withDetails(Map<String, String> parts) {
        return new SourceHealth(state, message, parts);
    }

    /** {@code STATE} or {@code STATE: message}. */
    public String summary() {
        return message.isEmpty() ? state.name() : state.name() + ": " + message;
    }
}
