package dev.tandem.salesforce.duplicates;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

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
 *   <li>Account: {@code Name + BillingPostalCode};</li>
 *   <li>{@value #PERSON_ACCOUNT} (an Account with {@code IsPersonAccount = true} in an org with Person Accounts, spec
 *       §3.5): the Contact rule under the person account's field names, {@code PersonEmail}, or
 *       {@code FirstName + LastName + PersonMailingPostalCode}.</li>
 * </ul>
 * Normalisation: trimmed, lower-cased (Salesforce compares text case-insensitively in SOQL), inner white space
 * collapsed. A rule whose fields are not all present on a record does not apply to it.
 *
 * @param byObject the rules per sObject, e.g. {@code Contact -> [[Email], [FirstName, LastName, MailingPostalCode]]}
 */
public record MatchRules(Map<String, List<List<String>>> byObject) {

    /** The rules of person accounts: Accounts with {@code IsPersonAccount = true}. */
    public static final String PERSON_ACCOUNT = "PersonAccount";
    /** The objects rules can be given for. */
    public static final List<String> OBJECTS = List.of("Contact", "Account", PERSON_ACCOUNT);

    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,79}");

    /** A Salesforce field API name (letters, digits, underscores; custom fields end in {@code __c}). */
    private static final Type<String> FIELD_NAME = Type.scalar("field API name", text -> {
        if (!FIELD.matcher(text).matches()) {
            throw new IllegalArgumentException("must be a Salesforce field API name (letters, digits and"
                    + " underscores, starting with a letter, e.g. Email or Clarity_Key__c), got '" + text + "'");
        }
        return text;
    }, f -> f);
    /** A rule list: each rule a list of fields; a bare field is a rule of one ({@code [Email, [LastName, X]]}). */
    private static final Type<List<List<String>>> RULES = Type.listOf(Type.listOf(FIELD_NAME));
    private static final Validator<List<List<String>>> WELL_FORMED = new Validator<>() {
        @Override
        public String problem(List<List<String>> rules) {
            for (int i = 0; i < rules.size(); i++) {
                if (rules.get(i).isEmpty()) {
                    return "has an empty rule at [" + i + "]: a rule names the fields that must all be equal";
                }
                if (new java.util.HashSet<>(rules.get(i)).size() != rules.get(i).size()) {
                    return "names a field twice in the rule at [" + i + "]: " + rules.get(i);
                }
            }
            return null;
        }

        @Override
        public String describe() {
            return "";
        }
    };

    /**
     * The keys of {@code salesforce.match} in tandem.yaml: per object its rules, replacing that object's defaults;
     * an object not written keeps them, and {@code []} turns matching of that object off.
     */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<List<List<String>>> CONTACT = SPEC.optional("Contact", RULES,
            "`[[Email], [FirstName, LastName, MailingPostalCode]]`", WELL_FORMED,
            "how a new Contact is matched to an existing one: a list of rules, each a list of Contact fields that"
                    + " must all be equal (trimmed, case-insensitive); any rule matching is a match");
    private static final ConfigSpec.Key<List<List<String>>> ACCOUNT = SPEC.optional("Account", RULES,
            "`[[Name, BillingPostalCode]]`", WELL_FORMED, "the same for a business Account");
    private static final ConfigSpec.Key<List<List<String>>> PERSON = SPEC.optional(PERSON_ACCOUNT, RULES,
            "`[[PersonEmail], [FirstName, LastName, PersonMailingPostalCode]]`", WELL_FORMED,
            "the same for a Person Account (orgs with Person Accounts), with Account field names");

    /** The rules of a {@code salesforce.match} section parsed with {@link #SPEC}. */
    public static MatchRules from(Config c) {
        Map<String, List<List<String>>> configured = new LinkedHashMap<>();
        c.optional(CONTACT).ifPresent(r -> configured.put("Contact", r));
        c.optional(ACCOUNT).ifPresent(r -> configured.put("Account", r));
        c.optional(PERSON).ifPresent(r -> configured.put(PERSON_ACCOUNT, r));
        return c.build(() -> withDefaults(configured));
    }

    public MatchRules {
        Map<String, List<List<String>>> copy = new LinkedHashMap<>();
        byObject.forEach((object, rules) -> {
            if (!OBJECTS.contains(object)) {
                throw new IllegalArgumentException("match rules are for " + String.join(", ", OBJECTS)
                        + ", not '" + object + "'");
            }
            for (List<String> rule : rules) {
                if (rule.isEmpty()) {
                    throw new IllegalArgumentException("a match rule of " + object + " names no field");
                }
                if (new java.util.HashSet<>(rule).size() != rule.size()) {
                    throw new IllegalArgumentException("a match rule of " + object + " names a field twice: "
                            + rule);
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
                "Account", List.of(List.of("Name", "BillingPostalCode")),
                PERSON_ACCOUNT, List.of(List.of("PersonEmail"),
                        List.of("FirstName", "LastName", "PersonMailingPostalCode"))));
    }

    /**
     * The defaults with the objects of {@code configured} replaced by their configured rules ({@code salesforce.match}
     * in tandem.yaml); an object given no rules is not matched at all.
     */
    public static MatchRules withDefaults(Map<String, List<List<String>>> configured) {
        Map<String, List<List<String>>> merged = new LinkedHashMap<>(defaults().byObject());
        merged.putAll(configured);
        return new MatchRules(merged);
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
