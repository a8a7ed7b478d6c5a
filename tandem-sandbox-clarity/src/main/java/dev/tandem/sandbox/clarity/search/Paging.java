package dev.tandem.sandbox.clarity.search;

import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.QueryParams;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code Paging {Size, StartIndex}} of {@code BaseSearchModel} (spec §3). {@code StartIndex} is a 1-based
 * <em>page number</em>: CEF does {@code Skip(Size * (StartIndex - 1)).Take(Size)}.
 */
public record Paging(Integer size, Integer startIndex) {

    public static final Paging NONE = new Paging(null, null);

    /**
     * Reads {@code Paging={Size:50,StartIndex:2}} (JSV), {@code Paging={"Size":50,"StartIndex":2}} (JSON), and the
     * flat {@code Paging.Size=}/{@code Paging.StartIndex=} or {@code Size=}/{@code StartIndex=} forms that spec §3
     * allows as tolerance.
     */
    public static Paging from(QueryParams query) {
        Integer size = null;
        Integer startIndex = null;
        Optional<String> raw = query.first("Paging");
        if (raw.isPresent()) {
            Object parsed;
            try {
                parsed = JsvParser.parse(raw.get());
            } catch (IllegalArgumentException e) {
                throw ClarityHttpException.badRequest("SerializationException",
                        "Unable to bind 'Paging': " + e.getMessage());
            }
            if (!(parsed instanceof Map<?, ?> map)) {
                throw ClarityHttpException.badRequest("SerializationException",
                        "Unable to bind 'Paging': expected {Size,StartIndex}");
            }
            size = member(map, "Size");
            startIndex = member(map, "StartIndex");
        }
        if (size == null) {
            size = query.integer("Paging.Size").or(() -> query.integer("Size")).orElse(null);
        }
        if (startIndex == null) {
            startIndex = query.integer("Paging.StartIndex").or(() -> query.integer("StartIndex")).orElse(null);
        }
        return new Paging(size, startIndex);
    }

    /** Paging only applies when both values are present and positive; otherwise CEF returns every row (spec §3). */
    public boolean applies() {
        return size != null && startIndex != null && size > 0 && startIndex > 0;
    }

    /**
     * Cuts one page out of the filtered, sorted rows and fills the wrapper exactly as CEF's service does (spec §3):
     * {@code TotalPages = ceil(TotalCount / Size)} (1 without paging), {@code CurrentPage = StartIndex ?? 1},
     * {@code CurrentCount = Size ?? TotalCount} (the requested size, not the rows on the page).
     */
    public <T> PagedResults<T> page(List<T> rows) {
        int total = rows.size();
        int currentPage = startIndex != null ? startIndex : 1;
        int currentCount = size != null ? size : total;
        if (!applies()) {
            return new PagedResults<>(1, currentPage, total, currentCount, rows);
        }
        int totalPages = (int) Math.ceil(total / (double) size);
        long from = (long) size * (startIndex - 1);
        List<T> slice = from >= total ? List.of() : rows.subList((int) from, (int) Math.min(total, from + size));
        return new PagedResults<>(totalPages, currentPage, total, currentCount, slice);
    }

    private static Integer member(Map<?, ?> map, String name) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (name.equalsIgnoreCase(String.valueOf(e.getKey()))) {
                String v = String.valueOf(e.getValue()).trim();
                if (v.isEmpty() || v.equals("null")) {
                    return null;
                }
                try {
                    return Integer.parseInt(v);
                } catch (NumberFormatException ex) {
                    throw ClarityHttpException.badRequest("SerializationException",
                            "Unable to bind 'Paging." + name + "': '" + v + "' is not an Int32");
                }
            }
        }
        return null;
    }
}
