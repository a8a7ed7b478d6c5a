package dev.tandem.clarity.client;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * One page of a CEF list ({@code <E>PagedResults}, clarity-api.md §2). CEF sets {@code CurrentPage = StartIndex ?? 1}
 * and {@code CurrentCount = Size ?? TotalCount} (the requested size, not the rows on this page, §3), so callers go by
 * {@code results().size()}.
 */
public record ClarityPage(int totalPages, int currentPage, int totalCount, int currentCount, List<ObjectNode> results) {

    public ClarityPage {
        results = List.copyOf(results);
    }
}
