package dev.tandem.mapping.ai;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Words of a field name or label: camelCase, PascalCase, snake_case, kebab-case and digits split apart, lower-cased,
 * abbreviations and synonyms replaced by one canonical spelling ({@link #SYNONYMS}: qty → quantity, zip and postcode
 * → postal code, tel → phone, sku → product code, …), Salesforce's {@code __c} suffix and filler words dropped.
 */
public final class FieldTokens {

    private static final Pattern SPLIT = Pattern.compile(
            "(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])|[^A-Za-z0-9]+");

    /** Abbreviation or synonym → canonical words (several for one: zip → postal code). */
    static final Map<String, List<String>> SYNONYMS = Map.ofEntries(
            Map.entry("qty", List.of("quantity")), Map.entry("quantity", List.of("quantity")),
            Map.entry("addr", List.of("address")), Map.entry("adr", List.of("address")),
            Map.entry("zip", List.of("postal", "code")), Map.entry("zipcode", List.of("postal", "code")),
            Map.entry("postcode", List.of("postal", "code")), Map.entry("postalcode", List.of("postal", "code")),
            Map.entry("plz", List.of("postal", "code")),
            Map.entry("tel", List.of("phone")), Map.entry("telephone", List.of("phone")), Map.entry("phone", List.of("phone")),
            Map.entry("cell", List.of("mobile")), Map.entry("cellphone", List.of("mobile")), Map.entry("mobile", List.of("mobile")),
            Map.entry("desc", List.of("description")), Map.entry("descr", List.of("description")),
            Map.entry("sku", List.of("product", "code")),
            Map.entry("amt", List.of("amount")), Map.entry("amount", List.of("amount")),
            Map.entry("num", List.of("number")), Map.entry("no", List.of("number")), Map.entry("nbr", List.of("number")),
            Map.entry("nr", List.of("number")),
            Map.entry("fname", List.of("first", "name")), Map.entry("firstname", List.of("first", "name")),
            Map.entry("givenname", List.of("first", "name")), Map.entry("given", List.of("first")),
            Map.entry("lname", List.of("last", "name")), Map.entry("lastname", List.of("last", "name")),
            Map.entry("surname", List.of("last", "name")),
            Map.entry("mail", List.of("email")), Map.entry("email", List.of("email")), Map.entry("e", List.of()),
            Map.entry("province", List.of("state")), Map.entry("region", List.of("state")), Map.entry("county", List.of("state")),
            Map.entry("dob", List.of("birthdate")), Map.entry("birthday", List.of("birthdate")), Map.entry("birth", List.of("birthdate")),
            Map.entry("web", List.of("website")), Map.entry("homepage", List.of("website")), Map.entry("site", List.of("website")),
            Map.entry("url", List.of("website")),
            Map.entry("bill", List.of("billing")), Map.entry("billto", List.of("billing")),
            Map.entry("ship", List.of("shipping")), Map.entry("shipto", List.of("shipping")), Map.entry("delivery", List.of("shipping")),
            Map.entry("org", List.of("company")), Map.entry("organization", List.of("company")), Map.entry("organisation", List.of("company")),
            Map.entry("cust", List.of("customer")), Map.entry("acct", List.of("account")),
            Map.entry("dt", List.of("date")), Map.entry("ts", List.of("date")),
            Map.entry("street1", List.of("street")),
            Map.entry("note", List.of("description")), Map.entry("comment", List.of("description")),
            Map.entry("remark", List.of("description")),
            Map.entry("pricing", List.of("price")), Map.entry("msrp", List.of("list", "price")),
            Map.entry("uom", List.of("unit", "measure")), Map.entry("subtotal", List.of("subtotal")),
            Map.entry("po", List.of("purchase", "order")), Map.entry("ref", List.of("reference")),
            // consent to be contacted, whichever way round it is asked: opt in, opt out, subscribe, marketing
            Map.entry("optin", List.of("consent")), Map.entry("optout", List.of("consent")),
            Map.entry("optedin", List.of("consent")), Map.entry("optedout", List.of("consent")),
            Map.entry("subscribe", List.of("consent")), Map.entry("subscribed", List.of("consent")),
            Map.entry("subscriber", List.of("consent")), Map.entry("unsubscribed", List.of("consent")),
            Map.entry("newsletter", List.of("consent")), Map.entry("marketing", List.of("consent")),
            Map.entry("emails", List.of("email")),
            Map.entry("enabled", List.of("active")), Map.entry("status", List.of("status")), Map.entry("tier", List.of("level")),
            Map.entry("cat", List.of("category")), Map.entry("categories", List.of("category")), Map.entry("family", List.of("category")),
            Map.entry("job", List.of("title")), Map.entry("weight", List.of("weight")));

    /**
     * Words that say little alone: most fields have a name, an id, a code, a date or a number; they count
     * {@link #WEAK_WEIGHT} of a word in a similarity.
     */
    static final Set<String> WEAK = Set.of("name", "id", "code", "number", "date", "key", "type", "value", "total");
    static final double WEAK_WEIGHT = 0.3;

    /** Words that say nothing about what a field holds. */
    private static final Set<String> FILLER = Set.of("c", "the", "of", "a", "an", "is", "has", "to", "for", "field", "value",
            "accept", "accepts", "allow", "allows", "do");

    private FieldTokens() {
    }

    /** The raw words: {@code BillingPostalCode} → billing, postal, code; {@code address2} → address, 2. */
    public static List<String> split(String name) {
        List<String> out = new ArrayList<>();
        for (String part : SPLIT.split(name)) {
            if (!part.isEmpty()) {
                out.add(part.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** The canonical words, in order, without repeats. */
    public static List<String> words(String name) {
        Set<String> out = new LinkedHashSet<>();
        List<String> raw = split(name);
        for (int i = 0; i < raw.size(); i++) {
            String w = raw.get(i);
            // two raw words that make one known word: "zip code", "post code", "e mail", "opt in"
            if (i + 1 < raw.size() && SYNONYMS.containsKey(w + raw.get(i + 1))) {
                out.addAll(SYNONYMS.get(w + raw.get(i + 1)));
                i++;
                continue;
            }
            if (FILLER.contains(w) || w.chars().allMatch(Character::isDigit)) {
                continue;
            }
            // "address 1", "address line 2", "line1": a street line
            if ((w.equals("address") || w.equals("line")) && i + 1 < raw.size()
                    && (raw.get(i + 1).chars().allMatch(Character::isDigit) || raw.get(i + 1).equals("line"))) {
                out.add("street");
                i += raw.get(i + 1).equals("line") ? 1 : 0;
                continue;
            }
            List<String> canonical = SYNONYMS.get(w);
            if (canonical != null) {
                out.addAll(canonical);
            } else {
                out.add(stem(w));
            }
        }
        return List.copyOf(out);
    }

    /** A plural's singular (addresses → address, categories → category); enough for field names. */
    static String stem(String w) {
        if (w.length() > 4 && w.endsWith("ies")) {
            return w.substring(0, w.length() - 3) + "y";
        }
        if (w.length() > 4 && (w.endsWith("sses") || w.endsWith("ches"))) {
            return w.substring(0, w.length() - 2);
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    /** Words of a name as a phrase, for the embedding: {@code default_address.zip} → "default address postal code". */
    public static String phrase(String name) {
        return String.join(" ", words(name));
    }
}
