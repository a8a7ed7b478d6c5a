package dev.tandem.clarity.read;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The durable state of one polled list, stored as JSON text in a {@link dev.tandem.core.spi.CursorStore}:
 * the watermark (the next poll reads {@code ModifiedSince = watermark − overlap}) and the bounded recent-seen set,
 * the record versions already emitted whose change time lies inside the next poll's window. Keeping that set in the
 * cursor is what stops a restart from re-emitting every record of the overlap window (clarity-api.md §11: "an overlap
 * window plus de-duplication by (ID, Hash)").
 *
 * <p>An operator may also store a bare ISO-8601 instant as the value (e.g. to replay from a point in time); it reads
 * as that watermark with nothing seen.
 *
 * @param watermark the change time up to which every record was read
 * @param seen      version key ({@code ID|Hash|change time}) to the record's change time
 */
public record PollCursor(Instant watermark, Map<String, Instant> seen) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    public PollCursor {
        Objects.requireNonNull(watermark, "watermark");
        seen = Map.copyOf(seen);
    }

    /** A cursor at {@code watermark} with nothing seen. */
    public static PollCursor at(Instant watermark) {
        return new PollCursor(watermark, Map.of());
    }

    /**
     * Reads a stored value.
     *
     * @throws IllegalStateException when the value is neither this JSON form nor an ISO-8601 instant
     */
    public static PollCursor parse(String name, String value) {
        String text = value.strip();
        if (!text.startsWith("{")) {
            try {
                return at(Instant.parse(text));
            } catch (DateTimeParseException e) {
                throw new IllegalStateException("The poll cursor " + name
                        + " is neither Tandem's JSON cursor nor an ISO-8601 instant", e);
            }
        }
        Stored stored;
        try {
            stored = JSON.readValue(text, Stored.class);
        } catch (IOException e) {
            throw new IllegalStateException("The poll cursor " + name + " is not valid: "
                    + e.getClass().getSimpleName(), e);
        }
        if (stored.version() != VERSION || stored.watermark() == null) {
            throw new IllegalStateException("The poll cursor " + name + " has an unknown version or no watermark");
        }
        Map<String, Instant> seen = new HashMap<>();
        if (stored.seen() != null) {
            for (Seen s : stored.seen()) {
                if (s != null && s.key() != null) {
                    seen.put(s.key(), Instant.ofEpochMilli(s.at()));
                }
            }
        }
        return new PollCursor(Instant.ofEpochMilli(stored.watermark()), seen);
    }

    /** The JSON text to store. */
    public String format() {
        List<Seen> entries = seen.entrySet().stream()
                .sorted(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> new Seen(e.getKey(), e.getValue().toEpochMilli()))
                .toList();
        try {
            return JSON.writeValueAsString(new Stored(VERSION, watermark.toEpochMilli(), entries));
        } catch (IOException e) {
            throw new IllegalStateException("Could not write a poll cursor", e);
        }
    }

    /**
     * Keeps only what the next window can show again: versions changed at or after {@code windowStart}, and of
     * those at most {@code max}, newest first. A version dropped here and met again is stopped by the event log's
     * de-duplication instead (its source event id is deterministic).
     */
    public static Map<String, Instant> prune(Map<String, Instant> seen, Instant windowStart, int max) {
        return seen.entrySet().stream()
                .filter(e -> !e.getValue().isBefore(windowStart))
                .sorted(Map.Entry.<String, Instant>comparingByValue(Comparator.reverseOrder()))
                .limit(max)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Stored(@JsonProperty("v") int version, @JsonProperty("watermark") Long watermark,
                  @JsonProperty("seen") List<Seen> seen) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Seen(@JsonProperty("k") String key, @JsonProperty("t") long at) {
    }
}
