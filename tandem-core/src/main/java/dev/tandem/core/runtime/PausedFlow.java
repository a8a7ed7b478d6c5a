package dev.tandem.core.runtime;

import dev.tandem.core.connector.AvailabilityState;

import java.time.Instant;

/**
 * A flow the runtime does not run now because a system it uses is unavailable (for {@code /health},
 * {@code /api/status} and alerts). Its offset and retries stay; it resumes by itself when the system answers.
 *
 * @param flow   the flow's id
 * @param system the unavailable system
 * @param cause  why the system is unavailable
 * @param detail what the system said
 * @param since  when the system became unavailable
 */
public record PausedFlow(String flow, String system, AvailabilityState.Cause cause, String detail, Instant since) {
}
