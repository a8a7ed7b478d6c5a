package dev.tandem.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in tandem.yaml and flow files. */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h)");

    private Durations() {
    }

    /**
     * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, or ISO-8601 ({@code PT30S}, {@link Duration#parse}).
     *
     * @throws IllegalArgumentException when the text is neither, or the duration does not fit a {@link Duration}
     */
    public static Duration parse(String v) {
        Matcher m = SHORT.matcher(v.trim());
        try {
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            return Duration.parse(v.trim());
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + v + "' is not a duration like 500ms, 30s, 5m, 1h or PT30S", e);
        }
    }

    /** The shortest of {@code 1h}, {@code 5m}, {@code 30s}, {@code 50ms} that is exact; ISO-8601 otherwise. */
    public static String format(Duration d) {
        if (d.isNegative() || d.getNano() % 1_000_000 != 0 || d.getSeconds() > Long.MAX_VALUE / 1000 - 1) {
            return d.toString();
        }
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
