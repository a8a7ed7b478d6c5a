package dev.tandem.core.sync;

import java.util.Locale;
import java.util.Optional;

/**
 * A field's master-data policy: which value survives when both sides changed the field since the last sync.
 *
 * @param kind   what decides
 * @param system for {@link Kind#WINS}: the system whose value wins, e.g. {@code clarity}
 */
public record Policy(Kind kind, String system) {

    public enum Kind { WINS, NEWEST, MANUAL }

    public static final String NEWEST_WINS = "newest-wins";
    public static final String MANUAL = "manual";

    /** Parses {@code <system>-wins}, {@code newest-wins} or {@code manual}; empty when it is none of them. */
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
        return Optional.empty();
    }

    @Override
    public String toString() {
        return switch (kind) {
            case WINS -> system + "-wins";
            case NEWEST -> NEWEST_WINS;
            case MANUAL -> MANUAL;
        };
    }
}
