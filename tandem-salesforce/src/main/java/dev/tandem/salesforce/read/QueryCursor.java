package dev.tandem.salesforce.read;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.client.ErrorClassifier;
import dev.tandem.salesforce.model.QueryPage;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Walks a SOQL result page by page (salesforce-api.md §2.5): the first page is fetched on the first
 * {@link #hasNext()}, the next one (via {@code nextRecordsUrl}) only when the current one is used up, so memory
 * stays at one page (≤2,000 records) however large the result. Not thread-safe; one cursor per reader.
 */
public final class QueryCursor implements Iterator<ObjectNode> {

    private final Supplier<QueryPage> firstPage;
    private final Function<String, QueryPage> nextPage;
    private QueryPage page;
    private Iterator<ObjectNode> records;
    private long pagesFetched;

    /**
     * @param firstPage fetches the first page ({@code GET /query?q=} or {@code /queryAll?q=})
     * @param nextPage  fetches the page at a {@code nextRecordsUrl}
     */
    public QueryCursor(Supplier<QueryPage> firstPage, Function<String, QueryPage> nextPage) {
        this.firstPage = Objects.requireNonNull(firstPage, "firstPage");
        this.nextPage = Objects.requireNonNull(nextPage, "nextPage");
    }

    @Override
    public boolean hasNext() {
        if (page == null) {
            advance(firstPage.get());
        }
        while (!records.hasNext() && page.hasNext()) {
            String next = page.nextRecordsUrl();
            QueryPage following = nextPage.apply(next);
            if (following.hasNext() && following.nextRecordsUrl().equals(next)) {
                // A locator pointing at itself would loop forever.
                throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                        "Unexpected Salesforce response: query page repeats its own nextRecordsUrl", 200);
            }
            advance(following);
        }
        return records.hasNext();
    }

    @Override
    public ObjectNode next() {
        if (!hasNext()) {
            throw new NoSuchElementException("query has no more records");
        }
        return records.next();
    }

    /** The query's {@code totalSize}, known once the first page is in (fetches it if needed). */
    public long totalSize() {
        if (page == null) {
            hasNext();
        }
        return page.totalSize();
    }

    /** How many pages were fetched so far. */
    public long pagesFetched() {
        return pagesFetched;
    }

    /** The remaining records as a sequential, lazily fetched stream. */
    public Stream<ObjectNode> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }

    private void advance(QueryPage next) {
        page = next;
        records = next.records().iterator();
        pagesFetched++;
    }
}
