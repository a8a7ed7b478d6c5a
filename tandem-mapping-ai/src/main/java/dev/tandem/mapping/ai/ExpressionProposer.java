package dev.tandem.mapping.ai;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The JSONata expression (https://docs.jsonata.org/) that fills a target field from a source field, with the
 * transform where the values need one: an opt-in negated into an opt-out ({@code $not}), two street lines joined
 * with a newline, picklist values through a value map ({@code $sift} over an object of sample value → picklist value), dates re-formatted ({@code $toMillis} /
 * {@code $fromMillis} with a picture, https://docs.jsonata.org/date-time-functions), numbers from strings
 * ({@code $number}), text to the target's length ({@code $substring}). Keys that are not plain names are quoted with
 * backticks (https://docs.jsonata.org/simple#navigating-json-objects).
 */
public final class ExpressionProposer {

    /** The expression, and what it does beyond reading the value (empty: nothing). */
    public record Proposal(String expression, Optional<String> transform) {
    }

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ExpressionProposer() {
    }

    /** The JSONata path of a source field: {@code line_items[].sku} → {@code line_items.sku}. */
    public static String path(List<String> segments) {
        List<String> parts = new ArrayList<>();
        for (String s : segments) {
            parts.add(quote(s.endsWith("[]") ? s.substring(0, s.length() - 2) : s));
        }
        return String.join(".", parts);
    }

    static String quote(String key) {
        return PLAIN.matcher(key).matches() ? key : "`" + key + "`";
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    public static Proposal propose(SourceField source, ValueProfile profile, TargetField target, List<SourceField> all) {
        String p = path(source.segments());
        List<String> leafWords = FieldTokens.split(source.leaf());
        List<String> targetWords = FieldTokens.split(target.name());
        ValueKind kind = profile.values() == 0 ? ValueKind.TEXT : profile.dominant();

        if (target.type().equals("boolean")) {
            boolean optOut = (targetWords.contains("opt") || targetWords.contains("opted")) && targetWords.contains("out")
                    || target.name().startsWith("DoNot");
            boolean optIn = leafWords.stream().anyMatch(w -> w.startsWith("subscribe") || w.equals("consent")
                    || w.startsWith("accept") || w.startsWith("allow") || w.equals("marketing") || w.equals("newsletter")
                    || w.equals("optin")) || leafWords.contains("opt") && leafWords.contains("in");
            String truth = onlyJsonBooleans(source) ? p : "$lowercase($string(" + p + ")) in [\"true\", \"yes\", \"1\"]";
            if (optOut && optIn) {
                return new Proposal("$not(" + truth + ")", Optional.of("negated: the source says opted in, the target opted out"));
            }
            return truth.equals(p) ? new Proposal(p, Optional.empty()) : new Proposal(truth, Optional.of("to a boolean"));
        }
        if (target.name().endsWith("Street")) {
            Optional<SourceField> second = otherLine(source, all, "1", "2");
            Optional<SourceField> first = otherLine(source, all, "2", "1");
            if (second.isPresent() || first.isPresent()) {
                SourceField one = second.isPresent() ? source : first.get();
                SourceField two = second.isPresent() ? second.get() : source;
                return new Proposal("$join([" + path(one.segments()) + ", " + path(two.segments()) + "][$ != \"\"], \"\\n\")",
                        Optional.of("joins " + one.leaf() + " and " + two.leaf() + " with a new line"));
            }
        }
        if (target.isPicklist() && !profile.distinct().isEmpty()) {
            Map<String, String> map = new LinkedHashMap<>();
            boolean identity = true;
            for (String v : profile.distinct()) {
                Optional<String> match = picklistValue(v, target.picklistValues());
                if (match.isPresent()) {
                    map.put(v, match.get());
                    identity &= match.get().equals(v);
                } else {
                    identity = false;
                }
            }
            if (!identity && !map.isEmpty()) {
                // standard JSONata (Tandem's own $lookup reads a flow's tables): the entry of the map whose key is the value
                StringBuilder b = new StringBuilder("($v := $string(" + p + "); $sift({");
                int i = 0;
                for (Map.Entry<String, String> e : map.entrySet()) {
                    b.append(i++ == 0 ? "" : ", ").append(string(e.getKey())).append(": ").append(string(e.getValue()));
                }
                b.append("}, function($x, $k) { $k = $v }).*)");
                int unmapped = profile.distinct().size() - map.size();
                return new Proposal(b.toString(), Optional.of("picklist value map" + (unmapped == 0 ? ""
                        : " (" + unmapped + " sample value(s) match no picklist value and are left out)")));
            }
            return new Proposal(p, Optional.empty());
        }
        if (target.type().equals("date") && profile.values() > 0) {
            if (kind == ValueKind.DATETIME) {
                return new Proposal("$substring(" + p + ", 0, 10)", Optional.of("the date of an ISO 8601 datetime"));
            }
            if (kind == ValueKind.DATE && "us".equals(profile.dateFormat())) {
                return new Proposal("$fromMillis($toMillis(" + p + ", \"[M1]/[D1]/[Y0001]\"), \"[Y0001]-[M01]-[D01]\")",
                        Optional.of("a US date (M/D/YYYY) to ISO 8601"));
            }
            if (kind == ValueKind.DATE && "eu".equals(profile.dateFormat())) {
                return new Proposal("$fromMillis($toMillis(" + p + ", \"[D1].[M1].[Y0001]\"), \"[Y0001]-[M01]-[D01]\")",
                        Optional.of("a European date (D.M.YYYY) to ISO 8601"));
            }
        }
        if (target.type().equals("datetime") && kind == ValueKind.DATE && "iso".equals(profile.dateFormat())) {
            return new Proposal(p + " & \"T00:00:00Z\"", Optional.of("a date as midnight UTC"));
        }
        if (target.isNumber()) {
            if (profile.numbersAsText()) {
                return new Proposal("$number(" + p + ")", Optional.of("number from a string"));
            }
            if ((target.type().equals("int") || target.type().equals("long")) && kind == ValueKind.DECIMAL) {
                return new Proposal("$round(" + p + ")", Optional.of("rounded to a whole number"));
            }
            return new Proposal(p, Optional.empty());
        }
        if (target.isText()) {
            if (kind == ValueKind.INTEGER && !profile.numbersAsText() || kind == ValueKind.DECIMAL && !profile.numbersAsText()
                    || kind == ValueKind.BOOLEAN && onlyJsonBooleans(source)) {
                return new Proposal("$string(" + p + ")", Optional.of("to text"));
            }
            if (target.length() > 0 && profile.maxLength() > target.length()) {
                return new Proposal("$substring(" + p + ", 0, " + target.length() + ")",
                        Optional.of("cut to the target's " + target.length() + " characters"));
            }
        }
        return new Proposal(p, Optional.empty());
    }

    private static boolean onlyJsonBooleans(SourceField source) {
        return !source.samples().isEmpty() && source.samples().stream().allMatch(v -> v.isBoolean());
    }

    /** The picklist value a sample value stands for: the same ignoring case, spaces, - and _; else none. */
    static Optional<String> picklistValue(String v, List<String> values) {
        String norm = v.replaceAll("[\\s_\\-]", "").toLowerCase(java.util.Locale.ROOT);
        for (String p : values) {
            if (p.replaceAll("[\\s_\\-]", "").toLowerCase(java.util.Locale.ROOT).equals(norm)) {
                return Optional.of(p);
            }
        }
        List<String> words = FieldTokens.words(v);
        String best = null;
        double bestScore = 0.5;
        for (String p : values) {
            double d = NameSignal.dice(words, FieldTokens.words(p));
            if (d > bestScore) {
                bestScore = d;
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The field beside a street line that holds the other line: address1/address2, Line1/Line2, street_1/street_2
     * ({@code from} "1", {@code to} "2": the second line of a first; the other way round: the first of a second).
     */
    static Optional<SourceField> otherLine(SourceField line, List<SourceField> all, String from, String to) {
        String leaf = line.leaf();
        if (!leaf.matches("(?i).*(address|street|line)[ _\\-]?" + from)) {
            return Optional.empty();
        }
        String other = leaf.substring(0, leaf.length() - 1) + to;
        List<String> parents = line.parents();
        return all.stream().filter(f -> f.leaf().equals(other) && f.parents().equals(parents)).findFirst();
    }
}
