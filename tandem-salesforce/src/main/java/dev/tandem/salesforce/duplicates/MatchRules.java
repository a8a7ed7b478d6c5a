package dev.tandem.salesforce.duplicates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How Tandem tells that two Salesforce records are the same customer, per object: a list of rules, each a set of
 * fields that must all be equal after normalisation (any one rule matching is a match). The defaults follow the
 * standard matching rules Salesforce ships (https://help.salesforce.com/s/articleView?id=sf.matching_rules_standard_contact_rule.htm
 * "Standard Contact Matching Rule": e-mail, or name with address parts; the account rule matches by name and
 * billing address), reduced to exact comparisons of normalised values:
 * <ul>
 *   <li>Contact: {@code Email}, or {@code FirstName + LastName + MailingPostalCode};</li>
 *   <li>Account: {@code Name + BillingPostalCode}.</li>
 * </ul>
 * Normalisation: trimmed, lower-cased (Salesforce compares text case-insensitively in SOQL), inner white space
 * collapsed. A rule whose fields are not all present on a record does not apply to it.
 *
 * @param byObject the rules per sObject, e.g. {@code Contact -> [[Email], [FirstName, LastName, MailingPostalCode]]}
 */
public record MatchRules(Map<String, List<List<String>>> byObject) {

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");

    public MatchRules {
        Map<String, List<List<String>>> copy = new LinkedHashMap<>();
        byObject.forEach((object, rules) -> {
            for (List<String> rule : rules) {
                if (rule.isEmpty()) {
                    throw new IllegalArgumentException("a match rule of " + object + " names no field");
                }
                for (String field : rule) {
                    if (!FIELD.matcher(field).matches()) {
                        throw new IllegalArgumentException("a match rule of " + object + " names '" + field
                                + "', which is not a Salesforce field API name");
                    }
                }
            }
            copy.put(object, rules.stream().map(List::copyOf).toList());
        });
        byObject = Map.copyOf(copy);
    }

    /** The defaults described above. */
    public static MatchRules defaults() {
        return new MatchRules(Map.of(
                "Contact", List.of(List.of("Email"), List.of("FirstName", "LastName", "MailingPostalCode")),
                "Account", List.of(List.of("Name", "BillingPostalCode"))));
    }

    /**
     * Parses rules written {@code "Email | FirstName+LastName+MailingPostalCode"}: rules separated by {@code |},
     * the fields of a rule by {@code +}.
     */
    public static List<List<String>> parse(String text) {
        List<List<String>> rules = new ArrayList<>();
        for (String rule : text.split("\\|")) {
            List<String> fields = new ArrayList<>();
            for (String field : rule.split("\\+")) {
                if (!field.isBlank()) {
                    fields.add(field.trim());
                }
            }
            if (!fields.isEmpty()) {
                rules.add(fields);
            }
        }
        return rules;
    }

    /** The rules of an object; empty when Tandem does not match it. */
    public List<List<String>> rules(String sobject) {
        return byObject.getOrDefault(sobject, List.of());
    }

    /** Every field the rules of an object read. */
    public List<String> fields(String sobject) {
        List<String> fields = new ArrayList<>();
        rules(sobject).forEach(rule -> rule.stream().filter(f -> !fields.contains(f)).forEach(fields::add));
        return fields;
    }

    /** A value as rules compare it: trimmed, lower-case, single spaces; empty when blank. */
    public static String normalise(String value) {
        if (value == null) {
            return "";
        }
        return SPACES.matcher(value.trim()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }

    /**
     * The match key of a record under one rule: the normalised values joined, or empty when one of them is blank
     * (a rule needs all its fields).
     */
    public static Optional<String> key(List<String> rule, java.util.function.Function<String, String> values) {
        StringBuilder key = new StringBuilder();
        for (String field : rule) {
            String v = normalise(values.apply(field));
            if (v.isEmpty()) {
                return Optional.empty();
            }
            key.append(key.isEmpty() ? "" : "\u001f").append(v);
        }
        return Optional.of(key.toString());
    }
}
