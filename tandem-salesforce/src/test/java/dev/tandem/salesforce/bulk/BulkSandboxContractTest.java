package dev.tandem.salesforce.bulk;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The Bulk API 2.0 client against the Salesforce sandbox's ingest state machine (salesforce-api.md §5, §9). */
class BulkSandboxContractTest {

    private static final String CLIENT_ID = "3MVG9bulk.contract_key";
    private static final String CLIENT_SECRET = "bulk-secret-3a9d";
    private static final String KEY = "Clarity_Account_Key__c";

    private SalesforceSandbox sandbox;
    private HttpClient http;
    private SalesforceBulkClient bulk;

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().port(0).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).build().start();
        SalesforceConfig config = SalesforceConfig.of(URI.create(sandbox.baseUrl() + "/services/oauth2/token"),
                CLIENT_ID, CLIENT_SECRET);
        http = SalesforceRestClient.newHttpClient(config);
        bulk = new SalesforceBulkClient(config, new ClientCredentialsTokenProvider(config, http), http,
                BulkSettings.defaults().withPolling(Duration.ofMillis(20), Duration.ofMillis(500)),
                new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        http.close();
        sandbox.close();
    }

    private static ObjectNode account(int i) {
        return JsonNodeFactory.instance.objectNode().put("Name", "Bulk account " + i).put(KEY, "BULK-" + i);
    }

    @Test
    void tenThousandInsertsInOneJobReportTheInvalidRowsAsFailed() {
        Set<Integer> invalid = Set.of(17, 4242, 9999);
        Stream<ObjectNode> records = IntStream.range(0, 10_000).mapToObj(i -> invalid.contains(i)
                ? JsonNodeFactory.instance.objectNode().put(KEY, "BULK-" + i) // Name is required
                : account(i));

        BulkResult result = bulk.ingest(BulkIngestJob.insert("Account", List.of("Name", KEY)), records);

        assertThat(result.job().state()).isEqualTo(BulkJobState.JOB_COMPLETE);
        assertThat(result.job().numberRecordsProcessed()).isEqualTo(10_000);
        assertThat(result.job().numberRecordsFailed()).isEqualTo(3);
        assertThat(result.successes()).hasSize(9_997).allSatisfy(s -> {
            assertThat(s.id()).startsWith("001");
            assertThat(s.created()).isTrue();
        });
        assertThat(result.failures()).extracting(f -> f.fields().get(KEY))
                .containsExactlyInAnyOrder("BULK-17", "BULK-4242", "BULK-9999");
        assertThat(result.failures()).allSatisfy(f -> assertThat(f.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING"));
        assertThat(result.unprocessed()).isEmpty();
        Map<String, String> idByKey = sandbox.records("Account").stream()
                .collect(Collectors.toMap(r -> String.valueOf(r.get(KEY)), r -> String.valueOf(r.get("Id"))));
        assertThat(idByKey).hasSize(9_997);
        assertThat(result.successes()).allSatisfy(s -> assertThat(idByKey.get(s.fields().get(KEY))).isEqualTo(s.id()));
    }

    @Test
    void anUpsertJobUpdatesWhatExistsAndCreatesTheRest() {
        bulk.ingest(BulkIngestJob.insert("Account", List.of("Name", KEY)), IntStream.range(0, 3).mapToObj(
                BulkSandboxContractTest::account));

        BulkResult result = bulk.ingest(BulkIngestJob.upsert("Account", KEY, List.of("Name", KEY)),
                IntStream.range(0, 5).mapToObj(i -> account(i).put("Name", "Renamed " + i)));

        assertThat(result.successes()).extracting(s -> s.fields().get(KEY) + "=" + s.created())
                .containsExactlyInAnyOrder("BULK-0=false", "BULK-1=false", "BULK-2=false", "BULK-3=true",
                        "BULK-4=true");
        assertThat(sandbox.records("Account")).hasSize(5)
                .allSatisfy(r -> assertThat(String.valueOf(r.get("Name"))).startsWith("Renamed"));
    }

    @Test
    void anAbortedJobCanBeDeleted() {
        BulkJobInfo job = bulk.createJob(BulkIngestJob.insert("Account", List.of("Name")));

        assertThat(job.state()).isEqualTo(BulkJobState.OPEN);
        assertThat(bulk.abort(job.id()).state()).isEqualTo(BulkJobState.ABORTED);
        bulk.delete(job.id());
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void ingestInPartsSplitsByRecordsAndByBytesAndStreamsEveryOutcome() {
        SalesforceConfig config = SalesforceConfig.of(URI.create(sandbox.baseUrl() + "/services/oauth2/token"),
                CLIENT_ID, CLIENT_SECRET);
        SalesforceRestClient rest = new SalesforceRestClient(config, new ClientCredentialsTokenProvider(config, http),
                http, new SimpleMeterRegistry());
        // 4 KB of CSV per job at most: about 100 of these rows, so the byte limit splits before the record limit.
        SalesforceBulkClient small = new SalesforceBulkClient(rest,
                BulkSettings.defaults().withPolling(Duration.ofMillis(20), Duration.ofMillis(500)), 4_096);
        java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<BulkFailure> failed = new java.util.ArrayList<>();
        Stream<ObjectNode> records = IntStream.range(0, 700).mapToObj(i -> i == 333
                ? JsonNodeFactory.instance.objectNode().put(KEY, "PART-" + i) // Name is required
                : JsonNodeFactory.instance.objectNode().put("Name", "Part account " + i).put(KEY, "PART-" + i));

        List<BulkJobInfo> jobs = small.ingestInParts(BulkIngestJob.upsert("Account", KEY, List.of("Name", KEY)),
                records.iterator(), 250, new BulkResultHandler() {
                    @Override
                    public void success(BulkSuccess s) {
                        ok.incrementAndGet();
                    }

                    @Override
                    public void failure(BulkFailure f) {
                        failed.add(f);
                    }

                    @Override
                    public void unprocessed(Map<String, String> row) {
                        throw new AssertionError("no row is unprocessed in a completed job: " + row);
                    }
                });

        assertThat(jobs.size()).isGreaterThan(700 / 250 + 1); // bytes split more often than records would
        assertThat(jobs).allSatisfy(j -> assertThat(j.state()).isEqualTo(BulkJobState.JOB_COMPLETE));
        assertThat(jobs.stream().mapToLong(BulkJobInfo::numberRecordsProcessed).sum()).isEqualTo(700);
        assertThat(ok.get()).isEqualTo(699);
        assertThat(failed).singleElement().satisfies(f -> {
            assertThat(f.fields().get(KEY)).isEqualTo("PART-333");
            assertThat(f.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        });
        assertThat(sandbox.records("Account")).hasSize(699);
    }

    @Test
    void ingestInPartsRefusesARecordThatAloneExceedsTheUploadLimit() {
        SalesforceConfig config = SalesforceConfig.of(URI.create(sandbox.baseUrl() + "/services/oauth2/token"),
                CLIENT_ID, CLIENT_SECRET);
        SalesforceBulkClient tiny = new SalesforceBulkClient(new SalesforceRestClient(config,
                new ClientCredentialsTokenProvider(config, http), http, new SimpleMeterRegistry()),
                BulkSettings.defaults(), 64);
        ObjectNode huge = JsonNodeFactory.instance.objectNode().put("Name", "x".repeat(200)).put(KEY, "HUGE-1");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> tiny.ingestInParts(
                        BulkIngestJob.upsert("Account", KEY, List.of("Name", KEY)), List.of(huge).iterator(), 10,
                        new BulkResultHandler() {
                            @Override
                            public void success(BulkSuccess s) {
                            }

                            @Override
                            public void failure(BulkFailure f) {
                            }

                            @Override
                            public void unprocessed(Map<String, String> row) {
                            }
                        }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alone takes");
        assertThat(sandbox.records("Account")).isEmpty();
    }
}
