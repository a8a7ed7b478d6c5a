package dev.tandem.core.state;

import dev.tandem.core.error.ErrorClass;

import java.time.Instant;
import java.util.Set;

/**
 * A filter over dead letters (issue 9: flow, step, error code, error class, entity key, time range, state, full
 * text), with cursor paging: newest first, {@code beforeId} is the cursor (the last id of the previous page).
 * Empty sets and nulls do not filter. Every value reaches the database as a bound parameter, never as SQL text.
 *
 * @param flows        flow ids
 * @param steps        step kinds
 * @param errorCodes   error codes
 * @param errorClasses error classes
 * @param states       states
 * @param key          a record's key: matches the entity key, the record key ({@code entity/id}), the entity id,
 *                     or a related record; the API also resolves a Salesforce id to its Clarity key first
 * @param text         words that must all appear in the message, code, key or payload (case-insensitive)
 * @param from         created at or after
 * @param to           created before
 * @param beforeId     only ids below this (the cursor); 0 for the first page
 * @param limit        page size
 */
public record DeadLetterQuery(Set<String> flows, Set<String> steps, Set<String> errorCodes, Set<ErrorClass> errorClasses,
                              Set<DeadLetter.State> states, String key, String text, Instant from, Instant to,
                              long beforeId, int limit) {

    public static final int MAX_LIMIT = 500;

    public DeadLetterQuery {
        flows = flows == null ? Set.of() : Set.copyOf(flows);
        steps = steps == null ? Set.of() : Set.copyOf(steps);
        errorCodes = errorCodes == null ? Set.of() : Set.copyOf(errorCodes);
        errorClasses = errorClasses == null ? Set.of() : Set.copyOf(errorClasses);
        states = states == null ? Set.of() : Set.copyOf(states);
        String[][] terms = {{"key", key}, {"q (the search text)", text}};
        for (String[] t : terms) {
            String v = t[1];
            if (v != null && (v.length() > 500 || v.chars().anyMatch(ch -> ch < 0x20 && ch != '\t'))) {
                throw new IllegalArgumentException(t[0] + (v.length() > 500 ? " is at most 500 characters"
                        : " must not contain a control character"));
            }
        }
        key = key == null || key.isBlank() ? null : key.trim();
        text = text == null || text.isBlank() ? null : text.trim();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        if (beforeId < 0) {
            throw new IllegalArgumentException("the cursor must not be negative");
        }
    }

    /** Every dead letter, newest first, {@code limit} per page. */
    public static DeadLetterQuery all(int limit) {
        return new DeadLetterQuery(null, null, null, null, null, null, null, null, null, 0, limit);
    }

    public DeadLetterQuery withStates(Set<DeadLetter.State> s) {
        return new DeadLetterQuery(flows, steps, errorCodes, errorClasses, s, key, text, from, to, beforeId, limit);
    }

    public DeadLetterQuery page(long cursor, int size) {
        return new DeadLetterQuery(flows, steps, errorCodes, errorClasses, states, key, text, from, to, cursor, size);
    }
}
