package dev.tandem.salesforce.bulk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.client.ErrorClassifier;
import dev.tandem.salesforce.client.SalesforceRestClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Bulk API 2.0 ingest (salesforce-api.md §5 "Bulk API 2.0 ingest", §9 "Bulk API 2.0 defaults"), for backfills of
 * 10k+ records where sObject Collections would cost one API call per 200 records.
 *
 * <p>{@link #ingest} runs the whole job: create ({@code POST /jobs/ingest}), upload the CSV
 * ({@code PUT /jobs/ingest/{id}/batches}, {@code text/csv}), {@code PATCH state=UploadComplete} ("If you don't make
 * this request, processing of your data does not start"), poll {@code GET /jobs/ingest/{id}} with exponential backoff
 * until JobComplete, Failed or Aborted, then read the successful, failed and unprocessed records. The single steps
 * are public too, plus {@link #abort} and {@link #delete}.
 *
 * <p>Every call goes through {@link SalesforceRestClient#send}, so it is sent exactly like a REST call: the bearer
 * token, {@code Sforce-Call-Options: client=<name>} (Bulk writes carry it into CDC {@code changeOrigin} too, §4.2,
 * which is how Tandem recognises its own writes), one replay with a new token after a 401 (§1.7), failures
 * classified by the client's {@link ErrorClassifier}, and each call counted in the client's
 * {@link SalesforceRestClient#apiCallCount()} and {@code Sforce-Limit-Info} usage (Bulk calls draw on the same daily
 * allocation, §5).
 *
 * <p>Thread-safe; jobs are independent.
 */
public final class SalesforceBulkClient {

    /**
     * The CSV size one upload may carry: Salesforce takes 150 MB of base64-encoded data per upload (§5), which is
     * 100 MB before encoding.
     */
    public static final long MAX_UPLOAD_BYTES = 100L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceBulkClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Job ids go into URLs: letters and digits only, so a job id can never change the resource addressed. */
    private static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9]{1,40}");

    private final SalesforceRestClient rest;
    private final BulkSettings settings;
    private final long maxUploadBytes;

    /** A Bulk client sending through {@code rest}, so its calls share that client's token, counters and usage. */
    public SalesforceBulkClient(SalesforceRestClient rest, BulkSettings settings) {
        this(rest, settings, MAX_UPLOAD_BYTES);
    }

    /** @param maxUploadBytes the CSV size above which {@link #ingest} refuses, at most {@link #MAX_UPLOAD_BYTES} */
    public SalesforceBulkClient(SalesforceRestClient rest, BulkSettings settings, long maxUploadBytes) {
        this.rest = Objects.requireNonNull(rest, "rest");
        this.settings = Objects.requireNonNull(settings, "settings");
        if (maxUploadBytes < 1 || maxUploadBytes > MAX_UPLOAD_BYTES) {
            throw new IllegalArgumentException("maxUploadBytes must be between 1 and " + MAX_UPLOAD_BYTES);
        }
        this.maxUploadBytes = maxUploadBytes;
    }

    /**
     * A Bulk client with a REST client of its own over {@code tokens} and {@code http}. Its calls count in
     * {@value SalesforceRestClient#METRIC_API_CALLS} but not in another client's {@code apiCallCount()}, and the
     * usage gauges follow whichever client registered on {@code meters} first; prefer
     * {@link #SalesforceBulkClient(SalesforceRestClient, BulkSettings)} to share the REST client.
     */
    public SalesforceBulkClient(SalesforceConfig config, AccessTokenProvider tokens, HttpClient http,
                                BulkSettings settings, MeterRegistry meters) {
        this(config, tokens, http, new ErrorClassifier(), settings, meters, MAX_UPLOAD_BYTES);
    }

    /**
     * As {@link #SalesforceBulkClient(SalesforceConfig, AccessTokenProvider, HttpClient, BulkSettings, MeterRegistry)}
     * with a classifier and an upload limit.
     *
     * @param maxUploadBytes the CSV size above which {@link #ingest} refuses, at most {@link #MAX_UPLOAD_BYTES}
     */
    public SalesforceBulkClient(SalesforceConfig config, AccessTokenProvider tokens, HttpClient http,
                                ErrorClassifier classifier, BulkSettings settings, MeterRegistry meters,
                                long maxUploadBytes) {
        this(new SalesforceRestClient(config, tokens, http, meters, classifier), settings, maxUploadBytes);
    }

    // ------------------------------------------------------------------------------------------ the whole job

    /** {@link #ingest(BulkIngestJob, Iterator)} for a stream, which is consumed once and closed. */
    public BulkResult ingest(BulkIngestJob job, Stream<ObjectNode> records) {
        try (records) {
            return ingest(job, records.iterator());
        }
    }

    /**
     * Runs a job to its end and returns every record's outcome. The CSV is written to a temporary file first, so
     * invalid records are refused before any call and any number of records takes constant memory. When the upload
     * fails the job is aborted. A job that ends Failed or Aborted is returned, not thrown: its
     * {@link BulkJobInfo#errorMessage()} says why and {@link BulkResult#unprocessed()} lists what was not done.
     *
     * @throws IllegalArgumentException a record outside the job's columns, with a nested value, or a CSV over the
     *                                  upload limit
     * @throws IntegrationException     a call failed, or the job did not finish within {@link BulkSettings#timeout()}
     */
    public BulkResult ingest(BulkIngestJob job, Iterator<ObjectNode> records) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(records, "records");
        Path csv = BulkCsv.writeTemp(job.columns(), records, maxUploadBytes);
        try {
            return results(run(job, csv));
        } finally {
            BulkCsv.deleteQuietly(csv);
        }
    }

    /**
     * The most records one job of {@link #ingestInParts} takes: Bulk API 2.0 processes an upload in internal batches
     * of 10,000 records (issue 11: "split over 150 MB / 10,000-record batches"), and a job of that size keeps a
     * failed job's unprocessed rows, and a resumed backfill's repeated work, small.
     */
    public static final int MAX_RECORDS_PER_JOB = 10_000;

    /**
     * Runs as many jobs as the records need, one after the other: each takes at most {@code maxRecordsPerJob}
     * records and at most the upload limit of CSV (a record that would cross it starts the next job), and each
     * job's outcome is streamed to {@code handler} before the next job's CSV is written. Memory stays at one row of
     * CSV and one result row whatever the number of records.
     *
     * @return every job, in order, as it ended (JobComplete, or Failed/Aborted with its unprocessed rows handled)
     * @throws IllegalArgumentException a record outside the job's columns or with a nested value, or one record
     *                                  alone over the upload limit; the jobs before it have run
     * @throws IntegrationException     a call failed (the jobs before it have run and been handled)
     */
    public List<BulkJobInfo> ingestInParts(BulkIngestJob job, Iterator<ObjectNode> records, int maxRecordsPerJob,
                                           BulkResultHandler handler) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(handler, "handler");
        if (maxRecordsPerJob < 1 || maxRecordsPerJob > MAX_RECORDS_PER_JOB) {
            throw new IllegalArgumentException("maxRecordsPerJob must be between 1 and " + MAX_RECORDS_PER_JOB);
        }
        BulkCsv.Rows rows = new BulkCsv.Rows(records);
        List<BulkJobInfo> jobs = new ArrayList<>();
        while (true) {
            java.util.Optional<BulkCsv.Part> part = BulkCsv.writePart(job.columns(), rows, maxRecordsPerJob,
                    maxUploadBytes);
            if (part.isEmpty()) {
                return jobs;
            }
            try {
                BulkJobInfo done = run(job, part.get().file());
                results(done, handler);
                jobs.add(done);
            } finally {
                BulkCsv.deleteQuietly(part.get().file());
            }
        }
    }

    /**
     * {@link #ingest(BulkIngestJob, Iterator)} with the outcome streamed to {@code handler} instead of collected:
     * one job of at most the upload limit.
     */
    public BulkJobInfo ingest(BulkIngestJob job, Iterator<ObjectNode> records, BulkResultHandler handler) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(handler, "handler");
        Path csv = BulkCsv.writeTemp(job.columns(), Objects.requireNonNull(records, "records"), maxUploadBytes);
        try {
            BulkJobInfo done = run(job, csv);
            results(done, handler);
            return done;
        } finally {
            BulkCsv.deleteQuietly(csv);
        }
    }

    /** Creates the job, uploads the file (aborting the job when that fails), closes it and waits for its end. */
    private BulkJobInfo run(BulkIngestJob job, Path csv) {
        BulkJobInfo created = createJob(job);
        try {
            uploadFile(created.id(), csv);
            uploadComplete(created.id());
        } catch (RuntimeException e) {
            abortAfterFailure(created.id(), e);
            throw e;
        }
        return awaitCompletion(created.id());
    }

    // ------------------------------------------------------------------------------------------ single steps

    /** {@code POST /jobs/ingest}: a job in state Open. */
    public BulkJobInfo createJob(BulkIngestJob job) {
        Objects.requireNonNull(job, "job");
        ObjectNode body = JSON.createObjectNode()
                .put("object", job.object())
                .put("operation", job.operation().wire())
                .put("contentType", "CSV")
                .put("columnDelimiter", "COMMA")
                .put("lineEnding", "LF");
        if (!job.externalIdFieldName().isEmpty()) {
            body.put("externalIdFieldName", job.externalIdFieldName());
        }
        return jobInfo(json("POST", "jobs/ingest", body), "create job");
    }

    /** {@code PUT /jobs/ingest/{id}/batches}: uploads the records as CSV with the given header (one upload a job). */
    public void upload(String jobId, List<String> columns, Iterator<ObjectNode> records) {
        requireJobId(jobId);
        Path csv = BulkCsv.writeTemp(List.copyOf(columns), Objects.requireNonNull(records, "records"),
                maxUploadBytes);
        try {
            uploadFile(jobId, csv);
        } finally {
            BulkCsv.deleteQuietly(csv);
        }
    }

    /** {@code PATCH /jobs/ingest/{id}} {@code {"state":"UploadComplete"}}: processing starts. */
    public BulkJobInfo uploadComplete(String jobId) {
        return changeState(jobId, BulkJobState.UPLOAD_COMPLETE);
    }

    /** {@code PATCH /jobs/ingest/{id}} {@code {"state":"Aborted"}}. */
    public BulkJobInfo abort(String jobId) {
        return changeState(jobId, BulkJobState.ABORTED);
    }

    /** {@code DELETE /jobs/ingest/{id}} (§9): the job and its results are gone. */
    public void delete(String jobId) {
        readBody(rest.send("DELETE", jobPath(jobId), null, null, "application/json"));
    }

    /** {@code GET /jobs/ingest/{id}}. */
    public BulkJobInfo job(String jobId) {
        return jobInfo(json("GET", jobPath(jobId), null), "job status");
    }

    /**
     * Polls the job, waiting {@link BulkSettings#firstPoll()} and then ever longer (up to
     * {@link BulkSettings#maxPoll()}), until it is JobComplete, Failed or Aborted.
     *
     * @throws IntegrationException {@code BULK_JOB_TIMEOUT} (not retryable: the job is still running in Salesforce
     *                              and can be awaited again by id) when {@link BulkSettings#timeout()} passes first
     */
    public BulkJobInfo awaitCompletion(String jobId) {
        requireJobId(jobId);
        Instant deadline = Instant.now().plus(settings.timeout());
        Duration wait = settings.firstPoll();
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                throw new IntegrationException(ErrorClassifier.SYSTEM, "BULK_JOB_TIMEOUT", "Bulk job " + jobId
                        + " did not finish within " + settings.timeout() + "; it keeps running in Salesforce",
                        0, false, List.of(), null, null);
            }
            pause(wait.compareTo(left) < 0 ? wait : left, jobId);
            BulkJobInfo info = job(jobId);
            if (info.state().terminal()) {
                LOG.info("Bulk job {} ({} {}) ended {}: {} processed, {} failed", jobId, info.operation().wire(),
                        info.object(), info.state().wire(), info.numberRecordsProcessed(), info.numberRecordsFailed());
                return info;
            }
            wait = next(wait);
        }
    }

    /**
     * The outcome of every record of a finished job, collected in lists: for small jobs and tests. A backfill reads
     * them with {@link #results(BulkJobInfo, BulkResultHandler)}, which holds no row longer than its handler does.
     */
    public BulkResult results(BulkJobInfo job) {
        Objects.requireNonNull(job, "job");
        Collecting all = new Collecting();
        results(job, all);
        return new BulkResult(job, all.successes, all.failures, all.unprocessed);
    }

    /**
     * Streams the outcome of every record of a finished job to {@code handler}: the successful results, then the
     * failed ones, then the unprocessed records, each read row by row from the response body.
     */
    public void results(BulkJobInfo job, BulkResultHandler handler) {
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(handler, "handler");
        successfulResults(job.id(), handler::success);
        failedResults(job.id(), handler::failure);
        unprocessedRecords(job.id(), handler::unprocessed);
    }

    /** {@code GET /jobs/ingest/{id}/successfulResults}: {@code sf__Id}, {@code sf__Created}, then the fields. */
    public List<BulkSuccess> successfulResults(String jobId) {
        List<BulkSuccess> successes = new ArrayList<>();
        successfulResults(jobId, successes::add);
        return successes;
    }

    /** As {@link #successfulResults(String)}, row by row. */
    public void successfulResults(String jobId, Consumer<BulkSuccess> rows) {
        csv(jobId, "successfulResults", row -> {
            String id = row.remove("sf__Id");
            String created = row.remove("sf__Created");
            rows.accept(new BulkSuccess(id == null ? "" : id, Boolean.parseBoolean(created), row));
        });
    }

    /** {@code GET /jobs/ingest/{id}/failedResults}: {@code sf__Id}, {@code sf__Error}, then the fields. */
    public List<BulkFailure> failedResults(String jobId) {
        List<BulkFailure> failures = new ArrayList<>();
        failedResults(jobId, failures::add);
        return failures;
    }

    /** As {@link #failedResults(String)}, row by row. */
    public void failedResults(String jobId, Consumer<BulkFailure> rows) {
        csv(jobId, "failedResults", row -> {
            String id = row.remove("sf__Id");
            String error = row.remove("sf__Error");
            rows.accept(new BulkFailure(id, error == null ? "" : error, row));
        });
    }

    /** {@code GET /jobs/ingest/{id}/unprocessedrecords} (lower-case r, §9): the fields as uploaded. */
    public List<Map<String, String>> unprocessedRecords(String jobId) {
        List<Map<String, String>> rows = new ArrayList<>();
        unprocessedRecords(jobId, rows::add);
        return rows;
    }

    /** As {@link #unprocessedRecords(String)}, row by row. */
    public void unprocessedRecords(String jobId, Consumer<Map<String, String>> rows) {
        csv(jobId, "unprocessedrecords", rows);
    }

    /** Collects a job's outcome in lists, for {@link #results(BulkJobInfo)}. */
    private static final class Collecting implements BulkResultHandler {
        final List<BulkSuccess> successes = new ArrayList<>();
        final List<BulkFailure> failures = new ArrayList<>();
        final List<Map<String, String>> unprocessed = new ArrayList<>();

        @Override
        public void success(BulkSuccess success) {
            successes.add(success);
        }

        @Override
        public void failure(BulkFailure failure) {
            failures.add(failure);
        }

        @Override
        public void unprocessed(Map<String, String> row) {
            unprocessed.add(row);
        }
    }

    // ------------------------------------------------------------------------------------------ HTTP

    private BulkJobInfo changeState(String jobId, BulkJobState state) {
        ObjectNode body = JSON.createObjectNode().put("state", state.wire());
        return jobInfo(json("PATCH", jobPath(jobId), body), "set state " + state.wire());
    }

    private void uploadFile(String jobId, Path csv) {
        // A file publisher per attempt: a replay after a 401 re-reads the file from the start.
        readBody(rest.send("PUT", jobPath(jobId) + "/batches", () -> {
            try {
                return HttpRequest.BodyPublishers.ofFile(csv);
            } catch (FileNotFoundException e) {
                throw new IllegalStateException("the Bulk upload file disappeared: " + csv, e);
            }
        }, "text/csv", "application/json"));
    }

    private void csv(String jobId, String resource, Consumer<Map<String, String>> rows) {
        String path = jobPath(jobId) + "/" + resource;
        HttpResponse<InputStream> response = rest.send("GET", path, null, null, "text/csv");
        try (InputStream in = response.body()) {
            BulkCsv.read(in, rows);
        } catch (IOException | RuntimeException e) {
            throw IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                    "Unexpected Salesforce response: " + resource + " of Bulk job " + jobId
                            + " is not valid CSV (" + e.getMessage() + ")", response.statusCode());
        }
    }

    private JsonNode json(String method, String path, JsonNode body) {
        Supplier<HttpRequest.BodyPublisher> publisher = null;
        if (body != null) {
            byte[] bytes = toBytes(body);
            publisher = () -> HttpRequest.BodyPublishers.ofByteArray(bytes);
        }
        return parse(readBody(rest.send(method, path, publisher, body == null ? null : "application/json",
                "application/json")));
    }

    private static String readBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw ErrorClassifier.transportFailure("reading a Bulk API response", e);
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private void abortAfterFailure(String jobId, RuntimeException cause) {
        try {
            abort(jobId);
        } catch (RuntimeException e) {
            // The job stays Open and Salesforce closes it after its retention; the upload failure is what matters.
            cause.addSuppressed(e);
        }
    }

    private Duration next(Duration wait) {
        long nanos = (long) Math.min(wait.toNanos() * settings.multiplier(), (double) settings.maxPoll().toNanos());
        return Duration.ofNanos(Math.max(nanos, wait.toNanos()));
    }

    private static void pause(Duration wait, String jobId) {
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            throw ErrorClassifier.interrupted("waiting for Bulk job " + jobId, e);
        }
    }

    private static String jobPath(String jobId) {
        return "jobs/ingest/" + requireJobId(jobId);
    }

    private static String requireJobId(String jobId) {
        if (jobId == null || !JOB_ID.matcher(jobId).matches()) {
            throw new IllegalArgumentException("not a Bulk job id: " + jobId);
        }
        return jobId;
    }

    private static BulkJobInfo jobInfo(JsonNode json, String what) {
        if (json == null || !json.isObject() || json.path("id").asText("").isEmpty()) {
            throw unexpected(what + " returned no job");
        }
        try {
            return new BulkJobInfo(
                    requireJobId(json.get("id").asText()),
                    json.path("object").asText(""),
                    BulkOperation.fromWire(json.path("operation").asText("")),
                    BulkJobState.fromWire(json.path("state").asText("")),
                    json.path("externalIdFieldName").asText(""),
                    json.path("numberRecordsProcessed").asLong(0),
                    json.path("numberRecordsFailed").asLong(0),
                    json.path("errorMessage").asText(""));
        } catch (IllegalArgumentException e) {
            throw unexpected(what + ": " + e.getMessage());
        }
    }

    private static IntegrationException unexpected(String message) {
        return IntegrationException.permanentFailure(ErrorClassifier.SYSTEM, "UNEXPECTED_RESPONSE",
                "Unexpected Salesforce response: " + message, 0);
    }

    private static byte[] toBytes(JsonNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request body cannot be serialised", e);
        }
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }
}
