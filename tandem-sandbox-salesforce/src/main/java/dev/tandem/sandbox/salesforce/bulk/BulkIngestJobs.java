package dev.tandem.sandbox.salesforce.bulk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.data.DataStore;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.FieldValues;
import dev.tandem.sandbox.salesforce.dml.LockFault;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import dev.tandem.sandbox.salesforce.rest.ApiRequest;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Bulk API 2.0 ingest, {@code /services/data/vXX.X/jobs/ingest[/...]} (spec §5 "Bulk API 2.0 ingest", §9):
 * create a job, upload one CSV, mark it UploadComplete, poll, read the result CSVs, abort or delete. Jobs are
 * processed asynchronously, one at a time, in chunks of {@value #CHUNK} records that each run as one transaction
 * (the platform's internal batches), with exactly the validation of the REST API because the rows go through the
 * same {@link DmlEngine}.
 */
public final class BulkIngestJobs implements AutoCloseable {

    /** Bulk API 2.0 job ids start with 750 (the AsyncApexJob-like "bulk job" key prefix). */
    static final String JOB_KEY_PREFIX = "750";
    static final int CHUNK = 200;
    private static final Set<String> OPERATIONS = Set.of("insert", "update", "upsert", "delete", "hardDelete");
    private static final Map<String, Character> DELIMITERS = Map.of("COMMA", ',', "TAB", '\t', "PIPE", '|',
            "SEMICOLON", ';', "CARET", '^', "BACKQUOTE", '`');
    /** "#N/A" sets a field to null (spec §9); an empty value leaves it unset. */
    static final String NULL_VALUE = "#N/A";

    private final SalesforceSchema schema;
    private final IdGenerator ids;
    private final Clock clock;
    private final String userId;
    private final Map<String, IngestJob> jobs = new LinkedHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("salesforce-sandbox-bulk-", 0).factory());
    private final JobProcessor processor;

    public BulkIngestJobs(SalesforceSchema schema, DataStore store, DmlEngine dml, IdGenerator ids, Clock clock,
            String userId, Supplier<LockFault> lockFaults) {
        this.schema = schema;
        this.ids = ids;
        this.clock = clock;
        this.userId = userId;
        this.processor = new JobProcessor(schema, store, dml, clock, userId, lockFaults);
    }

    /** Serves one request under {@code jobs/}; errors come back as Salesforce error arrays. */
    public BulkReply handle(ApiRequest request, String client) {
        try {
            return route(request, client);
        } catch (ApiException e) {
            return BulkReply.json(ApiResponse.error(e));
        }
    }

    /** Forgets every job (sandbox reset); a job being processed finishes into the void. */
    public synchronized void clear() {
        jobs.values().forEach(job -> {
            if (job.state() == IngestJob.State.InProgress || job.state() == IngestJob.State.UploadComplete) {
                job.setState(IngestJob.State.Aborted, clock.instant());
            }
        });
        jobs.clear();
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }

    private BulkReply route(ApiRequest request, String client) {
        // segments: jobs, ingest[, id[, successfulResults|failedResults|unprocessedrecords|batches]]
        if (request.depth() < 2 || !request.segment(1).equals("ingest")) {
            throw notFound();
        }
        if (request.depth() == 2) {
            return switch (request.method()) {
                case "POST" -> BulkReply.json(ApiResponse.of(200, create(request, client)));
                case "GET" -> BulkReply.json(ApiResponse.of(200, list(request.version())));
                default -> throw methodNotAllowed(request, "GET", "POST");
            };
        }
        IngestJob job = job(request.segment(2));
        if (request.depth() == 3) {
            return switch (request.method()) {
                case "GET" -> BulkReply.json(ApiResponse.of(200, info(job, true)));
                case "PATCH" -> BulkReply.json(ApiResponse.of(200, changeState(job, request.json())));
                case "DELETE" -> {
                    delete(job);
                    yield BulkReply.json(ApiResponse.noContent());
                }
                default -> throw methodNotAllowed(request, "DELETE", "GET", "PATCH");
            };
        }
        if (request.depth() != 4) {
            throw notFound();
        }
        return switch (request.segment(3)) {
            case "batches" -> {
                if (!request.method().equals("PUT")) {
                    throw methodNotAllowed(request, "PUT");
                }
                upload(job, request);
                // "201 Created ... No response body is returned." (spec §5 step 2)
                yield BulkReply.json(new ApiResponse(201, Map.of(), null));
            }
            case "successfulResults" -> results(request, job.successfulRows(), job, "sf__Id", "sf__Created");
            case "failedResults" -> results(request, job.failedRows(), job, "sf__Id", "sf__Error");
            // The path is lower-case "unprocessedrecords" (spec §9).
            case "unprocessedrecords" -> results(request, job.unprocessedRows(), job);
            default -> throw notFound();
        };
    }

    private ObjectNode create(ApiRequest request, String client) {
        JsonNode body = request.json();
        if (!body.isObject()) {
            throw invalidJob("The request body must be a JSON object");
        }
        String objectName = text(body, "object");
        if (objectName == null) {
            throw invalidJob("object is required");
        }
        SObjectDefinition def = schema.object(objectName)
                .orElseThrow(() -> invalidJob("Unable to find object: " + objectName));
        String operation = text(body, "operation");
        if (operation == null || !OPERATIONS.contains(operation)) {
            throw invalidJob("InvalidJob : Invalid operation: " + operation
                    + ". Supported operations are insert, update, upsert, delete and hardDelete");
        }
        String requestedKey = text(body, "externalIdFieldName");
        String externalId = null;
        if (operation.equals("upsert")) {
            if (requestedKey == null) {
                throw invalidJob("InvalidJob : External ID was blank for " + def.name()
                        + ". An External ID must be specified for upsert.");
            }
            FieldDefinition key = def.field(requestedKey).filter(f -> f.externalId() || f.name().equals("Id"))
                    .orElseThrow(() -> invalidJob("InvalidJob : Field " + requestedKey + " is not an External ID"
                            + " field of " + def.name()));
            externalId = key.name();
        }
        // Defaults CSV, COMMA, LF when omitted (spec §9 "Bulk API 2.0 defaults").
        String contentType = valueOr(body, "contentType", "CSV");
        if (!contentType.equals("CSV")) {
            throw invalidJob("InvalidJob : Unsupported contentType: " + contentType + ". Only CSV is supported");
        }
        String delimiter = valueOr(body, "columnDelimiter", "COMMA");
        if (!DELIMITERS.containsKey(delimiter)) {
            throw invalidJob("InvalidJob : Invalid columnDelimiter: " + delimiter);
        }
        String lineEnding = valueOr(body, "lineEnding", "LF");
        if (!lineEnding.equals("LF") && !lineEnding.equals("CRLF")) {
            throw invalidJob("InvalidJob : Invalid lineEnding: " + lineEnding);
        }
        IngestJob job = new IngestJob(ids.next(JOB_KEY_PREFIX), def.name(), operation, externalId, delimiter,
                lineEnding, request.version(), userId, clock.instant(), client);
        synchronized (this) {
            jobs.put(job.id, job);
        }
        return info(job, false);
    }

    private void upload(IngestJob job, ApiRequest request) {
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("text/csv")) {
            throw new ApiException(415, List.of(ApiError.of("INVALIDENTITY",
                    "Unsupported Content-Type: " + contentType + ". Job data must be uploaded as text/csv")));
        }
        synchronized (job) {
            if (job.state() != IngestJob.State.Open) {
                throw new ApiException(409, List.of(ApiError.of("INVALIDJOBSTATE",
                        "Job " + job.id + " is not in the Open state: " + job.state())));
            }
            if (job.hasData()) {
                // One upload per job [inferred from the platform's refusal of a second PUT].
                throw ApiException.badRequest(ApiError.of("BULK_API_ERROR", "Found multiple contents for job: <"
                        + job.id + ">, please 'Close' / 'Abort' / 'Delete' the current Job then create a new Job and"
                        + " make sure you only do 'PUT' once on a given Job."));
            }
            job.setData(request.rawBody());
        }
    }

    private ObjectNode changeState(IngestJob job, JsonNode body) {
        String wanted = text(body, "state");
        synchronized (job) {
            IngestJob.State current = job.state();
            if ("UploadComplete".equals(wanted) && current == IngestJob.State.Open) {
                job.setState(IngestJob.State.UploadComplete, clock.instant());
                worker.execute(() -> processor.process(job));
            } else if ("Aborted".equals(wanted) && (current == IngestJob.State.Open
                    || current == IngestJob.State.UploadComplete || current == IngestJob.State.InProgress)) {
                job.setState(IngestJob.State.Aborted, clock.instant());
                if (current != IngestJob.State.InProgress) {
                    worker.execute(() -> processor.process(job));
                }
            } else {
                throw ApiException.badRequest(ApiError.of("INVALIDJOBSTATE", "Invalid state transition of job "
                        + job.id + " from " + current + " to " + wanted));
            }
        }
        return info(job, false);
    }

    private void delete(IngestJob job) {
        IngestJob.State state = job.state();
        if (state == IngestJob.State.Open || state == IngestJob.State.InProgress) {
            // Only UploadComplete, JobComplete, Aborted or Failed jobs can be deleted [inferred from the docs].
            throw ApiException.badRequest(ApiError.of("INVALIDJOBSTATE",
                    "Job " + job.id + " can't be deleted in state " + state));
        }
        synchronized (this) {
            jobs.remove(job.id);
        }
    }

    private BulkReply results(ApiRequest request, List<List<String>> rows, IngestJob job, String... prefix) {
        if (!request.method().equals("GET")) {
            throw methodNotAllowed(request, "GET");
        }
        List<String> header = new ArrayList<>(List.of(prefix));
        header.addAll(job.header());
        List<List<String>> csv = new ArrayList<>(rows.size() + 1);
        csv.add(header);
        csv.addAll(rows);
        return BulkReply.csv(CsvFormat.writeQuoted(csv));
    }

    private synchronized ObjectNode list(String version) {
        ObjectNode body = Json.object();
        body.put("done", true);
        ArrayNode records = body.putArray("records");
        jobs.values().forEach(job -> records.add(info(job, false)));
        body.putNull("nextRecordsUrl");
        return body;
    }

    /** Job info as in spec §5; {@code full} adds the processing counters of {@code GET .../jobs/ingest/{id}}. */
    private ObjectNode info(IngestJob job, boolean full) {
        ObjectNode node = Json.object();
        node.put("id", job.id);
        node.put("operation", job.operation);
        node.put("object", job.object);
        node.put("createdById", job.createdById);
        node.put("createdDate", FieldValues.DATETIME_FORMAT.format(job.createdDate));
        node.put("systemModstamp", FieldValues.DATETIME_FORMAT.format(job.systemModstamp()));
        node.put("state", job.state().name());
        if (job.externalIdFieldName != null) {
            node.put("externalIdFieldName", job.externalIdFieldName);
        }
        node.put("concurrencyMode", "Parallel");
        node.put("contentType", "CSV");
        node.put("apiVersion", Double.parseDouble(job.apiVersion));
        // Clients PUT the CSV to this relative URL; the version segment keeps its "v" so it routes (spec §5).
        node.put("contentUrl", "services/data/v" + job.apiVersion + "/jobs/ingest/" + job.id + "/batches");
        node.put("lineEnding", job.lineEnding);
        node.put("columnDelimiter", job.columnDelimiter);
        if (full) {
            node.put("jobType", "V2Ingest");
            node.put("numberRecordsProcessed", job.processed());
            node.put("numberRecordsFailed", job.failedCount());
            node.put("retries", 0);
            node.put("totalProcessingTime", job.processingMillis());
            node.put("apiActiveProcessingTime", job.processingMillis());
            node.put("apexProcessingTime", 0);
            if (job.errorMessage() != null) {
                node.put("errorMessage", job.errorMessage());
            }
        }
        return node;
    }

    private synchronized IngestJob job(String rawId) {
        IngestJob job = jobs.get(rawId);
        if (job == null && rawId.length() == 15) {
            job = jobs.values().stream().filter(j -> j.id.startsWith(rawId)).findFirst().orElse(null);
        }
        if (job == null) {
            throw notFound();
        }
        return job;
    }

    private static String text(JsonNode body, String name) {
        JsonNode value = body.get(name);
        return value == null || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }

    private static String valueOr(JsonNode body, String name, String fallback) {
        String value = text(body, name);
        return value == null ? fallback : value;
    }

    private static ApiException invalidJob(String message) {
        // Bulk API 2.0 reports job-creation problems with errorCode INVALIDJOB [inferred wording].
        return ApiException.badRequest(ApiError.of("INVALIDJOB", message));
    }

    private static ApiException notFound() {
        return ApiException.notFound(ApiError.notFound());
    }

    private static ApiException methodNotAllowed(ApiRequest request, String... allowed) {
        return new ApiException(405, List.of(ApiError.of("METHOD_NOT_ALLOWED", "HTTP Method '" + request.method()
                + "' not allowed. Allowed are " + String.join(",", allowed))));
    }

    static String decode(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }

    static char delimiter(String name) {
        return DELIMITERS.get(name);
    }
}
