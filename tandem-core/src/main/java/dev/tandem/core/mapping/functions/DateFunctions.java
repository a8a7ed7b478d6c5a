package dev.tandem.core.mapping.functions;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dates and times to ISO-8601 (https://www.iso.org/iso-8601-date-and-time-format.html; the profile used on the
 * wire is RFC 3339, https://www.rfc-editor.org/rfc/rfc3339#section-5.6 "Internet Date/Time Format", which is also
 * what Salesforce's date and dateTime fields accept).
 *
 * <p>Accepted input:
 * <ul>
 *   <li>ISO-8601 dates and date-times, with or without seconds, fraction, offset or a bracketed zone id, with
 *       {@code T} or a space between date and time: {@code 2026-11-30}, {@code 2026-11-30T14:05:00},
 *       {@code 2026-11-30 14:05}, {@code 2026-11-30T14:05:00.123+01:00}, {@code 2026-11-30T14:05:00Z};</li>
 *   <li>the Microsoft JSON date {@code /Date(1700000000000)/} or {@code /Date(1700000000000+0100)/} that .NET
 *       services such as Clarity emit: milliseconds since the epoch, in UTC, the offset only telling the sender's
 *       local zone (https://learn.microsoft.com/en-us/dotnet/framework/wcf/feature-details/stand-alone-json-serialization
 *       section "DateTime Wire Format");</li>
 *   <li>epoch milliseconds, as a number or a string of digits.</li>
 * </ul>
 * Zones are IANA ids ({@code America/Chicago}), {@code UTC}, or offsets ({@code +02:00}), as {@link ZoneId#of}
 * accepts them.
 */
final class DateFunctions {

    private DateFunctions() {
    }

    private static final Pattern MS_JSON_DATE = Pattern.compile("^/?\\\\?/Date\\((-?\\d+)([+-]\\d{4})?\\)\\\\?/?$");
    private static final Pattern DIGITS = Pattern.compile("^-?\\d+$");

    /** ISO-8601 date, optionally followed by a time (after T or a space), an offset and a [zone id]. */
    private static final DateTimeFormatter ISO_LENIENT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
            .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']').optionalEnd()
            .optionalEnd()
            .toFormatter();

    static List<FunctionDefinition> definitions() {
        return List.of(
                new FunctionDefinition("toIsoDate", "<xx?:x>", args -> toIsoDate(args)),
                new FunctionDefinition("toIsoDateTime", "<xx?x?:x>", args -> toIsoDateTime(args)));
    }

    /** {@code $toIsoDate(value, zone?)}: the calendar date {@code yyyy-MM-dd}; an instant is read in {@code zone} (UTC). */
    static String toIsoDate(List<?> args) {
        Object value = Args.arg(args, 0);
        if (Args.missing(value)) {
            return null;
        }
        ZoneId zone = zone("toIsoDate", Args.string("toIsoDate", args, 1), ZoneOffset.UTC);
        Parsed parsed = parse("toIsoDate", value);
        LocalDate date = parsed.instant() != null
                ? parsed.instant().atZone(zone).toLocalDate()
                : parsed.local().toLocalDate();
        return date.toString();
    }

    /**
     * {@code $toIsoDateTime(value, fromZone?, toZone?)}: an ISO-8601 date-time with offset, e.g.
     * {@code 2026-11-30T20:05:00Z}. A value without offset is taken in {@code fromZone} (UTC); a date alone is its
     * start of day there. The result is expressed in {@code toZone} (UTC, written {@code Z}), to the millisecond.
     */
    static String toIsoDateTime(List<?> args) {
        Object value = Args.arg(args, 0);
        if (Args.missing(value)) {
            return null;
        }
        ZoneId from = zone("toIsoDateTime", Args.string("toIsoDateTime", args, 1), ZoneOffset.UTC);
        ZoneId to = zone("toIsoDateTime", Args.string("toIsoDateTime", args, 2), ZoneOffset.UTC);
        Parsed parsed = parse("toIsoDateTime", value);
        Instant instant = parsed.instant() != null ? parsed.instant() : parsed.local().atZone(from).toInstant();
        OffsetDateTime out = instant.truncatedTo(ChronoUnit.MILLIS).atZone(to).toOffsetDateTime();
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(out);
    }

    /** Either an instant (the value named one) or a local date-time (the value had no offset). */
    record Parsed(Instant instant, LocalDateTime local) {
    }

    static Parsed parse(String function, Object value) {
        if (value instanceof Number n) {
            return new Parsed(epochMillis(function, Args.decimal(n)), null);
        }
        if (!(value instanceof String text)) {
            throw new FunctionException(function, "expects a date string or epoch milliseconds, got " + Args.describe(value));
        }
        String s = text.trim();
        Matcher ms = MS_JSON_DATE.matcher(s);
        if (ms.matches()) {
            return new Parsed(epochMillis(function, new BigDecimal(ms.group(1))), null);
        }
        if (DIGITS.matcher(s).matches()) {
            return new Parsed(epochMillis(function, new BigDecimal(s)), null);
        }
        try {
            TemporalAccessor t = ISO_LENIENT.parseBest(s, ZonedDateTime::from, OffsetDateTime::from,
                    LocalDateTime::from, LocalDate::from);
            return switch (t) {
                case ZonedDateTime z -> new Parsed(z.toInstant(), null);
                case OffsetDateTime o -> new Parsed(o.toInstant(), null);
                case LocalDateTime l -> new Parsed(null, l);
                case LocalDate d -> new Parsed(null, d.atStartOfDay());
                default -> throw new IllegalStateException("unexpected " + t);
            };
        } catch (DateTimeParseException e) {
            throw new FunctionException(function, "cannot read '" + s + "' as a date: expected ISO-8601"
                    + " (2026-11-30, 2026-11-30T14:05:00, 2026-11-30T14:05:00Z), /Date(millis)/ or epoch milliseconds", e);
        }
    }

    private static Instant epochMillis(String function, BigDecimal millis) {
        try {
            return Instant.ofEpochMilli(millis.longValueExact());
        } catch (ArithmeticException | DateTimeException e) {
            throw new FunctionException(function, "epoch milliseconds out of range or fractional: " + millis, e);
        }
    }

    static ZoneId zone(String function, String id, ZoneId fallback) {
        if (id == null) {
            return fallback;
        }
        try {
            return ZoneId.of(id);
        } catch (DateTimeException e) {
            throw new FunctionException(function, "unknown time zone '" + id
                    + "' (use an IANA id such as America/Chicago, UTC, or an offset such as +02:00)", e);
        }
    }
}
