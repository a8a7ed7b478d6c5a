package dev.tandem.clarity.model;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * CEF dates (clarity-api.md §2): ISO-8601, with {@code Z}, with an offset, or without a zone when
 * {@code Clarity.API.UseUTC} is off (e.g. {@code 2024-05-02T14:03:11.0000000}); a zoneless value is read as UTC.
 */
public final class ClarityDates {

    private ClarityDates() {
    }

    /** The instant, or empty when the text is null, blank or no ISO-8601 date-time. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String s = text.strip();
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeParseException notOffset) {
            try {
                return Optional.of(LocalDateTime.parse(s).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException notLocal) {
                return Optional.empty();
            }
        }
    }
}
