package dev.tandem.clarity.read;

import dev.tandem.clarity.model.ClarityEntity;

import java.util.Map;

/**
 * What one {@link ClarityDeltaPoller#pollOnce()} did, per polled list.
 *
 * @param entities the counts of each list that was polled successfully
 * @param failures the lists that failed this time, with the error message; their cursors did not move
 */
public record PollResult(Map<ClarityEntity, Counts> entities, Map<ClarityEntity, String> failures) {

    public PollResult {
        entities = Map.copyOf(entities);
        failures = Map.copyOf(failures);
    }

    /** Events newly appended to the event log, all lists together. */
    public int appended() {
        return entities.values().stream().mapToInt(Counts::appended).sum();
    }

    /** Rows read, all lists together. */
    public int read() {
        return entities.values().stream().mapToInt(Counts::read).sum();
    }

    /** Events the event log already held (same source event id), all lists together. */
    public int duplicates() {
        return entities.values().stream().mapToInt(Counts::duplicates).sum();
    }

    /**
     * @param pages       pages fetched
     * @param read        rows read
     * @param appended    events newly appended
     * @param duplicates  events the event log already held
     * @param alreadySeen rows skipped because the cursor's recent-seen set held their version
     * @param ignored     rows that are no change Tandem syncs (e.g. an order event without a status change)
     * @param rejected    rows without a usable {@code ID} or date, logged and skipped
     * @param passes      passes over the window (more than 1 when rows left the window mid-read)
     */
    public record Counts(int pages, int read, int appended, int duplicates, int alreadySeen, int ignored,
                         int rejected, int passes) {
    }
}
