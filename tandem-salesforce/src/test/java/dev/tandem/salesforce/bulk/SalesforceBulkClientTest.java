package dev.tandem.salesforce.bulk;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.ErrorClassifier;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.testing.FakeHttpServer;
import dev.tandem.salesforce.testing.FakeHttpServer.Response;
import dev.tandem.salesforce.testing.FakeSalesforce;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Bulk API 2.0 client against a fake server answering with the bodies of salesforce-api.md §5 and §9. */
class SalesforceBulkClientTest {

    private static final String JOB_ID = "7476gEXAMPLE4X2ZWO";
    private static final String JOBS = FakeSalesforce.data("jobs/ingest");
    private static final String JOB = JOBS + "/" + JOB_ID;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> COLUMNS = List.of("Name", "Clarity_Account_Key__c", "Phone");

    private final FakeSalesforce salesforce = new FakeSalesforce();
    private final FakeHttpServer server = salesforce.http();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private HttpClient http;
    private SalesforceBulkClient bulk;

    @BeforeEach
    void start() {
        bulk = client(BulkSettings.defaults().withPolling(Duration.ofMillis(1), Duration.ofMillis(5)),
                SalesforceBulkClient.MAX_UPLOAD_BYTES);
    }

    private SalesforceBulkClient client(BulkSettings settings, long maxUploadBytes) {
        SalesforceConfig config = salesforce.config();
        http = SalesforceRestClient.newHttpClient(config);
        return new SalesforceBulkClient(config, new ClientCredentialsTokenProvider(config, http), http,
                new ErrorClassifier(), settings, meters, maxUploadBytes);
    }

    @AfterEach
    void stop() {
        http.close();
        salesforce.close();
    }

    /** §5 step 1's response, in the given state and with the given counts. */
    private static String jobJson(String operation, String state, int processed, int failed) {
        return """
                {"id":"%s","operation":"%s","object":"Account","createdById":"0055fEXAMPLEtG4AAM",
                 "createdDate":"2022-01-02T21:57:03.000+0000","systemModstamp":"2022-01-02T21:57:03.000+0000",
                 "state":"%s","externalIdFieldName":"Clarity_Account_Key__c","concurrencyMode":"Parallel",
                 "contentType":"CSV","apiVersion":64.0,"contentUrl":"services/data/64.0/jobs/ingest/%s/batches",
                 "lineEnding":"LF","columnDelimiter":"COMMA","numberRecordsProcessed":%d,"numberRecordsFailed":%d}"""
                .formatted(JOB_ID, operation, state, JOB_ID, processed, failed);
    }

    private static Response csv(String body) {
        return new Response(200, body, List.of(Map.entry("Content-Type", "text/csv")));
    }

    /** A job that goes Open → UploadComplete → InProgress → {@code finalState}, with the given result files. */
    private void serveJob(String finalState, String successful, String failed, String unprocessed) {
        AtomicInteger polls = new AtomicInteger();
        server.on("POST", JOBS, r -> Response.json(200, jobJson("upsert", "Open", 0, 0)));
        server.on("PUT", JOB + "/batches", r -> new Response(201, "", List.of()));
        server.on("PATCH", JOB, r -> Response.json(200,
                jobJson("upsert", JSON.readTree(r.body()).path("state").asText(), 0, 0)));
        server.on("GET", JOB, r -> Response.json(200, polls.incrementAndGet() < 3
                ? jobJson("upsert", "InProgress", 0, 0) : jobJson("upsert", finalState, 3, 1)));
        server.on("GET", JOB + "/successfulResults", r -> csv(successful));
        server.on("GET", JOB + "/failedResults", r -> csv(failed));
        server.on("GET", JOB + "/unprocessedrecords", r -> csv(unprocessed));
        server.on("DELETE", JOB, r -> new Response(204, "", List.of()));
    }

    private static ObjectNode account(String name, String key, String phone) {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("Name", name).put("Clarity_Account_Key__c", key);
        return phone == null ? node.putNull("Phone") : node.put("Phone", phone);
    }

    private static List<Map<String, String>> readCsv(String text) throws Exception {
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(text)) {
            return rows.readAll();
        }
    }

    private static final String SUCCESSFUL = """
            "sf__Id","sf__Created","Name","Clarity_Account_Key__c","Phone"
            "001xx0000004GxDAAU","true","Acme","CL-1","555-0100"
            "001xx0000004GxEAAU","false","Globex","CL-2","#N/A"
            """;
    private static final String FAILED = """
            "sf__Id","sf__Error","Name","Clarity_Account_Key__c","Phone"
            "","REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --","","CL-3",""
            """;
    private static final String UNPROCESSED = """
            "Name","Clarity_Account_Key__c","Phone"
            """;

    @Test
    void ingestRunsTheJobThroughItsStatesAndReturnsTypedResults() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        BulkResult result = bulk.ingest(BulkIngestJob.upsert("Account", "Clarity_Account_Key__c", COLUMNS),
                Stream.of(account("Acme", "CL-1", "555-0100"), account("Globex", "CL-2", null),
                        JsonNodeFactory.instance.objectNode().put("Clarity_Account_Key__c", "CL-3")));

        assertThat(result.job().state()).isEqualTo(BulkJobState.JOB_COMPLETE);
        assertThat(result.job().numberRecordsProcessed()).isEqualTo(3);
        assertThat(result.successes()).containsExactly(
                new BulkSuccess("001xx0000004GxDAAU", true,
                        Map.of("Name", "Acme", "Clarity_Account_Key__c", "CL-1", "Phone", "555-0100")),
                new BulkSuccess("001xx0000004GxEAAU", false,
                        Map.of("Name", "Globex", "Clarity_Account_Key__c", "CL-2", "Phone", "#N/A")));
        assertThat(result.failures()).singleElement().satisfies(f -> {
            assertThat(f.id()).isEmpty();
            assertThat(f.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
            assertThat(f.fields()).containsEntry("Clarity_Account_Key__c", "CL-3");
        });
        assertThat(result.unprocessed()).isEmpty();
        assertThat(server.requests()).extracting(r -> r.method() + " " + r.path()).containsSubsequence(
                "POST " + JOBS, "PUT " + JOB + "/batches", "PATCH " + JOB, "GET " + JOB,
                "GET " + JOB + "/successfulResults", "GET " + JOB + "/failedResults",
                "GET " + JOB + "/unprocessedrecords");
    }

    @Test
    void createsTheJobWithTheDocumentedBody() throws Exception {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        bulk.createJob(BulkIngestJob.upsert("Account", "Clarity_Account_Key__c", COLUMNS));

        FakeHttpServer.Request create = server.requests("POST", JOBS).getFirst();
        assertThat(JSON.readTree(create.body())).isEqualTo(JSON.readTree("""
                {"object":"Account","operation":"upsert","contentType":"CSV","columnDelimiter":"COMMA",
                 "lineEnding":"LF","externalIdFieldName":"Clarity_Account_Key__c"}"""));
        assertThat(create.header("Authorization")).isEqualTo("Bearer " + FakeSalesforce.token(1));
        assertThat(create.header("Sforce-Call-Options")).isEqualTo("client=tandem");
    }

    @Test
    void uploadsCsvWithHeaderLfLineEndingsAndNaForNull() throws Exception {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        bulk.ingest(BulkIngestJob.upsert("Account", "Clarity_Account_Key__c", COLUMNS),
                Stream.of(account("Acme, \"the\" company", "CL-1", null),
                        JsonNodeFactory.instance.objectNode().put("Name", "Line\nbreak")
                                .put("Clarity_Account_Key__c", "CL-2")));

        FakeHttpServer.Request upload = server.requests("PUT", JOB + "/batches").getFirst();
        assertThat(upload.header("Content-Type")).isEqualTo("text/csv");
        assertThat(upload.body()).startsWith("Name,Clarity_Account_Key__c,Phone\n").doesNotContain("\r\n");
        assertThat(readCsv(upload.body())).containsExactly(
                Map.of("Name", "Acme, \"the\" company", "Clarity_Account_Key__c", "CL-1", "Phone", "#N/A"),
                Map.of("Name", "Line\nbreak", "Clarity_Account_Key__c", "CL-2", "Phone", ""));
    }

    @Test
    void aFailedJobIsReturnedWithItsUnprocessedRecords() {
        serveJob("Failed", "\"sf__Id\",\"sf__Created\",\"Name\"\n", "\"sf__Id\",\"sf__Error\",\"Name\"\n",
                "\"Name\",\"Clarity_Account_Key__c\",\"Phone\"\n\"Acme\",\"CL-1\",\"\"\n");

        BulkResult result = bulk.ingest(BulkIngestJob.upsert("Account", "Clarity_Account_Key__c", COLUMNS),
                Stream.of(account("Acme", "CL-1", "")));

        assertThat(result.job().state()).isEqualTo(BulkJobState.FAILED);
        assertThat(result.successes()).isEmpty();
        assertThat(result.unprocessed()).containsExactly(
                Map.of("Name", "Acme", "Clarity_Account_Key__c", "CL-1", "Phone", ""));
    }

    @Test
    void aRefusedUploadAbortsTheJob() throws Exception {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);
        server.on("PUT", JOB + "/batches", r -> Response.json(400,
                "[{\"errorCode\":\"INVALIDJOBSTATE\",\"message\":\"Job is not open for upload\"}]"));

        assertThatThrownBy(() -> bulk.ingest(BulkIngestJob.insert("Account", List.of("Name")),
                Stream.of(JsonNodeFactory.instance.objectNode().put("Name", "Acme"))))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("INVALIDJOBSTATE");
                    assertThat(e.retryable()).isFalse();
                });
        assertThat(server.requests("PATCH", JOB)).singleElement()
                .satisfies(r -> assertThat(JSON.readTree(r.body()).path("state").asText()).isEqualTo("Aborted"));
    }

    @Test
    void aServerErrorIsRetryable() {
        server.on("POST", JOBS, r -> Response.json(503,
                "[{\"errorCode\":\"SERVER_UNAVAILABLE\",\"message\":\"Service Unavailable\"}]"));

        assertThatThrownBy(() -> bulk.createJob(BulkIngestJob.insert("Account", List.of("Name"))))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(503);
                    assertThat(e.retryable()).isTrue();
                });
    }

    @Test
    void reauthenticatesOnceAfter401AndReplaysTheCall() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);
        AtomicInteger calls = new AtomicInteger();
        server.on("GET", JOB, r -> calls.incrementAndGet() == 1
                ? Response.json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")
                : Response.json(200, jobJson("upsert", "InProgress", 0, 0)));

        BulkJobInfo info = bulk.job(JOB_ID);

        assertThat(info.state()).isEqualTo(BulkJobState.IN_PROGRESS);
        assertThat(salesforce.tokensIssued()).isEqualTo(2);
        assertThat(server.requests("GET", JOB).getLast().header("Authorization"))
                .isEqualTo("Bearer " + FakeSalesforce.token(2));
    }

    @Test
    void waitingGivesUpAfterTheTimeoutWithTheJobId() {
        bulk = client(new BulkSettings(Duration.ofMillis(1), Duration.ofMillis(5), 2.0, Duration.ofMillis(100)),
                SalesforceBulkClient.MAX_UPLOAD_BYTES);
        server.on("GET", JOB, r -> Response.json(200, jobJson("insert", "InProgress", 0, 0)));

        assertThatThrownBy(() -> bulk.awaitCompletion(JOB_ID))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("BULK_JOB_TIMEOUT");
                    assertThat(e.getMessage()).contains(JOB_ID);
                });
    }

    @Test
    void abortAndDeleteAddressTheJob() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        assertThat(bulk.abort(JOB_ID).state()).isEqualTo(BulkJobState.ABORTED);
        bulk.delete(JOB_ID);

        assertThat(server.requests("DELETE", JOB)).hasSize(1);
    }

    @Test
    void refusesARecordWithAFieldOutsideTheColumnsBeforeAnyCall() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        assertThatThrownBy(() -> bulk.ingest(BulkIngestJob.insert("Account", List.of("Name")),
                Stream.of(JsonNodeFactory.instance.objectNode().put("Name", "Acme").put("Industry", "Retail"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Industry");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void refusesANestedValue() {
        ObjectNode record = JsonNodeFactory.instance.objectNode().put("Name", "Acme");
        record.putObject("Phone").put("home", "555");

        assertThatThrownBy(() -> bulk.ingest(BulkIngestJob.insert("Account", List.of("Name", "Phone")),
                Stream.of(record))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Phone");
    }

    @Test
    void refusesAnUploadOverTheSizeLimitBeforeCreatingTheJob() {
        bulk = client(BulkSettings.defaults(), 1024);
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        assertThatThrownBy(() -> bulk.ingest(BulkIngestJob.insert("Account", List.of("Name")),
                IntStream.range(0, 200).mapToObj(i -> JsonNodeFactory.instance.objectNode().put("Name", "Acme " + i))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1024");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void refusesAJobIdThatCouldChangeTheUrl() {
        assertThatThrownBy(() -> bulk.job("../../sobjects/Account")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownJobStateIsAnUnexpectedResponse() {
        server.on("GET", JOB, r -> Response.json(200, jobJson("insert", "Sleeping", 0, 0)));

        assertThatThrownBy(() -> bulk.job(JOB_ID)).isInstanceOfSatisfying(IntegrationException.class,
                e -> assertThat(e.errorCode()).isEqualTo("UNEXPECTED_RESPONSE"));
    }

    @Test
    void anUpsertJobNeedsItsExternalIdAmongTheColumns() {
        assertThatThrownBy(() -> BulkIngestJob.upsert("Account", "Clarity_Account_Key__c", List.of("Name")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Clarity_Account_Key__c");
    }

    @Test
    void bulkCallsCountAsApiCalls() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);

        bulk.job(JOB_ID);

        assertThat(meters.get(SalesforceRestClient.METRIC_API_CALLS).counter().count()).isEqualTo(1);
    }

    @Test
    void callsThroughASharedRestClientCountInItsApiCallCount() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);
        SalesforceRestClient rest = salesforce.client(meters);
        SalesforceBulkClient shared = new SalesforceBulkClient(rest,
                BulkSettings.defaults().withPolling(Duration.ofMillis(1), Duration.ofMillis(5)));

        shared.ingest(BulkIngestJob.upsert("Account", "Clarity_Account_Key__c", COLUMNS),
                Stream.of(account("Acme", "CL-1", "555-0100")));

        long dataCalls = server.requests().stream().filter(r -> r.path().startsWith("/services/data/")).count();
        assertThat(dataCalls).isGreaterThanOrEqualTo(7);
        assertThat(rest.apiCallCount()).isEqualTo(dataCalls);
        assertThat(meters.get(SalesforceRestClient.METRIC_API_CALLS).counter().count()).isEqualTo(dataCalls);
    }

    @Test
    void bulkResponsesUpdateTheSharedClientsApiUsage() {
        server.on("GET", JOB, r -> Response.json(200, jobJson("insert", "InProgress", 0, 0))
                .withHeader("Sforce-Limit-Info", "api-usage=1234/15000"));
        // A registry of its own: the gauges follow the first client registered on a registry (the @BeforeEach one).
        SimpleMeterRegistry ownMeters = new SimpleMeterRegistry();
        SalesforceRestClient rest = salesforce.client(ownMeters);

        new SalesforceBulkClient(rest, BulkSettings.defaults()).job(JOB_ID);

        assertThat(rest.apiUsage()).hasValueSatisfying(u -> {
            assertThat(u.used()).isEqualTo(1234);
            assertThat(u.max()).isEqualTo(15000);
        });
        assertThat(ownMeters.get(SalesforceRestClient.METRIC_USAGE_USED).gauge().value()).isEqualTo(1234);
    }

    @Test
    void anUploadRefusedWith401IsReplayedWithTheWholeCsv() {
        serveJob("JobComplete", SUCCESSFUL, FAILED, UNPROCESSED);
        AtomicInteger puts = new AtomicInteger();
        server.on("PUT", JOB + "/batches", r -> puts.incrementAndGet() == 1
                ? Response.json(401, "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")
                : new Response(201, "", List.of()));
        SalesforceBulkClient shared = new SalesforceBulkClient(salesforce.client(meters), BulkSettings.defaults());

        shared.upload(JOB_ID, List.of("Name"), List.of(JsonNodeFactory.instance.objectNode().put("Name", "Acme"))
                .iterator());

        assertThat(server.requests("PUT", JOB + "/batches")).hasSize(2)
                .allSatisfy(r -> assertThat(r.body()).isEqualTo("Name\nAcme\n"))
                .last().satisfies(r -> assertThat(r.header("Authorization"))
                        .isEqualTo("Bearer " + FakeSalesforce.token(2)));
    }
}
