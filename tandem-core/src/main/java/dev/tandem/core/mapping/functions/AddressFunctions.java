package dev.tandem.core.mapping.functions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Country and subdivision codes for addresses.
 *
 * <p>Countries: ISO 3166-1 (https://www.iso.org/iso-3166-country-codes.html). The codes and the country names
 * come from the JDK's locale data ({@link Locale#getISOCountries()}, {@link Locale#getISO3Country()} and
 * {@link Locale#getDisplayCountry(Locale)}, backed by the Unicode CLDR, https://cldr.unicode.org/), in several
 * languages, plus the resource {@code country-aliases.csv} for names in common use that CLDR does not give.
 *
 * <p>Subdivisions: ISO 3166-2 codes from the resource {@code subdivisions.csv} (US states, district and outlying
 * areas; Canadian provinces and territories). Salesforce's state and country picklists take the ISO codes:
 * CountryCode {@code US}, StateCode {@code CA} (https://help.salesforce.com/s/articleView?id=sf.admin_state_country_picklists_overview.htm
 * "State and Country/Territory Picklists"), which is why {@code $stateCode} returns the part after the hyphen.
 *
 * <p>Unknown names and codes are errors (so bad data is caught before Salesforce rejects it);
 * {@code $isCountry} lets a mapping test first.
 */
final class AddressFunctions {

    /** An ISO 3166-2 code as written: country, hyphen, up to three letters or digits. */
    private static final java.util.regex.Pattern SUBDIVISION_CODE = java.util.regex.Pattern.compile("[A-Z]{2}-[A-Z0-9]{1,3}");

    private AddressFunctions() {
    }

    /** Languages whose CLDR country names are recognised. */
    private static final List<Locale> NAME_LANGUAGES = List.of(Locale.ENGLISH, Locale.FRENCH, Locale.GERMAN,
            Locale.of("es"), Locale.ITALIAN, Locale.of("pt"), Locale.of("nl"));

    private static final Set<String> ALPHA2 = Set.of(Locale.getISOCountries());
    private static final Map<String, String> ALPHA3_TO_ALPHA2 = new HashMap<>();
    private static final Map<String, String> NAME_TO_ALPHA2 = new HashMap<>();

    /** Subdivision name key or code (without country) → full codes, per country. */
    private static final Map<String, Map<String, String>> SUBDIVISIONS = new HashMap<>();
    private static final Map<String, String> SUBDIVISION_NAMES = new LinkedHashMap<>();

    static {
        for (String alpha2 : ALPHA2) {
            Locale country = Locale.of("", alpha2);
            try {
                ALPHA3_TO_ALPHA2.put(country.getISO3Country(), alpha2);
            } catch (java.util.MissingResourceException noAlpha3) {
                // a code without an alpha-3 counterpart in the JDK data: recognised by alpha-2 and name only
            }
            for (Locale language : NAME_LANGUAGES) {
                NAME_TO_ALPHA2.putIfAbsent(Args.nameKey(country.getDisplayCountry(language)), alpha2);
            }
        }
        for (Map<String, String> row : CsvResources.rows("country-aliases.csv")) {
            NAME_TO_ALPHA2.put(Args.nameKey(row.get("name")), row.get("code"));
        }
        for (Map<String, String> row : CsvResources.rows("subdivisions.csv")) {
            String code = row.get("code");
            String country = code.substring(0, 2);
            Map<String, String> byKey = SUBDIVISIONS.computeIfAbsent(country, c -> new HashMap<>());
            byKey.put(Args.nameKey(code.substring(3)), code);
            byKey.put(Args.nameKey(row.get("name")), code);
            String aliases = row.get("aliases");
            if (aliases != null && !aliases.isBlank()) {
                for (String alias : aliases.split("\\|")) {
                    byKey.put(Args.nameKey(alias), code);
                }
            }
            SUBDIVISION_NAMES.put(code, row.get("name"));
        }
    }

    static List<FunctionDefinition> definitions() {
        return List.of(
                new FunctionDefinition("countryCode", "<x:x>", args -> {
                    String value = Args.string("countryCode", args, 0);
                    return value == null ? null : alpha2("countryCode", value);
                }),
                new FunctionDefinition("countryAlpha3", "<x:x>", args -> {
                    String value = Args.string("countryAlpha3", args, 0);
                    return value == null ? null : Locale.of("", alpha2("countryAlpha3", value)).getISO3Country();
                }),
                new FunctionDefinition("countryName", "<x:x>", args -> {
                    String value = Args.string("countryName", args, 0);
                    return value == null ? null
                            : Locale.of("", alpha2("countryName", value)).getDisplayCountry(Locale.ENGLISH);
                }),
                new FunctionDefinition("isCountry", "<x:b>", args -> {
                    String value = Args.string("isCountry", args, 0);
                    return value != null && findAlpha2(value) != null;
                }),
                new FunctionDefinition("subdivisionCode", "<xx?:x>", args -> subdivision("subdivisionCode", args)),
                new FunctionDefinition("stateCode", "<xx?:x>", args -> {
                    String code = subdivision("stateCode", args);
                    return code == null ? null : code.substring(3);
                }),
                new FunctionDefinition("subdivisionName", "<xx?:x>", args -> {
                    String code = subdivision("subdivisionName", args);
                    return code == null ? null : SUBDIVISION_NAMES.get(code);
                }));
    }

    /** The alpha-2 code for an alpha-2 or alpha-3 code or a country name, {@code null} when unknown. */
    static String findAlpha2(String value) {
        String upper = value.trim().toUpperCase(Locale.ROOT);
        if (upper.length() == 2 && ALPHA2.contains(upper)) {
            return upper;
        }
        if (upper.length() == 3 && ALPHA3_TO_ALPHA2.containsKey(upper)) {
            return ALPHA3_TO_ALPHA2.get(upper);
        }
        return NAME_TO_ALPHA2.get(Args.nameKey(value));
    }

    static String alpha2(String function, String value) {
        String alpha2 = findAlpha2(value);
        if (alpha2 == null) {
            throw new FunctionException(function, "'" + value + "' is not an ISO 3166-1 country code or a known country name");
        }
        return alpha2;
    }

    /** {@code $subdivisionCode(value, country?)}: the full ISO 3166-2 code, e.g. {@code US-CA}. */
    private static String subdivision(String function, List<?> args) {
        String value = Args.string(function, args, 0);
        if (value == null) {
            return null;
        }
        String countryArg = Args.string(function, args, 1);
        String upper = value.toUpperCase(Locale.ROOT);
        if (SUBDIVISION_CODE.matcher(upper).matches()) {
            String country = upper.substring(0, 2);
            Map<String, String> codes = SUBDIVISIONS.get(country);
            if (codes != null && codes.containsValue(upper)) {
                if (countryArg != null && !alpha2(function, countryArg).equals(country)) {
                    throw new FunctionException(function, "'" + value + "' is not a subdivision of " + countryArg);
                }
                return upper;
            }
        }
        String key = Args.nameKey(value);
        if (countryArg != null) {
            String country = alpha2(function, countryArg);
            Map<String, String> codes = SUBDIVISIONS.get(country);
            if (codes == null) {
                throw new FunctionException(function, "no ISO 3166-2 subdivision data for " + country
                        + " (known: " + new TreeSet<>(SUBDIVISIONS.keySet()) + ")");
            }
            String code = codes.get(key);
            if (code == null) {
                throw new FunctionException(function, "'" + value + "' is not a known subdivision of " + country);
            }
            return code;
        }
        List<String> found = new ArrayList<>();
        for (Map<String, String> codes : SUBDIVISIONS.values()) {
            String code = codes.get(key);
            if (code != null) {
                found.add(code);
            }
        }
        if (found.isEmpty()) {
            throw new FunctionException(function, "'" + value + "' is not a known subdivision (known countries: "
                    + new TreeSet<>(SUBDIVISIONS.keySet()) + ")");
        }
        if (found.size() > 1) {
            throw new FunctionException(function, "'" + value + "' is ambiguous (" + String.join(", ", new TreeSet<>(found))
                    + "): pass the country as the second argument");
        }
        return found.get(0);
    }
}
