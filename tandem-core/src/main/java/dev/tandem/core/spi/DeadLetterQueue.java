package dev.tandem.core.spi;

import dev.tandem.core.state.DeadLetter;

import java.util.List;
import java.util.Optional;

/** The dead-letter channel: events a flow gave up on. */
public interface DeadLetterQueue {

    /** Stores the dead letter and returns its id. At most one per ({@code eventOffset}, {@code flow}): a second one replaces the first. */
    long addDeadLetter(DeadLetter deadLetter);

    Optional<DeadLetter> deadLetter(long id);

    /** The newest dead letters first. */
    List<DeadLetter> deadLetters(int limit);

    long deadLetterCount();
}
