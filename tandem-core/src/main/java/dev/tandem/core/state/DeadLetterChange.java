package dev.tandem.core.state;

import java.time.Instant;

/**
 * One entry of a dead letter's history: who did what, when and why (issue 9: "every change is recorded with
 * who/when/why"). Failures are entries too (actor {@code tandem}, action {@code failed}), so the history lists every
 * attempt with its time and error.
 *
 * @param deadLetterId the dead letter
 * @param at           when
 * @param actor        an API token's name, {@code tandem} for the runtime, {@code cli} for local commands
 * @param action       e.g. {@code dead-lettered}, {@code failed-again}, {@code retry}, {@code edit}, {@code resolve},
 *                     {@code ignore}, {@code auto-resolve}, {@code auto-retry}, {@code retry-cancelled}
 * @param fromState    the state before (null for the first entry)
 * @param toState      the state after
 * @param detail       the reason given, or the error code and message of a failure, with the event offset
 */
public record DeadLetterChange(long deadLetterId, Instant at, String actor, String action,
                               DeadLetter.State fromState, DeadLetter.State toState, String detail) {
}
