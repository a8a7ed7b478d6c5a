package dev.tandem.sandbox.salesforce.bulk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.CommitOrigin;
import dev.tandem.sandbox.salesforce.data.DataStore;
import dev.tandem.sandbox.salesforce.data.DataStore.Transaction;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.LockFault;
import dev.tandem.sandbox.salesforce.dml.UpsertOutcome;
import dev.tandem.sandbox.salesforce.dml.WriteContext;
import dev.tandem.sandbox.salesforce.id.SalesforceIds;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs an UploadComplete job: parses its CSV, checks the header against the object, then writes the rows through
 * the REST {@link DmlEngine} in chunks, each chunk one transaction with its own injected lock fault. Every row ends
 * up in exactly one of the successful, failed or (after an abort) unprocessed results.
 */
final class JobProcessor {

    private final SalesforceSchema schema;
    private final DataStore store;
    private final DmlEngine dml;
    private final Clock clock;
    private final String userId;
    private final Supplier<LockFault> lockFaults;

    JobProcessor(SalesforceSchema schema, DataStore store, DmlEngine dml, Clock clock, String userId,
            Supplier<LockFault> lockFaults) {
        this.schema = schema;
        this.store = store;
        this.dml = dml;
        this.clock = clock;
        this.userId = userId;
        this.lockFaults = lockFaults;
    }

    void process(IngestJob job) {
        synchronized (job) {
            if (job.state() == IngestJob.State.Aborted) {
                // Aborted before processing began: every uploaded row is an unprocessed record.
                markUnprocessed(job);
                return;
            }
            if (job.state() != IngestJob.State.UploadComplete) {
                return;
            }
            job.setState(IngestJob.State.InProgress, clock.instant());
        }
        long started = System.nanoTime();
        try {
            run(job);
        } finally {
            job.addProcessingMillis((System.nanoTime() - started) / 1_000_000);
        }
    }

    private void run(IngestJob job) {
        byte[] data = job.takeData();
        if (data == null || data.length == 0) {
            job.fail("InvalidBatch : No data was uploaded to the job", clock.instant());
            return;
        }
        List<List<String>> records;
        try {
            records = new CsvFormat(BulkIngestJobs.delimiter(job.columnDelimiter), job.lineEnding.equals("CRLF"))
                    .parse(BulkIngestJobs.decode(data));
        } catch (CsvFormat.CsvException e) {
            job.fail(e.getMessage(), clock.instant());
            return;
        }
        if (records.isEmpty()) {
            job.fail("InvalidBatch : The uploaded CSV has no header row", clock.instant());
            return;
        }
        SObjectDefinition def = schema.require(job.object);
        List<String> header = records.getFirst();
        String headerError = checkHeader(def, job, header);
        job.setHeader(header);
        if (headerError != null) {
            job.fail(headerError, clock.instant());
            return;
        }
        List<List<String>> rows = records.subList(1, records.size());
        for (int start = 0; start < rows.size(); start += BulkIngestJobs.CHUNK) {
            List<List<String>> chunk = rows.subList(start, Math.min(rows.size(), start + BulkIngestJobs.CHUNK));
            if (job.state() == IngestJob.State.Aborted) {
                rows.subList(start, rows.size()).forEach(job::unprocessed);
                return;
            }
            WriteContext ctx = new WriteContext(clock.instant(), userId, job.client, lockFaults.get(), false,
                    job.apiVersion);
            // changeOrigin of Bulk API writes: com/salesforce/api/bulkapi/<version>;client=<id> (spec §4.2).
            CommitOrigin origin = new CommitOrigin("bulkapi", job.apiVersion, job.client, userId, ctx.now());
            store.transaction(origin, tx -> {
                for (List<String> row : chunk) {
                    int savepoint = tx.savepoint();
                    try {
                        job.succeeded(apply(tx, def, job, header, row, ctx));
                    } catch (ApiException e) {
                        tx.rollbackTo(savepoint);
                        job.failed(failure(def, header, row, e));
                    }
                }
                return null;
            });
        }
        synchronized (job) {
            if (job.state() == IngestJob.State.InProgress) {
                job.setState(IngestJob.State.JobComplete, clock.instant());
            }
        }
    }

    private static void markUnprocessed(IngestJob job) {
        byte[] data = job.takeData();
        if (data == null) {
            return;
        }
        try {
            List<List<String>> records = new CsvFormat(BulkIngestJobs.delimiter(job.columnDelimiter),
                    job.lineEnding.equals("CRLF")).parse(BulkIngestJobs.decode(data));
            if (!records.isEmpty()) {
                job.setHeader(records.getFirst());
                records.subList(1, records.size()).forEach(job::unprocessed);
            }
        } catch (CsvFormat.CsvException e) {
            // Unreadable data of an aborted job has no rows to report.
        }
    }

    /** Null when every column names a field (or {@code Relationship.ExternalIdField}) of the object. */
    private static String checkHeader(SObjectDefinition def, IngestJob job, List<String> header) {
        Set<String> seen = new HashSet<>();
        for (String column : header) {
            String name = column.trim();
            if (name.isEmpty()) {
                return "InvalidBatch : Field name not provided";
            }
            if (!seen.add(name.toLowerCase(Locale.ROOT))) {
                return "InvalidBatch : Duplicate field name: " + name;
            }
            int dot = name.indexOf('.');
            boolean known = dot > 0 ? def.relationship(name.substring(0, dot)).isPresent()
                    : def.field(name).isPresent();
            if (!known) {
                return "InvalidBatch : Field name not found : " + name;
            }
        }
        boolean needsId = job.operation.equals("update") || job.operation.equals("delete")
                || job.operation.equals("hardDelete");
        if (needsId && !seen.contains("id")) {
            return "InvalidBatch : The Id field is required for the " + job.operation + " operation";
        }
        if (job.operation.equals("upsert") && !job.externalIdFieldName.equals("Id")
                && !seen.contains(job.externalIdFieldName.toLowerCase(Locale.ROOT))) {
            return "InvalidBatch : The External ID field " + job.externalIdFieldName + " is not in the CSV header";
        }
        return null;
    }

    /** Writes one row; returns its successfulResults line ({@code sf__Id, sf__Created, input columns}). */
    private List<String> apply(Transaction tx, SObjectDefinition def, IngestJob job, List<String> header,
            List<String> row, WriteContext ctx) {
        if (row.size() != header.size()) {
            throw ApiException.badRequest(ApiError.of("INVALID_INPUT", "The row has " + row.size()
                    + " columns but the header has " + header.size(), List.of()));
        }
        ObjectNode body = Json.object();
        String idValue = null;
        String keyValue = null;
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            String value = row.get(i);
            if (name.equalsIgnoreCase("Id") && !job.operation.equals("insert")) {
                idValue = value.isEmpty() ? null : value;
                continue;
            }
            if (job.operation.equals("upsert") && name.equalsIgnoreCase(job.externalIdFieldName)) {
                keyValue = value;
                continue;
            }
            if (value.isEmpty()) {
                continue;
            }
            int dot = name.indexOf('.');
            if (dot > 0) {
                // Account.Clarity_Account_Key__c → {"Account": {"Clarity_Account_Key__c": value}} (spec §2.4).
                ObjectNode parent = body.has(name.substring(0, dot)) ? (ObjectNode) body.get(name.substring(0, dot))
                        : body.putObject(name.substring(0, dot));
                parent.put(name.substring(dot + 1), value);
            } else if (value.equals(BulkIngestJobs.NULL_VALUE)) {
                body.putNull(name);
            } else {
                body.put(name, value);
            }
        }
        String id;
        boolean created;
        switch (job.operation) {
            case "insert" -> {
                id = dml.create(tx, def, body, ctx);
                created = true;
            }
            case "update" -> {
                id = requireId(def, idValue);
                dml.update(tx, def, id, body, ctx);
                created = false;
            }
            case "upsert" -> {
                String key = job.externalIdFieldName;
                String value = key.equals("Id") ? idValue : keyValue;
                if (!key.equals("Id") && (value == null || value.isEmpty())) {
                    throw ApiException.badRequest(ApiError.of("MISSING_ARGUMENT", key + " not specified",
                            List.of(key)));
                }
                UpsertOutcome outcome = dml.upsert(tx, def, key, value, body, false, ctx);
                if (outcome.ambiguous()) {
                    throw ApiException.badRequest(ApiError.of("DUPLICATE_EXTERNAL_ID", key
                            + ": more than one record found for external id field: " + outcome.matches(),
                            List.of(key)));
                }
                id = outcome.id();
                created = outcome.created();
            }
            default -> {
                id = requireId(def, idValue);
                dml.delete(tx, def, id, ctx);
                created = false;
            }
        }
        List<String> line = new ArrayList<>();
        line.add(SalesforceIds.normalize(id).orElse(id));
        line.add(Boolean.toString(created));
        line.addAll(row);
        return line;
    }

    private static String requireId(SObjectDefinition def, String idValue) {
        if (idValue == null) {
            throw ApiException.badRequest(ApiError.of("MISSING_ARGUMENT", "Id not specified in an update call",
                    List.of()));
        }
        return idValue;
    }

    /** A failedResults line: {@code sf__Id} (the row's Id when it had one), {@code sf__Error}, input columns. */
    private static List<String> failure(SObjectDefinition def, List<String> header, List<String> row,
            ApiException e) {
        String id = "";
        for (int i = 0; i < header.size() && i < row.size(); i++) {
            if (header.get(i).trim().equalsIgnoreCase("Id")) {
                id = SalesforceIds.normalize(row.get(i), def.keyPrefix()).orElse(row.get(i));
            }
        }
        List<String> line = new ArrayList<>();
        line.add(id);
        line.add(errorText(e));
        line.addAll(row);
        return line;
    }

    /** {@code STATUS_CODE:message:Field1,Field2 --}, the platform's rendering of a SaveResult error in a CSV. */
    static String errorText(ApiException e) {
        ApiError error = e.errors().getFirst();
        List<String> fields = error.fields() == null ? List.of() : error.fields();
        return error.errorCode() + ":" + error.message() + ":" + (fields.isEmpty() ? "" : String.join(",", fields)
                + " ") + "--";
    }
}
