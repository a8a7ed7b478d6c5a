package dev.tandem.server;

/**
 * Where processing stands, for {@code GET /api/status}, the demo's progress line and operators.
 *
 * @param received           distinct events in the log
 * @param settled            events whose processing is finished or handed to the retry queue (log offset committed)
 * @param synced             events written to Salesforce since start
 * @param skipped            events with nothing to do since start (e.g. already synced)
 * @param retrying           events waiting for a retry
 * @param deadLettered       dead letters in the store
 * @param salesforceApiCalls Salesforce data-API calls made by this process
 * @param flows              every loaded flow: id, version, enabled, its committed offset
 * @param flowProblems       flow files refused at start or by the last reload, as {@code file:line:column: message}
 * @param cdcEvents          Salesforce change events delivered by the Pub/Sub API since start (0 when CDC is off)
 * @param cdcEchoesDropped   of those, Tandem's own writes coming back, dropped by the echo policy
 */
public record StatusSnapshot(long received, long settled, long synced, long skipped, long retrying, long deadLettered,
                             long salesforceApiCalls, java.util.List<FlowStatus> flows, java.util.List<String> flowProblems,
                             long cdcEvents, long cdcEchoesDropped) {

    public record FlowStatus(String id, String version, boolean enabled, long committedOffset) {
    }
}
