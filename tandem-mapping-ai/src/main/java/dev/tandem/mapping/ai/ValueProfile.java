package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The profile of a source field's sample values: the share of each {@link ValueKind}, whether numbers came as
 * strings, the longest text, the distinct short values (a picklist's candidates) and the date format seen.
 * Kinds are checked in order: boolean, number, e-mail, URL, ISO datetime and date (and US/European dates), ISO
 * 3166-1 country code, US/Canadian state code, postal code, phone, id-like token, text.
 */
public record ValueProfile(Map<ValueKind, Double> shares, boolean numbersAsText, int maxLength, Set<String> distinct,
                           String dateFormat, int values) {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
    private static final Pattern URL = Pattern.compile("(?i)(https?://|www\\.)[^\\s]+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ().\\-/]{7,22}");
    private static final Pattern NUMBER = Pattern.compile("-?[0-9]{1,15}(\\.[0-9]{1,6})?");
    private static final Pattern US_DATE = Pattern.compile("(0?[1-9]|1[0-2])/(0?[1-9]|[12][0-9]|3[01])/[0-9]{4}");
    private static final Pattern EU_DATE = Pattern.compile("(0?[1-9]|[12][0-9]|3[01])\\.(0?[1-9]|1[0-2])\\.[0-9]{4}");
    private static final Pattern POSTAL = Pattern.compile(
            "[0-9]{5}(-[0-9]{4})?|[A-Za-z][0-9][A-Za-z] ?[0-9][A-Za-z][0-9]|[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}|[0-9]{4}");
    private static final Pattern ID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|gid://[^\\s]+|[A-Za-z0-9_\\-]*[0-9][A-Za-z0-9_\\-]*");
    private static final Set<String> COUNTRIES = new LinkedHashSet<>();
    static final Set<String> STATES = Set.of("AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID",
            "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
            "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV",
            "WI", "WY", "DC", "AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT");

    static {
        for (String c : Locale.getISOCountries()) {
            COUNTRIES.add(c);
            COUNTRIES.add(Locale.of("", c).getISO3Country());
        }
    }

    public ValueProfile {
        shares = Map.copyOf(shares);
        distinct = java.util.Collections.unmodifiableSet(new LinkedHashSet<>(distinct));
    }

    public double share(ValueKind kind) {
        return shares.getOrDefault(kind, 0.0);
    }

    /** The kind most values have; TEXT when there are none. */
    public ValueKind dominant() {
        return shares.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(ValueKind.TEXT);
    }

    public static ValueProfile of(List<JsonNode> samples) {
        Map<ValueKind, Integer> counts = new EnumMap<>(ValueKind.class);
        boolean numbersAsText = false;
        int maxLength = 0;
        Set<String> distinct = new LinkedHashSet<>();
        String dateFormat = null;
        for (JsonNode v : samples) {
            ValueKind k;
            if (v.isBoolean()) {
                k = ValueKind.BOOLEAN;
            } else if (v.isIntegralNumber()) {
                // a whole number of seven digits or more is an identifier far more often than a quantity or amount
                k = Math.abs(v.asDouble()) >= 1_000_000 ? ValueKind.ID : ValueKind.INTEGER;
            } else if (v.isNumber()) {
                k = ValueKind.DECIMAL;
            } else if (v.isTextual()) {
                String s = v.asText().trim();
                maxLength = Math.max(maxLength, s.length());
                if (s.length() <= 40 && distinct.size() < 30) {
                    distinct.add(s);
                }
                k = kindOf(s);
                if (k == ValueKind.INTEGER || k == ValueKind.DECIMAL) {
                    numbersAsText = true;
                }
                if (k == ValueKind.DATE && dateFormat == null) {
                    dateFormat = US_DATE.matcher(s).matches() ? "us" : EU_DATE.matcher(s).matches() ? "eu" : "iso";
                }
                if (k == ValueKind.DATETIME && dateFormat == null) {
                    dateFormat = "iso";
                }
            } else {
                continue;
            }
            counts.merge(k, 1, Integer::sum);
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        Map<ValueKind, Double> shares = new EnumMap<>(ValueKind.class);
        counts.forEach((k, c) -> shares.put(k, (double) c / total));
        return new ValueProfile(shares, numbersAsText, maxLength, distinct, dateFormat, total);
    }

    static ValueKind kindOf(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("true") || lower.equals("false") || lower.equals("yes") || lower.equals("no")) {
            return ValueKind.BOOLEAN;
        }
        if (NUMBER.matcher(s).matches()) {
            if (s.length() == 5 || s.length() == 4 && !s.startsWith("-") && !s.contains(".")) {
                // a 4- or 5-digit string is as often a postal code as a number; the field name decides (below)
                return s.contains(".") ? ValueKind.DECIMAL : ValueKind.POSTAL_CODE;
            }
            return s.contains(".") ? ValueKind.DECIMAL : s.length() >= 7 ? ValueKind.ID : ValueKind.INTEGER;
        }
        if (EMAIL.matcher(s).matches()) {
            return ValueKind.EMAIL;
        }
        if (URL.matcher(s).matches()) {
            return ValueKind.URL;
        }
        if (s.length() >= 10 && s.length() <= 35 && s.charAt(4) == '-' && s.contains("T")) {
            try {
                OffsetDateTime.parse(s);
                return ValueKind.DATETIME;
            } catch (DateTimeParseException e) {
                try {
                    java.time.LocalDateTime.parse(s);
                    return ValueKind.DATETIME;
                } catch (DateTimeParseException ignored) {
                    // not a datetime
                }
            }
        }
        if (s.length() == 10 && s.charAt(4) == '-') {
            try {
                LocalDate.parse(s);
                return ValueKind.DATE;
            } catch (DateTimeParseException ignored) {
                // not a date
            }
        }
        if (US_DATE.matcher(s).matches() || EU_DATE.matcher(s).matches()) {
            return ValueKind.DATE;
        }
        if ((s.length() == 2 || s.length() == 3) && s.equals(s.toUpperCase(Locale.ROOT)) && s.chars().allMatch(Character::isLetter)) {
            if (s.length() == 2 && STATES.contains(s) && !COUNTRIES.contains(s)) {
                return ValueKind.STATE;
            }
            if (COUNTRIES.contains(s)) {
                return ValueKind.COUNTRY;
            }
            if (STATES.contains(s)) {
                return ValueKind.STATE;
            }
        }
        if (POSTAL.matcher(s).matches()) {
            return ValueKind.POSTAL_CODE;
        }
        if (PHONE.matcher(s).matches() && s.chars().filter(Character::isDigit).count() >= 7) {
            return ValueKind.PHONE;
        }
        if (!s.contains(" ") && s.length() >= 6 && s.length() <= 64 && ID.matcher(s).matches()) {
            return ValueKind.ID;
        }
        return s.length() > 255 ? ValueKind.LONG_TEXT : ValueKind.TEXT;
    }
}
