package dev.tandem.core.write;

import dev.tandem.core.error.ApiError;

import java.util.Map;

/** What the target did with one {@link WriteGroup}. */
public sealed interface WriteOutcome {

    /** What was sent, for the audit trail (never secrets), e.g. {@code POST /composite/graph (12 graphs)}. */
    String request();

    /**
     * Written as a whole. {@code idsByRef} holds the target id of every record; after a replay the target may know
     * only the root's id ({@code replayed}: the group had been written before, by an earlier attempt whose
     * bookkeeping was lost).
     */
    record Written(Map<String, String> idsByRef, boolean replayed, String request) implements WriteOutcome {
        public Written {
            idsByRef = Map.copyOf(idsByRef);
        }
    }

    /** Rolled back as a whole; {@code ref} names the record the target blamed ({@code ?} when none). */
    record Rejected(String ref, ApiError error, String request) implements WriteOutcome {
    }
}
