package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Walks sample records of any JSON shape and collects their leaf paths with sample values. Bounded: at most
 * {@link #MAX_RECORDS} records are read, {@link #MAX_DEPTH} levels, {@link #MAX_PATHS} distinct paths and
 * {@link #MAX_SAMPLES} values per path; a key that could not be a JSONata path segment (control characters, a
 * backtick, longer than {@link #MAX_KEY}) is refused with a message naming it.
 */
public final class SourceFields {

    public static final int MAX_RECORDS = 1_000;
    public static final int MAX_DEPTH = 12;
    public static final int MAX_PATHS = 2_000;
    public static final int MAX_SAMPLES = 50;
    public static final int MAX_KEY = 120;

    private SourceFields() {
    }

    public static List<SourceField> collect(JsonNode records) {
        if (records == null || !records.isArray()) {
            throw new SuggestInputException("the sample records must be a JSON array of records (objects), got "
                    + (records == null ? "nothing" : records.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        if (records.isEmpty()) {
            throw new SuggestInputException("the sample records are an empty array: give at least one record");
        }
        Map<String, Builder> byPath = new LinkedHashMap<>();
        int n = 0;
        for (JsonNode record : records) {
            if (n == MAX_RECORDS) {
                break;
            }
            if (!record.isObject()) {
                throw new SuggestInputException("sample record " + n + " is not a JSON object but "
                        + record.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            walk(record, new ArrayList<>(), "", byPath, n, 0);
            n++;
        }
        List<SourceField> out = new ArrayList<>();
        byPath.forEach((path, b) -> out.add(new SourceField(path, b.segments, b.samples, b.records)));
        if (out.isEmpty()) {
            throw new SuggestInputException("the sample records have no fields");
        }
        return out;
    }

    private static void walk(JsonNode node, List<String> segments, String path, Map<String, Builder> byPath, int record,
                             int depth) {
        if (depth > MAX_DEPTH) {
            throw new SuggestInputException("sample record " + record + " nests deeper than " + MAX_DEPTH + " levels at " + path);
        }
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String key = checkKey(e.getKey(), path, record);
            List<String> segs = new ArrayList<>(segments);
            segs.add(key);
            String p = path.isEmpty() ? key : path + "." + key;
            JsonNode v = e.getValue();
            if (v.isObject()) {
                walk(v, segs, p, byPath, record, depth + 1);
            } else if (v.isArray() && hasObject(v)) {
                List<String> arraySegs = new ArrayList<>(segments);
                arraySegs.add(key + "[]");
                for (JsonNode element : v) {
                    if (element.isObject()) {
                        walk(element, arraySegs, p + "[]", byPath, record, depth + 1);
                    }
                }
            } else {
                Builder b = byPath.get(p);
                if (b == null) {
                    if (byPath.size() == MAX_PATHS) {
                        throw new SuggestInputException("the sample records have more than " + MAX_PATHS + " distinct field paths");
                    }
                    b = new Builder(segs);
                    byPath.put(p, b);
                }
                b.add(v, record);
            }
        }
    }

    private static boolean hasObject(JsonNode array) {
        for (JsonNode e : array) {
            if (e.isObject()) {
                return true;
            }
        }
        return false;
    }

    private static String checkKey(String key, String path, int record) {
        boolean bad = key.isEmpty() || key.length() > MAX_KEY || key.indexOf('`') >= 0 || key.chars().anyMatch(Character::isISOControl);
        if (bad) {
            throw new SuggestInputException("sample record " + record + " has a key that cannot be mapped"
                    + (path.isEmpty() ? "" : " under " + path) + ": '" + TargetObject.clip(key) + "' (keys need 1–" + MAX_KEY
                    + " characters, no control characters, no backtick)");
        }
        return key;
    }

    private static final class Builder {
        final List<String> segments;
        final List<JsonNode> samples = new ArrayList<>();
        int records;
        int lastRecord = -1;

        Builder(List<String> segments) {
            this.segments = segments;
        }

        void add(JsonNode v, int record) {
            if (record != lastRecord) {
                records++;
                lastRecord = record;
            }
            if (v.isArray()) {
                v.forEach(this::sample);
            } else {
                sample(v);
            }
        }

        private void sample(JsonNode v) {
            if (!v.isNull() && !v.isMissingNode() && samples.size() < MAX_SAMPLES) {
                samples.add(v);
            }
        }
    }
}
