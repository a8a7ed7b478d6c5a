package dev.tandem.sandbox.salesforce.bulk;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One Bulk API 2.0 ingest job and its state machine (spec §5): Open → UploadComplete → InProgress → JobComplete
 * or Failed; Open, UploadComplete and InProgress may be Aborted. Mutable, guarded by its own monitor: the HTTP
 * threads and the processing thread both touch it.
 */
final class IngestJob {

    enum State { Open, UploadComplete, InProgress, JobComplete, Failed, Aborted }

    final String id;
    final String object;
    final String operation;
    final String externalIdFieldName;
    final String columnDelimiter;
    final String lineEnding;
    final String apiVersion;
    final String createdById;
    final Instant createdDate;
    /** The {@code client=} of the creating call's Sforce-Call-Options header, stamped on every record written. */
    final String client;

    private State state = State.Open;
    private Instant systemModstamp;
    private byte[] data;
    private String errorMessage;
    private List<String> header = List.of();
    private final List<List<String>> successful = new ArrayList<>();
    private final List<List<String>> failed = new ArrayList<>();
    private final List<List<String>> unprocessed = new ArrayList<>();
    private long processingMillis;

    IngestJob(String id, String object, String operation, String externalIdFieldName, String columnDelimiter,
            String lineEnding, String apiVersion, String createdById, Instant createdDate, String client) {
        this.id = id;
        this.object = object;
        this.operation = operation;
        this.externalIdFieldName = externalIdFieldName;
        this.columnDelimiter = columnDelimiter;
        this.lineEnding = lineEnding;
        this.apiVersion = apiVersion;
        this.createdById = createdById;
        this.createdDate = createdDate;
        this.client = client;
        this.systemModstamp = createdDate;
    }

    synchronized State state() {
        return state;
    }

    synchronized void setState(State next, Instant now) {
        state = next;
        systemModstamp = now;
    }

    synchronized Instant systemModstamp() {
        return systemModstamp;
    }

    synchronized boolean hasData() {
        return data != null;
    }

    synchronized void setData(byte[] bytes) {
        data = bytes;
    }

    synchronized byte[] takeData() {
        byte[] bytes = data;
        data = null;
        return bytes;
    }

    synchronized void fail(String message, Instant now) {
        errorMessage = message;
        setState(State.Failed, now);
    }

    synchronized String errorMessage() {
        return errorMessage;
    }

    synchronized void setHeader(List<String> columns) {
        header = List.copyOf(columns);
    }

    synchronized List<String> header() {
        return header;
    }

    synchronized void succeeded(List<String> row) {
        successful.add(row);
    }

    synchronized void failed(List<String> row) {
        failed.add(row);
    }

    synchronized void unprocessed(List<String> row) {
        unprocessed.add(row);
    }

    synchronized void addProcessingMillis(long millis) {
        processingMillis += millis;
    }

    synchronized long processingMillis() {
        return processingMillis;
    }

    synchronized int processed() {
        return successful.size() + failed.size();
    }

    synchronized int failedCount() {
        return failed.size();
    }

    synchronized List<List<String>> successfulRows() {
        return List.copyOf(successful);
    }

    synchronized List<List<String>> failedRows() {
        return List.copyOf(failed);
    }

    synchronized List<List<String>> unprocessedRows() {
        return List.copyOf(unprocessed);
    }
}
