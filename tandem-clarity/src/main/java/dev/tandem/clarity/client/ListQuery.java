package dev.tandem.clarity.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The query of a CEF list call {@code GET /<M>/<E>s} (clarity-api.md §3, {@code BaseSearchModel}): filters, sorts and
 * paging. Complex parameters are sent in ServiceStack's JSV form, as CEF's own admin client does (§3):
 * {@code Paging={Size:100,StartIndex:2}}, {@code Sorts=[{field:ID,dir:asc}]}.
 *
 * <p>{@code StartIndex} is a 1-based <em>page number</em>, not a row offset (§3); without paging CEF returns every row.
 * Immutable: every method returns a new query.
 *
 * @param filters parameter name to values, in the order added (an array parameter repeats its key, §3)
 * @param sorts   {@code field:dir} pairs, e.g. {@code ID:asc}
 * @param size    the page size, or null for no paging
 * @param page    the 1-based page number, or null for no paging
 */
public record ListQuery(Map<String, List<String>> filters, List<String> sorts, Integer size, Integer page) {

    /** Field and parameter names are plain identifiers: nothing that could break out of the JSV or query syntax. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9.]{0,63}");

    public ListQuery {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        filters.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        filters = java.util.Collections.unmodifiableMap(copy);
        sorts = List.copyOf(sorts);
        if (size != null && size < 0) {
            throw new IllegalArgumentException("a page size must not be negative, got: " + size);
        }
        if (page != null && page < 1) {
            throw new IllegalArgumentException("a page number is 1-based (clarity-api.md §3), got: " + page);
        }
    }

    /** Every row: no filter, CEF's default order, no paging. */
    public static ListQuery all() {
        return new ListQuery(Map.of(), List.of(), null, null);
    }

    /** Adds a filter; repeat for an array parameter ({@code IDs=1&IDs=2}). */
    public ListQuery with(String parameter, String value) {
        requireName(parameter);
        Objects.requireNonNull(value, "value");
        Map<String, List<String>> next = new LinkedHashMap<>(filters);
        List<String> values = new ArrayList<>(next.getOrDefault(parameter, List.of()));
        values.add(value);
        next.put(parameter, values);
        return new ListQuery(next, sorts, size, page);
    }

    /** {@code ModifiedSince}: rows with {@code UpdatedDate >= since OR CreatedDate >= since} (§3). */
    public ListQuery modifiedSince(Instant since) {
        return with("ModifiedSince", since.toString());
    }

    /** Adds a sort key; {@code ascending} false sorts descending. */
    public ListQuery sortedBy(String field, boolean ascending) {
        requireName(field);
        List<String> next = new ArrayList<>(sorts);
        next.add(field + ":" + (ascending ? "asc" : "desc"));
        return new ListQuery(filters, next, size, page);
    }

    /** Asks for page {@code page} (1-based) of {@code size} rows. */
    public ListQuery paged(int size, int page) {
        return new ListQuery(filters, sorts, size, page);
    }

    /** The same query without paging. */
    public ListQuery unpaged() {
        return new ListQuery(filters, sorts, null, null);
    }

    /** The URL query string (without {@code ?}), every value URL-encoded. */
    public String toQueryString() {
        List<String> parts = new ArrayList<>();
        filters.forEach((name, values) -> values.forEach(v -> parts.add(name + "=" + encode(v))));
        if (!sorts.isEmpty()) {
            parts.add("Sorts=" + encode(sorts.stream().map(s -> {
                int colon = s.indexOf(':');
                return "{field:" + s.substring(0, colon) + ",dir:" + s.substring(colon + 1) + "}";
            }).collect(Collectors.joining(",", "[", "]"))));
        }
        if (size != null && page != null) {
            parts.add("Paging=" + encode("{Size:" + size + ",StartIndex:" + page + "}"));
        }
        return String.join("&", parts);
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a CEF parameter or field name: " + name);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
