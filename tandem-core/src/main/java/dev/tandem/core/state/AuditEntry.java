package dev.tandem.core.state;

import java.time.Instant;

/**
 * One processing attempt of one step of a flow for one event (the per-record audit trail).
 *
 * @param eventOffset    the log offset of the event
 * @param flow           flow id
 * @param flowVersion    the flow version that handled it (a content hash; empty when unknown)
 * @param step           step name, e.g. {@code fetch}, {@code validate}, {@code to}, {@code settle}
 * @param requestSummary what was asked (never secrets), e.g. {@code POST /composite/graph (1 graph, 4 nodes)}
 * @param responseStatus the HTTP status or 0 when there was no HTTP exchange
 * @param durationMillis how long the step took
 * @param outcome        {@code OK}, {@code RETRY}, {@code DEAD_LETTER}, {@code SKIPPED}, {@code WARNING} or {@code FAILED}
 * @param detail         error code and message, or the ids written
 * @param at             when the step finished
 * @param written        what a write step wrote, as JSON {@code {ref: {entity, key, fields}}} with sensitive fields
 *                       masked ({@link Redactor}); null for other steps
 */
public record AuditEntry(long eventOffset, String flow, String flowVersion, String step, String requestSummary,
                         int responseStatus, long durationMillis, String outcome, String detail, Instant at,
                         String written) {

    public AuditEntry {
        flowVersion = flowVersion == null ? "" : flowVersion;
    }

    public AuditEntry(long eventOffset, String flow, String flowVersion, String step, String requestSummary,
                      int responseStatus, long durationMillis, String outcome, String detail, Instant at) {
        this(eventOffset, flow, flowVersion, step, requestSummary, responseStatus, durationMillis, outcome, detail, at, null);
    }
}
