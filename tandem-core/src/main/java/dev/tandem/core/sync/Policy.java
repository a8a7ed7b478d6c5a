package dev.tandem.core.sync;

import java.util.Locale;
import java.util.Optional;

/**
 * A field's master-data policy: which value survives when both sides changed the field since the last sync, and, for
 * {@link Kind#ONLY}, whether the other side's changes are synced at all.
 *
 * @param kind   what decides
 * @param system for {@link Kind#WINS} and {@link Kind#ONLY}: the system whose value wins, e.g. {@code clarity}
 */
public record Policy(Kind kind, String system) {

    /**
     * {@code WINS}: both sides' changes are synced, the system's value wins a conflict. {@code ONLY}: the system
     * masters the field alone: its changes are synced to the other side, the other side's changes are never written
     * back (a direction whose source is not the master leaves the field alone), and its value wins a conflict.
     * {@code NEWEST}: the later change wins. {@code MANUAL}: a person decides.
     */
    public enum Kind { WINS, ONLY, NEWEST, MANUAL }

    public static final String NEWEST_WINS = "newest-wins";
    public static final String MANUAL = "manual";

    /**
     * Parses {@code <system>-wins}, {@code <system>-only}, {@code newest-wins} or {@code manual}; empty when it is none
     * of them.
     */
    public static Optional<Policy> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals(NEWEST_WINS)) {
            return Optional.of(new Policy(Kind.NEWEST, ""));
        }
        if (t.equals(MANUAL)) {
            return Optional.of(new Policy(Kind.MANUAL, ""));
        }
        if (t.endsWith("-wins") && t.length() > "-wins".length()) {
            return Optional.of(new Policy(Kind.WINS, t.substring(0, t.length() - "-wins".length())));
        }
        if (t.endsWith("-only") && t.length() > "-only".length()) {
            return Optional.of(new Policy(Kind.ONLY, t.substring(0, t.length() - "-only".length())));
        }
        return Optional.empty();
    }

    /** The system's value wins a conflict: {@code <system>-wins} or {@code <system>-only}. */
    public boolean wonBy(String name) {
        return (kind == Kind.WINS || kind == Kind.ONLY) && system.equals(name);
    }

    /** Another system masters the field alone ({@code <other>-only}): changes from {@code name} are not synced. */
    public boolean mastersAloneOtherThan(String name) {
        return kind == Kind.ONLY && !system.equals(name);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case WINS -> system + "-wins";
            case ONLY -> system + "-only";
            case NEWEST -> NEWEST_WINS;
            case MANUAL -> MANUAL;
        };
    }
}
