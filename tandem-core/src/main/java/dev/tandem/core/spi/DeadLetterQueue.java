package dev.tandem.core.spi;

import dev.tandem.core.state.DeadLetter;
import dev.tandem.core.state.DeadLetterChange;
import dev.tandem.core.state.DeadLetterQuery;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dead-letter channel: events a flow gave up on, and what operators and the runtime did about them. Every state
 * change writes a {@link DeadLetterChange} in the same transaction.
 */
public interface DeadLetterQueue {

    /**
     * Stores a failure and returns the dead letter's id. It lands on an existing dead letter when there is one for
     * the same (event, flow) — a retried dead letter failing again — or an active one of the same flow, record key
     * and error code (duplicates collapse: occurrences + 1, the newest event, payload and error); otherwise a new
     * one. Either way the dead letter is open afterwards and the failure is in its history.
     */
    long addDeadLetter(DeadLetter deadLetter);

    Optional<DeadLetter> deadLetter(long id);

    /** The newest dead letters first, any state. */
    List<DeadLetter> deadLetters(int limit);

    /** One page of {@code query}, newest first. */
    List<DeadLetter> findDeadLetters(DeadLetterQuery query);

    /** How many match {@code query} (its cursor and limit ignored). */
    long countDeadLetters(DeadLetterQuery query);

    /** Active (open or retrying) dead letters per flow and error code: flow → code → count. */
    Map<String, Map<String, Long>> activeDeadLetterCounts();

    /** Dead letters created at or after {@code since} (any state), per flow; for alerts. */
    Map<String, Long> deadLettersCreatedSince(Instant since);

    /** The history of one dead letter, oldest first. */
    List<DeadLetterChange> deadLetterHistory(long id);

    /**
     * Moves a dead letter to {@code to} if it is in one of {@code from}, recording who, what and why; with a
     * non-null {@code edit} the edit is stored with it. Returns false (and changes nothing) when it is not in such
     * a state or does not exist.
     */
    boolean changeDeadLetter(long id, Collection<DeadLetter.State> from, DeadLetter.State to, String actor,
                             String action, String reason, String edit, Instant at);

    /**
     * Resolves the active dead letters of {@code flow} for {@code recordKey} whose event is at or before
     * {@code offset}: a later event of the record synced (the trace key). Returns how many.
     */
    int resolveDeadLettersOf(String flow, String recordKey, long offset, String reason, Instant at);

    /** The open dead letters that name one of {@code refs} (related records, {@code entity/id}) among their refs. */
    List<DeadLetter> openDeadLettersReferencing(Collection<String> refs);

    /** The record keys of the active dead letters of {@code flow}. */
    List<String> activeDeadLetterKeys(String flow);

    /** The edits kept with retrying dead letters of {@code flow} for these event offsets: offset → edit JSON. */
    Map<Long, String> retryEdits(String flow, Collection<Long> offsets);

    /** Deletes resolved and ignored dead letters (with their history) last changed before {@code before}; returns how many. */
    default int purgeSettledDeadLetters(Instant before) {
        return 0;
    }

    /** Active (open or retrying) dead letters. */
    long deadLetterCount();
}
