package dev.tandem.core.profile;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * What the values of one field looked like in the records a flow synced successfully: a bounded sketch, never the
 * values themselves beyond a small categorical domain. Counts of kinds (number, string, boolean, object, array) and of
 * string formats (e-mail, phone, date, date-time, URL, number, text), the numeric range and the mean of log10|x| (the
 * typical magnitude), the length range, the null count, and up to {@link #MAX_DOMAIN} distinct short values (a country
 * code, a status) with their counts; a field with more distinct values is not categorical and keeps none. Memory per
 * field is constant whatever the number of records learned from.
 *
 * <p>{@link #check} says how a value departs from the profile, in words an operator can act on ("expected ..., got
 * ..."), or nothing. Every check asks "was this ever seen in N successful records?", so a value the flow wrote before
 * is never flagged, and a new flow flags nothing until {@code minObservations} values are learned.
 *
 * <p>Not thread-safe: the profile step learns under its own lock.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
@JsonIgnoreProperties(ignoreUnknown = true)
public final class FieldProfile {

    /** Distinct values kept for a categorical field; beyond this the field is free-form and the domain is dropped. */
    public static final int MAX_DOMAIN = 50;
    /** A value longer than this is never part of a domain (a categorical value is a code or a word). */
    static final int MAX_DOMAIN_VALUE_LENGTH = 40;
    /** A value this many times the largest magnitude seen is flagged (a quantity 1,000× the usual is far above it). */
    static final double MAGNITUDE_FACTOR = 10;
    /** The share of strings one structured format must have for a value of another format to be flagged. */
    static final double FORMAT_SHARE = 0.98;

    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ().\\-/]{7,20}(\\s*(x|ext\\.?)\\s*[0-9]{1,6})?");
    private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
    private static final Pattern DATE_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?(\\[[^]]+])?|/Date\\(-?\\d+([+-]\\d{4})?\\)/");
    private static final Pattern URL = Pattern.compile("https?://\\S+", Pattern.CASE_INSENSITIVE);
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

    long count;
    long nulls;
    Map<String, Long> kinds = new TreeMap<>();
    Map<String, Long> formats = new TreeMap<>();
    long numeric;
    double min;
    double max;
    double maxAbs;
    long magnitudes;
    double logSum;
    long strings;
    int minLength = Integer.MAX_VALUE;
    int maxLength;
    Map<String, Long> domain = new TreeMap<>();
    boolean free;

    /** Learns one value (null or missing counts as a null). */
    public void learn(JsonNode value) {
        count++;
        if (isNull(value)) {
            nulls++;
            return;
        }
        String kind = kind(value);
        kinds.merge(kind, 1L, Long::sum);
        if (value.isTextual()) {
            String text = value.textValue();
            strings++;
            formats.merge(format(text), 1L, Long::sum);
            int length = text.codePointCount(0, text.length());
            minLength = Math.min(minLength, length);
            maxLength = Math.max(maxLength, length);
        }
        numberOf(value).ifPresent(this::learnNumber);
        if (!free && ("string".equals(kind) || value.isBoolean())) {
            String key = value.asText();
            if (key.length() > MAX_DOMAIN_VALUE_LENGTH) {
                free = true;
                domain.clear();
            } else {
                domain.merge(key, 1L, Long::sum);
                if (domain.size() > MAX_DOMAIN) {
                    free = true;
                    domain.clear();
                }
            }
        } else if (value.isContainerNode()) {
            free = true;
            domain.clear();
        }
    }

    private void learnNumber(double x) {
        min = numeric == 0 ? x : Math.min(min, x);
        max = numeric == 0 ? x : Math.max(max, x);
        numeric++;
        maxAbs = Math.max(maxAbs, Math.abs(x));
        if (x != 0) {
            magnitudes++;
            logSum += Math.log10(Math.abs(x));
        }
    }

    /**
     * How {@code value} departs from what was learned, as {@code expected ...} (the caller adds the actual value); empty when it fits or fewer
     * than {@code minObservations} values were learned.
     */
    public Optional<String> check(JsonNode value, long minObservations) {
        if (count < Math.max(1, minObservations)) {
            return Optional.empty();
        }
        if (isNull(value)) {
            return nulls == 0 ? Optional.of("expected a value (present in all " + count + " records synced)")
                    : Optional.empty();
        }
        long nonNull = count - nulls;
        if (nonNull == 0) {
            return Optional.empty(); // always empty so far: nothing to compare with
        }
        String kind = kind(value);
        if (kinds.getOrDefault(kind, 0L) == 0) {
            return Optional.of("expected " + describeKinds());
        }
        if (value.isTextual()) {
            String text = value.textValue();
            Map.Entry<String, Long> top = formats.entrySet().stream().max(Map.Entry.comparingByValue()).orElse(null);
            String format = format(text);
            if (top != null && !"text".equals(top.getKey()) && top.getValue() >= FORMAT_SHARE * strings
                    && formats.getOrDefault(format, 0L) == 0) {
                return Optional.of("expected " + article(top.getKey()) + " (" + top.getValue() + " of " + strings
                        + " values)");
            }
            int length = text.codePointCount(0, text.length());
            if (strings > 0 && length > 2 * maxLength + 10) {
                return Optional.of("expected at most about " + maxLength + " characters (" + minLength + " to "
                        + maxLength + " seen, this one " + length + ")");
            }
        }
        Optional<Double> number = numberOf(value);
        if (number.isPresent() && numeric >= Math.max(1, minObservations)) {
            double x = number.get();
            if (x < 0 && min >= 0) {
                return Optional.of("expected a number ≥ 0 (" + range() + ")");
            }
            if (maxAbs > 0 && Math.abs(x) > MAGNITUDE_FACTOR * maxAbs) {
                return Optional.of("expected a magnitude up to about " + plain(maxAbs) + " (" + range() + ", this one "
                        + plain(Math.abs(x) / typical()) + "× the typical value)");
            }
        }
        if (categorical() && ("string".equals(kind) || value.isBoolean()) && !domain.containsKey(value.asText())) {
            return Optional.of("expected one of the " + domain.size() + " values seen (" + String.join(", ", domain.keySet())
                    + ")");
        }
        return Optional.empty();
    }

    /**
     * Whether the field looks categorical: few distinct short values, each seen several times on average (an
     * identifier or a name keeps getting new values and never qualifies).
     */
    public boolean categorical() {
        long nonNull = count - nulls;
        return !free && !domain.isEmpty() && domain.size() <= MAX_DOMAIN && nonNull >= 10L * domain.size();
    }

    /** 10^(mean log10|x|): the typical magnitude of the non-zero numbers, 0 when none. */
    public double typical() {
        return magnitudes == 0 ? 0 : Math.pow(10, logSum / magnitudes);
    }

    public long count() {
        return count;
    }

    public long nulls() {
        return nulls;
    }

    /** The profile as a JSON-friendly summary (what {@code tandem profiles show} prints). */
    public Map<String, Object> summary() {
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        s.put("observations", count);
        s.put("nullRate", count == 0 ? 0.0 : Math.round(1000.0 * nulls / count) / 1000.0);
        s.put("kinds", kinds);
        if (strings > 0) {
            s.put("formats", formats);
            s.put("length", Map.of("min", minLength, "max", maxLength));
        }
        if (numeric > 0) {
            Map<String, Object> n = new java.util.LinkedHashMap<>();
            n.put("min", min);
            n.put("max", max);
            n.put("typical", typical());
            s.put("numbers", n);
        }
        if (categorical()) {
            s.put("domain", domain);
        }
        return s;
    }

    /** Merges another sketch of the same field into this one (two batches learned apart). */
    public void merge(FieldProfile o) {
        count += o.count;
        nulls += o.nulls;
        o.kinds.forEach((k, v) -> kinds.merge(k, v, Long::sum));
        o.formats.forEach((k, v) -> formats.merge(k, v, Long::sum));
        if (o.numeric > 0) {
            min = numeric == 0 ? o.min : Math.min(min, o.min);
            max = numeric == 0 ? o.max : Math.max(max, o.max);
        }
        numeric += o.numeric;
        maxAbs = Math.max(maxAbs, o.maxAbs);
        magnitudes += o.magnitudes;
        logSum += o.logSum;
        strings += o.strings;
        minLength = Math.min(minLength, o.minLength);
        maxLength = Math.max(maxLength, o.maxLength);
        free = free || o.free;
        if (free) {
            domain.clear();
        } else {
            o.domain.forEach((k, v) -> domain.merge(k, v, Long::sum));
            if (domain.size() > MAX_DOMAIN) {
                free = true;
                domain.clear();
            }
        }
    }

    private String range() {
        return numeric + " numbers from " + plain(min) + " to " + plain(max) + ", typically " + plain(typical());
    }

    private String describeKinds() {
        if (kinds.size() == 1) {
            String k = kinds.keySet().iterator().next();
            return article(k) + " (all " + kinds.get(k) + " values seen)";
        }
        return "one of " + String.join(", ", kinds.keySet()) + " (" + kinds + ")";
    }

    static boolean isNull(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode() || (v.isTextual() && v.textValue().isBlank());
    }

    /** The value's kind: a numeric string counts as a number (CEF and CSV exports write amounts both ways). */
    static String kind(JsonNode v) {
        if (v.isNumber()) {
            return "number";
        }
        if (v.isTextual()) {
            return NUMBER.matcher(v.textValue().trim()).matches() ? "number" : "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        return v.isArray() ? "array" : "object";
    }

    static String format(String text) {
        String t = text.trim();
        if (NUMBER.matcher(t).matches()) {
            return "number";
        }
        if (EMAIL.matcher(t).matches()) {
            return "email";
        }
        if (DATE.matcher(t).matches()) {
            return "date";
        }
        if (DATE_TIME.matcher(t).matches()) {
            return "datetime";
        }
        if (URL.matcher(t).matches()) {
            return "url";
        }
        if (PHONE.matcher(t).matches() && t.chars().filter(Character::isDigit).count() >= 7) {
            return "phone";
        }
        return "text";
    }

    static Optional<Double> numberOf(JsonNode v) {
        if (v.isNumber()) {
            return Optional.of(v.doubleValue());
        }
        if (v.isTextual() && NUMBER.matcher(v.textValue().trim()).matches()) {
            try {
                double d = Double.parseDouble(v.textValue().trim());
                return Double.isFinite(d) ? Optional.of(d) : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static String article(String kindOrFormat) {
        return switch (kindOrFormat) {
            case "email" -> "an e-mail address";
            case "phone" -> "a phone number";
            case "date" -> "an ISO date (yyyy-MM-dd)";
            case "datetime" -> "a date-time";
            case "url" -> "a URL";
            case "number" -> "a number";
            case "string" -> "a text";
            case "boolean" -> "true or false";
            case "array" -> "a list";
            case "object" -> "an object";
            default -> kindOrFormat;
        };
    }

    /** The actual value as the message shows it: JSON, cut at 80 characters. */
    static String render(JsonNode v) {
        if (v == null || v.isMissingNode()) {
            return "(missing)";
        }
        String s = v.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static String plain(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%.4g", d).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replaceAll("\\.($|e)", "$1");
    }
}
