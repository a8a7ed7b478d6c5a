package dev.tandem.core.mapping.functions;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Person names: {@code $splitName} for systems that keep one full-name field (Salesforce Contacts need
 * LastName, https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_contact.htm
 * "Contact", field LastName), {@code $joinName} the other way.
 *
 * <p>The rules, in order: "Last, First Middle" (a comma) puts the part before the comma in {@code last};
 * otherwise the last word is {@code last}, preceded by lower-case particles such as "van", "de", "von"
 * ("Ludwig van Beethoven" → last "van Beethoven"); a leading salutation (Mr, Mrs, Ms, Dr, ...) and a trailing
 * suffix (Jr, Sr, II, III, ...) are set apart; the first remaining word is {@code first} and the words between
 * are {@code middle}. A single word is a {@code last} name only (Salesforce requires LastName, not FirstName).
 * Keys without a value are left out of the result.
 */
final class NameFunctions {

    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    private NameFunctions() {
    }

    private static final Set<String> SALUTATIONS = Set.of("mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir",
            "madam", "rev", "fr", "herr", "frau", "mme", "mlle");
    private static final Set<String> SUFFIXES = Set.of("jr", "sr", "ii", "iii", "iv", "v", "phd", "md", "esq");
    private static final Set<String> PARTICLES = Set.of("van", "von", "der", "den", "de", "del", "della", "di",
            "da", "dos", "das", "du", "la", "le", "ter", "ten", "bin", "ibn", "al", "st");

    static List<FunctionDefinition> definitions() {
        return List.of(
                new FunctionDefinition("splitName", "<x:x>", args -> {
                    String full = Args.string("splitName", args, 0);
                    return full == null ? null : split(full);
                }),
                new FunctionDefinition("joinName", "<xx?x?x?:x>", args -> {
                    List<String> parts = new ArrayList<>();
                    for (int i = 0; i < args.size(); i++) {
                        String part = Args.string("joinName", args, i);
                        if (part != null) {
                            parts.add(SPACES.matcher(part).replaceAll(" "));
                        }
                    }
                    return parts.isEmpty() ? null : String.join(" ", parts);
                }));
    }

    static Map<String, String> split(String full) {
        String salutation = null;
        String suffix = null;
        String last;
        List<String> given;
        String normalized = SPACES.matcher(full.trim()).replaceAll(" ");
        int comma = normalized.indexOf(',');
        if (comma >= 0 && !isSuffix(normalized.substring(comma + 1).trim())) {
            // "Last, First Middle" (possibly "Last, First, Jr.")
            last = normalized.substring(0, comma).trim();
            List<String> rest = new ArrayList<>(words(normalized.substring(comma + 1).replace(",", " ")));
            if (!rest.isEmpty() && isSuffix(rest.get(rest.size() - 1))) {
                suffix = rest.remove(rest.size() - 1);
            }
            given = rest;
        } else {
            List<String> words = new ArrayList<>(words(normalized.replace(",", " ")));
            if (words.size() > 1 && isSuffix(words.get(words.size() - 1))) {
                suffix = words.remove(words.size() - 1);
            }
            int end = words.size() - 1;
            int start = end;
            while (start - 1 > 0 && PARTICLES.contains(words.get(start - 1))) {
                start--;
            }
            last = end < 0 ? null : String.join(" ", words.subList(start, end + 1));
            given = new ArrayList<>(words.subList(0, Math.max(start, 0)));
        }
        if (!given.isEmpty() && SALUTATIONS.contains(key(given.get(0))) && (given.size() > 1 || last != null)) {
            salutation = given.remove(0);
        }
        Map<String, String> out = new LinkedHashMap<>();
        putIfPresent(out, "salutation", salutation);
        putIfPresent(out, "first", given.isEmpty() ? null : given.get(0));
        putIfPresent(out, "middle", given.size() > 1 ? String.join(" ", given.subList(1, given.size())) : null);
        putIfPresent(out, "last", last);
        putIfPresent(out, "suffix", suffix);
        return out;
    }

    private static boolean isSuffix(String word) {
        return SUFFIXES.contains(key(word));
    }

    private static String key(String word) {
        return word.replace(".", "").toLowerCase(Locale.ROOT);
    }

    private static List<String> words(String s) {
        String trimmed = s.trim();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(SPACES.split(trimmed));
    }

    private static void putIfPresent(Map<String, String> out, String key, String value) {
        if (value != null && !value.isBlank()) {
            out.put(key, value);
        }
    }
}
