package dev.tandem.core.mapping.functions;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code $picklist(value, mapName, default?)}: translates a source value through a value map declared in the flow
 * (e.g. Clarity's customer type {@code Business} → Salesforce's picklist value {@code B2B}).
 *
 * <p>The key is matched exactly, then ignoring case and surrounding blanks; numbers are matched as their text
 * ({@code 3} matches key {@code "3"}). A value the map does not list raises {@link PicklistValueException} (a
 * validation error of the record, code {@link PicklistValueException#CODE}), unless a default is given (an
 * undefined default counts as none; {@code null} as the default leaves the field out).
 * A map entry may map to null, which yields undefined (the field is left out).
 */
final class PicklistFunctions {

    private final Map<String, Map<String, String>> maps;
    private final Map<String, Map<String, String>> folded;

    PicklistFunctions(Map<String, Map<String, String>> picklists) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        Map<String, Map<String, String>> fold = new LinkedHashMap<>();
        picklists.forEach((name, values) -> {
            if (values == null) {
                throw new IllegalArgumentException("picklist map '" + name + "' has no values");
            }
            Map<String, String> entries = new LinkedHashMap<>();
            Map<String, String> foldedEntries = new LinkedHashMap<>();
            values.forEach((k, v) -> {
                entries.put(k, v);
                foldedEntries.putIfAbsent(fold(k), k);
            });
            copy.put(name, Collections.unmodifiableMap(entries));
            fold.put(name, foldedEntries);
        });
        this.maps = Collections.unmodifiableMap(copy);
        this.folded = fold;
    }

    Map<String, Map<String, String>> maps() {
        return maps;
    }

    List<FunctionDefinition> definitions() {
        return List.of(new FunctionDefinition("picklist", "<xxx?:x>", this::picklist));
    }

    private Object picklist(List<?> args) {
        String mapName = Args.string("picklist", args, 1);
        if (mapName == null) {
            throw new FunctionException("picklist", "needs the name of a picklist map as the second argument");
        }
        Map<String, String> map = maps.get(mapName);
        if (map == null) {
            throw new FunctionException("picklist", "no picklist map '" + mapName + "' is declared in the flow"
                    + " (declared: " + (maps.isEmpty() ? "none" : String.join(", ", new TreeSet<>(maps.keySet()))) + ")");
        }
        String value = Args.string("picklist", args, 0);
        if (value == null) {
            return null;
        }
        String key = map.containsKey(value) ? value : folded.get(mapName).get(fold(value));
        if (key != null) {
            return map.get(key);
        }
        // JSONata pads missing arguments with undefined, so an undefined default means "no default";
        // the null literal is a default (it yields undefined, so the field is left out)
        Object fallback = args.size() > 2 ? args.get(2) : null;
        if (fallback != null) {
            return fallback == com.dashjoin.jsonata.Jsonata.NULL_VALUE ? null : fallback;
        }
        throw new PicklistValueException(mapName, value);
    }

    private static String fold(String s) {
        return s.trim().toLowerCase(Locale.ROOT);
    }
}
