package dev.tandem.sandbox.clarity.search;

import java.util.List;

/**
 * {@code <E>PagedResults} (spec §2, {@code PagedResultsBase}): {@code TotalPages, CurrentPage, TotalCount,
 * CurrentCount, Results}. {@code Sorts} and {@code Groupings} are null and therefore omitted.
 */
public record PagedResults<T>(int totalPages, int currentPage, int totalCount, int currentCount, List<T> results) {
}
