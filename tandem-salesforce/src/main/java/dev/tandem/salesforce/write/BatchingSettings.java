package dev.tandem.salesforce.write;

import dev.tandem.salesforce.api.SalesforceCollections;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link BatchingSalesforceWriter} batches (issue 3 point 5, architecture invariant 5).
 *
 * @param window     how long a queued write may wait for others to share its request; a request that is full is sent
 *                   at once. Longer windows mean fewer API calls and more latency.
 * @param maxRecords records per sObject Collections upsert, 1 to {@value SalesforceCollections#MAX_RECORDS_PER_REQUEST}
 *                   (salesforce-api.md §2.8)
 * @param allOrNone  the Collections {@code allOrNone} flag: when true one bad record rolls back every record of its
 *                   request, including other callers' records (§2.8), so the default is false
 */
public record BatchingSettings(Duration window, int maxRecords, boolean allOrNone) {

    public static final Duration DEFAULT_WINDOW = Duration.ofMillis(50);
    public static final int DEFAULT_MAX_RECORDS = SalesforceCollections.MAX_RECORDS_PER_REQUEST;

    public BatchingSettings {
        Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative, got: " + window);
        }
        if (maxRecords < 1 || maxRecords > SalesforceCollections.MAX_RECORDS_PER_REQUEST) {
            throw new IllegalArgumentException("maxRecords must be between 1 and "
                    + SalesforceCollections.MAX_RECORDS_PER_REQUEST + ", got: " + maxRecords);
        }
    }

    /** 50 ms window, 200 records per request, allOrNone false. */
    public static BatchingSettings defaults() {
        return new BatchingSettings(DEFAULT_WINDOW, DEFAULT_MAX_RECORDS, false);
    }

    public BatchingSettings withWindow(Duration newWindow) {
        return new BatchingSettings(newWindow, maxRecords, allOrNone);
    }

    public BatchingSettings withMaxRecords(int newMaxRecords) {
        return new BatchingSettings(window, newMaxRecords, allOrNone);
    }

    public BatchingSettings withAllOrNone(boolean newAllOrNone) {
        return new BatchingSettings(window, maxRecords, newAllOrNone);
    }
}
