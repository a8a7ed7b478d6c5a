package dev.tandem.server;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * Where processing stands, for {@code GET /api/status}, the demo's progress line and operators.
 *
 * <p>Two kinds of counter, named apart in the JSON so none changes meaning across a restart: <b>durable</b> ones are
 * read from the store and the event log, and survive restarts ({@code received}, {@code settled},
 * {@code retrying}, {@code deadLettered}, each flow's {@code committedOffset}); <b>since start</b> ones are this
 * process's in-memory counters, zero after each restart, and carry {@code SinceStart} in their JSON name beside
 * {@code startedAt} (docs/operations.md, "/api/status"). The Java accessors keep their short names.
 *
 * @param startedAt          when this process started (the origin of every since-start counter)
 * @param received           durable: distinct events in the log (the log's end offset)
 * @param settled            durable: events whose processing is finished or handed to the retry queue (the lowest
 *                           committed offset of the enabled flows)
 * @param synced             since start: events written to Salesforce
 * @param skipped            since start: events with nothing to do (e.g. already synced)
 * @param retrying           durable: events waiting for a retry
 * @param deadLettered       durable: dead letters in the store
 * @param salesforceApiCalls since start: Salesforce data-API calls made by this process
 * @param flows              every loaded flow: id, version, enabled, its committed offset (durable)
 * @param flowProblems       flow files refused at start or by the last reload, as {@code file:line:column: message}
 * @param cdcEvents          since start: Salesforce change events delivered by the Pub/Sub API (0 when CDC is off)
 * @param cdcEchoesDropped   since start: of those, Tandem's own writes coming back, dropped by the echo policy
 */
public record StatusSnapshot(@JsonFormat(shape = JsonFormat.Shape.STRING) Instant startedAt, long received, long settled,
                             @JsonProperty("syncedSinceStart") long synced,
                             @JsonProperty("skippedSinceStart") long skipped,
                             long retrying, long deadLettered,
                             @JsonProperty("salesforceApiCallsSinceStart") long salesforceApiCalls,
                             java.util.List<FlowStatus> flows, java.util.List<String> flowProblems,
                             @JsonProperty("cdcEventsSinceStart") long cdcEvents,
                             @JsonProperty("cdcEchoesDroppedSinceStart") long cdcEchoesDropped) {

    public record FlowStatus(String id, String version, boolean enabled, long committedOffset) {
    }
}
