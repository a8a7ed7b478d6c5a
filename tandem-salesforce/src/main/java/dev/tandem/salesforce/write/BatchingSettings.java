package dev.tandem.salesforce.write;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;
import dev.tandem.salesforce.api.SalesforceCollections;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link BatchingSalesforceWriter} batches (issue 3 point 5, architecture invariant 5); {@code salesforce.writer.*}
 * in tandem.yaml ({@link #SPEC}; {@code allOrNone} is not configurable there).
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

    /** The keys of {@code salesforce.writer}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Duration> WINDOW = SPEC.define("window", Type.DURATION, DEFAULT_WINDOW,
            Validator.notNegative(), "how long the batching writer collects writes before sending (a full request "
                    + "goes at once); longer means fewer API calls and more latency");
    private static final ConfigSpec.Key<Integer> MAX_RECORDS = SPEC.define("maxRecords", Type.INT, DEFAULT_MAX_RECORDS,
            Validator.between(1, SalesforceCollections.MAX_RECORDS_PER_REQUEST),
            "records per sObject Collections request");

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

    /** The settings of a {@code salesforce.writer} section parsed with {@link #SPEC} ({@code allOrNone} false). */
    public static BatchingSettings from(Config c) {
        return c.build(() -> new BatchingSettings(c.get(WINDOW), c.get(MAX_RECORDS), false));
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
