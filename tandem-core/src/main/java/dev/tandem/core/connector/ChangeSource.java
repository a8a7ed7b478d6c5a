package dev.tandem.core.connector;

/**
 * A change feed of one system (cf. Kafka Connect's {@code SourceTask}, Debezium's streaming change event source):
 * a poller, a webhook receiver, a change-data-capture subscription. The server starts every source once with the
 * {@link Ingest}, reports {@link #health()} on {@code /health}, and closes them on shutdown.
 *
 * <p>A source appends through the {@link Ingest} only, and moves its own cursor (a poll watermark, a replay id)
 * only after the append returned. What it needs besides (its client, its cursor store, leases) it is given when
 * constructed.
 */
public interface ChangeSource extends AutoCloseable {

    /** Stable and unique among the sources, {@code <system>.<kind>}: {@code clarity.poll}, {@code salesforce.cdc}. */
    String name();

    /**
     * Starts delivering into {@code ingest}; returns without waiting for the first change (background work runs on
     * the source's own threads).
     *
     * @throws RuntimeException when the source cannot start (the server reports it as {@code FAILED})
     * @throws IllegalStateException when already started or closed
     */
    void start(Ingest ingest);

    /** The source's state now; cheap (called on every {@code /health} request). */
    SourceHealth health();

    /** Stops delivering and releases what the source holds; waits for an append in progress. Idempotent. */
    @Override
    void close();
}
