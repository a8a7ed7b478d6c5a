package dev.tandem.core.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Field paths and the stored form of profiles. A path names a field of the record by its keys joined with dots;
 * {@code []} after a key means every element of that array ({@code Lines[].Quantity}: the quantity of each line).
 */
public final class Profiles {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A field path: keys (letters, digits, _, $, -) joined by dots, each optionally followed by []. */
    public static final Pattern PATH = Pattern.compile("[A-Za-z_$][\\w$-]{0,79}(\\[])?(\\.[A-Za-z_$][\\w$-]{0,79}(\\[])?){0,9}");
    /** Fields profiled when a flow names none: the record's leaves, at most this many and this deep. */
    public static final int MAX_FIELDS = 200;
    private static final int MAX_DEPTH = 6;
    /** Values of one path in one record that are learned or checked (a huge array is sampled by its head). */
    public static final int MAX_VALUES_PER_PATH = 1000;

    private Profiles() {
    }

    public static String write(FieldProfile p) {
        try {
            return JSON.writeValueAsString(p);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a profile could not be written as JSON", e);
        }
    }

    public static FieldProfile read(String json) {
        try {
            return JSON.readValue(json, FieldProfile.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored profile is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** The values at {@code path} in {@code record}: one (possibly missing) value, or one per array element. */
    public static List<JsonNode> values(JsonNode record, String path) {
        List<JsonNode> current = List.of(record);
        for (String segment : path.split("\\.")) {
            boolean each = segment.endsWith("[]");
            String key = each ? segment.substring(0, segment.length() - 2) : segment;
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode n : current) {
                JsonNode v = n == null ? MissingNode.getInstance() : n.path(key);
                if (each) {
                    if (v.isArray()) {
                        for (int i = 0; i < v.size() && next.size() < MAX_VALUES_PER_PATH; i++) {
                            next.add(v.get(i));
                        }
                    }
                    // an absent or empty array has no elements: nothing to learn or check
                } else {
                    next.add(v);
                }
            }
            current = next;
        }
        return current;
    }

    /** The leaf paths of {@code record} (scalars; arrays of objects as {@code key[]}), added to {@code into}. */
    public static void leaves(JsonNode record, Set<String> into) {
        leaves(record, "", 0, into);
    }

    private static void leaves(JsonNode node, String prefix, int depth, Set<String> into) {
        if (depth > MAX_DEPTH || into.size() >= MAX_FIELDS || !node.isObject()) {
            return;
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (!PATH.matcher(path.replace("[]", "")).matches() && !PATH.matcher(path).matches()) {
                continue; // a key a path cannot name (spaces, dots): not profiled
            }
            JsonNode v = e.getValue();
            if (v.isObject()) {
                leaves(v, path, depth + 1, into);
            } else if (v.isArray()) {
                JsonNode first = v.isEmpty() ? null : v.get(0);
                if (first != null && first.isObject()) {
                    for (JsonNode element : v) {
                        leaves(element, path + "[]", depth + 1, into);
                    }
                } else if (first != null) {
                    add(into, path + "[]");
                }
            } else {
                add(into, path);
            }
            if (into.size() >= MAX_FIELDS) {
                return;
            }
        }
    }

    private static void add(Set<String> into, String path) {
        if (into.size() < MAX_FIELDS) {
            into.add(path);
        }
    }

    /** The summaries of a flow's profiles, by field (what the CLI and the admin API print). */
    public static Map<String, Object> summaries(Map<String, FieldProfile> profiles) {
        Map<String, Object> out = new LinkedHashMap<>();
        profiles.forEach((f, p) -> out.put(f, p.summary()));
        return out;
    }
}
