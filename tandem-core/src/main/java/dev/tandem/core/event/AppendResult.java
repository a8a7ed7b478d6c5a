package dev.tandem.core.event;

/**
 * Outcome of {@code EventLog.append}.
 *
 * @param offset    the log offset of the event: the new one, or the offset of the copy already stored
 * @param duplicate true when an event with the same source and source event id was already in the log
 */
public record AppendResult(long offset, boolean duplicate) {
}
