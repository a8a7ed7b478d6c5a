package dev.tandem.sandbox.clarity.wire;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Query parameters looked up case-insensitively, as ServiceStack binds them to the request DTO.
 * Array parameters arrive as repeated keys ({@code IDs=1&IDs=2}, spec §3) or as one comma-separated value.
 */
public final class QueryParams {

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    public QueryParams(Map<String, List<String>> raw) {
        raw.forEach((name, list) -> values.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                .addAll(list));
    }

    public Optional<String> first(String name) {
        List<String> list = values.get(name.toLowerCase(Locale.ROOT));
        if (list == null) {
            return Optional.empty();
        }
        return list.stream().filter(v -> v != null && !v.isBlank()).findFirst();
    }

    /** All values of a repeated key, with comma-separated values split. */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (String v : values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of())) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    public Optional<Integer> integer(String name) {
        return first(name).map(v -> parseInt(name, v));
    }

    public List<Integer> integers(String name) {
        return all(name).stream().map(v -> parseInt(name, v)).toList();
    }

    public Optional<Boolean> bool(String name) {
        return first(name).map(v -> switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw ClarityHttpException.badRequest("SerializationException",
                    "Unable to bind '" + name + "': '" + v + "' is not a Boolean");
        });
    }

    public Optional<Instant> instant(String name) {
        return first(name).map(v -> {
            try {
                return CefDates.parse(v);
            } catch (IllegalArgumentException e) {
                throw ClarityHttpException.badRequest("SerializationException",
                        "Unable to bind '" + name + "': '" + v + "' is not a DateTime");
            }
        });
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ClarityHttpException.badRequest("SerializationException",
                    "Unable to bind '" + name + "': '" + value + "' is not an Int32");
        }
    }
}
