package dev.tandem.core.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an initial load (a backfill) keeps how far it got, one row per object ({@code customers}, {@code orders}),
 * so a run cut off by a crash or Ctrl-C resumes after the last chunk it settled instead of starting again. The
 * checkpoint is written in the same store transaction as the chunk's links and dead letters
 * ({@link StateStore#inTransaction}).
 */
public interface BackfillCheckpoints {

    /** The checkpoint of {@code object}, when a run of it started and was not cleared. */
    Optional<Checkpoint> checkpoint(String object);

    /** Stores {@code checkpoint} as its object's (replacing the previous one). */
    void saveCheckpoint(Checkpoint checkpoint);

    /** Forgets the checkpoint of {@code object}: the next run starts from the beginning. */
    void clearCheckpoint(String object);

    /**
     * How far a backfill of one object got.
     *
     * @param object    the object, e.g. {@code customers}
     * @param since     the run's {@code --since} filter as ISO-8601 text, or {@code ""} for the whole store; a run
     *                  with another filter does not resume this one
     * @param read      source records taken from the source and settled (written, failed or skipped) so far
     * @param lastId    the source id of the last record settled (the source is read in ascending id order)
     * @param written   records written to the target so far
     * @param failed    records dead-lettered so far
     * @param skipped   records the flow skipped (filtered, already synced) so far
     * @param complete  whether the run reached the end of the source
     * @param startedAt when the run that this checkpoint continues started
     * @param updatedAt when it was last saved
     */
    record Checkpoint(String object, String since, long read, String lastId, long written, long failed,
                      long skipped, boolean complete, Instant startedAt, Instant updatedAt) {

        public Checkpoint {
            Objects.requireNonNull(object, "object");
            since = since == null ? "" : since;
            lastId = lastId == null ? "" : lastId;
            Objects.requireNonNull(startedAt, "startedAt");
            Objects.requireNonNull(updatedAt, "updatedAt");
        }
    }
}
