package dev.tandem.core.config;

import java.time.Duration;

/** How a value written by a user appears in an error message: bounded in length, control characters escaped. */
final class Show {

    static final int MAX = 80;

    private Show() {
    }

    /** {@code 'text'} for strings, {@code 30s} for durations, the value otherwise; at most {@value #MAX} characters. */
    static String value(Object value) {
        if (value instanceof String s) {
            return "'" + text(s) + "'";
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        return text(String.valueOf(value));
    }

    /** The text cut to {@value #MAX} characters (saying how long it was), with control characters escaped. */
    static String text(String s) {
        String cut = s.length() <= MAX ? s : s.substring(0, MAX) + "…(" + s.length() + " characters)";
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }
}
