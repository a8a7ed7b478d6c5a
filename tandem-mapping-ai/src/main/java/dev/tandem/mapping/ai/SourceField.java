package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * One leaf of the sample records: its path (keys joined by dots; {@code []} after a key whose value is an array of
 * objects; an array of scalars is itself a leaf), its key segments, and the non-null sample values seen there
 * (the elements of an array of scalars each count as a value).
 */
public record SourceField(String path, List<String> segments, List<JsonNode> samples, int records) {
    public SourceField {
        segments = List.copyOf(segments);
        samples = List.copyOf(samples);
    }

    /** The last key, e.g. {@code city} of {@code default_address.city}. */
    public String leaf() {
        return segments.getLast();
    }

    /** The keys above the leaf, nearest last. */
    public List<String> parents() {
        return segments.subList(0, segments.size() - 1);
    }
}
