package dev.tandem.sandbox.clarity.wire;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * The one date format of the sandbox: ISO-8601 in UTC with seven fraction digits, as .NET writes a UTC
 * {@code DateTime} ("round-trip" format, spec §2: {@code DateHandler.ISO8601}, {@code Clarity.API.UseUTC}).
 * Example: {@code 2024-05-03T10:00:00.0000000Z}.
 */
public final class CefDates {

    private static final DateTimeFormatter WIRE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private CefDates() {
    }

    public static String format(Instant instant) {
        return WIRE.format(instant);
    }

    /**
     * Parses what clients send in query strings: an instant with {@code Z} or an offset, a local date-time
     * (read as UTC, as CEF does with {@code UseUTC}) or a bare date.
     *
     * @throws IllegalArgumentException when the text is no ISO-8601 date
     */
    public static Instant parse(String text) {
        String s = text.trim();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(s).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("Not an ISO-8601 date: " + text, notDate);
                }
            }
        }
    }
}
