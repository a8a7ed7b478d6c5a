package dev.tandem.salesforce.write;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batching writer over the real connector against the Salesforce sandbox (salesforce-api.md §2.8, §2.10):
 * many callers' writes arrive in few Collections and Composite Graph calls, and land as records.
 */
class BatchingWriterSandboxContractTest {

    private static final String CLIENT_ID = "3MVG9batching.writer_key";
    private static final String CLIENT_SECRET = "batching-secret-71c2";
    private static final String KEY = "Clarity_Account_Key__c";

    private SalesforceSandbox sandbox;
    private SalesforceRestClient client;
    private BatchingSalesforceWriter writer;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeEach
    void start() {
        sandbox = SalesforceSandbox.builder().port(0).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(
                URI.create(sandbox.baseUrl() + "/services/oauth2/token"), CLIENT_ID, CLIENT_SECRET), meters);
        // A window long enough that it never ends before the callers have queued: the test flushes instead, like
        // a caller that has queued its whole batch, so the request count does not depend on the machine's speed.
        writer = new BatchingSalesforceWriter(client, client,
                BatchingSettings.defaults().withWindow(Duration.ofMinutes(5)), meters);
    }

    @AfterEach
    void stop() {
        writer.close();
        client.close();
        sandbox.close();
    }

    private static ObjectNode account(String key) {
        return JsonNodeFactory.instance.objectNode().put("Name", "Batched " + key).put(KEY, key);
    }

    @Test
    void fiveHundredUpsertsFromFiftyThreadsTakeAtMostThreeCollectionsCalls() {
        client.query("SELECT Id FROM Account LIMIT 1"); // obtains the token before counting
        long before = sandbox.apiRequestCount();
        Map<String, CompletableFuture<SaveResult>> futures = new ConcurrentHashMap<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int thread = 0; thread < 50; thread++) {
                int t = thread;
                callers.submit(() -> IntStream.range(0, 10).forEach(i -> {
                    String key = "ACC-" + t + "-" + i;
                    futures.put(key, writer.upsert("Account", KEY, account(key)));
                }));
            }
        }
        writer.flush();

        futures.forEach((key, future) -> {
            SaveResult result = future.join();
            assertThat(result.success()).as(key + " " + result.errors()).isTrue();
            assertThat(result.created()).isTrue();
        });
        assertThat(sandbox.apiRequestCount() - before).isLessThanOrEqualTo(3);
        Map<String, String> idByKey = sandbox.records("Account").stream()
                .collect(Collectors.toMap(r -> String.valueOf(r.get(KEY)), r -> String.valueOf(r.get("Id"))));
        assertThat(idByKey).hasSize(500);
        futures.forEach((key, future) -> assertThat(future.join().id()).isEqualTo(idByKey.get(key)));
    }

    @Test
    void aSecondRoundOfTheSameExternalIdsUpdatesInsteadOfCreating() {
        List<CompletableFuture<SaveResult>> first = IntStream.range(0, 5)
                .mapToObj(i -> writer.upsert("Account", KEY, account("ACC-" + i))).toList();
        writer.flush();
        first.forEach(CompletableFuture::join);

        List<CompletableFuture<SaveResult>> second = IntStream.range(0, 5)
                .mapToObj(i -> writer.upsert("Account", KEY, account("ACC-" + i).put("Name", "Renamed " + i)))
                .toList();
        writer.flush();

        assertThat(second).allSatisfy(f -> assertThat(f.join().created()).isFalse());
        assertThat(sandbox.records("Account")).hasSize(5)
                .allSatisfy(r -> assertThat(String.valueOf(r.get("Name"))).startsWith("Renamed"));
    }

    @Test
    void aRecordSalesforceRefusesFailsOnlyItsCaller() {
        CompletableFuture<SaveResult> good = writer.upsert("Account", KEY, account("ACC-1"));
        CompletableFuture<SaveResult> bad = writer.upsert("Account", KEY,
                JsonNodeFactory.instance.objectNode().put(KEY, "ACC-2")); // Name is required
        writer.flush();

        assertThat(good.join().success()).isTrue();
        assertThat(bad.join().success()).isFalse();
        assertThat(bad.join().errors()).extracting(e -> e.errorCode()).contains("REQUIRED_FIELD_MISSING");
    }

    @Test
    void graphsFromManyCallersShareCompositeGraphCalls() {
        client.query("SELECT Id FROM Account LIMIT 1");
        long before = sandbox.apiRequestCount();
        List<CompletableFuture<GraphResult>> futures = IntStream.range(0, 100).mapToObj(i -> writer.graph(
                new Graph("G" + i, List.of(new GraphNode("PATCH", "sobjects/Account/" + KEY + "/GR-" + i, "acct",
                        JsonNodeFactory.instance.objectNode().put("Name", "Graph " + i)))))).toList();
        writer.flush();

        assertThat(futures).allSatisfy(f -> assertThat(f.join().successful()).isTrue());
        assertThat(sandbox.apiRequestCount() - before).isEqualTo(2);
        assertThat(sandbox.records("Account")).hasSize(100);
    }
}
