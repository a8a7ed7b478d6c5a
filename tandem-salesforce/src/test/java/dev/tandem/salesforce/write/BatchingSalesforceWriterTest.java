package dev.tandem.salesforce.write;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.salesforce.api.Graph;
import dev.tandem.salesforce.api.GraphNode;
import dev.tandem.salesforce.api.GraphResult;
import dev.tandem.salesforce.api.SaveResult;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class BatchingSalesforceWriterTest {

    /** A clock the test moves by hand, so "the window has elapsed" never depends on the machine's speed. */
    private static final class HandClock implements InstantSource {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration by) {
            now.updateAndGet(i -> i.plus(by));
        }
    }

    private static final Duration WINDOW = Duration.ofMillis(50);

    private final RecordingSalesforce salesforce = new RecordingSalesforce();
    private final HandClock clock = new HandClock();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final BatchingSalesforceWriter writer = new BatchingSalesforceWriter(salesforce, salesforce,
            BatchingSettings.defaults().withWindow(WINDOW), meters, clock);

    @AfterEach
    void close() {
        writer.close();
    }

    private static ObjectNode account(String key) {
        return JsonNodeFactory.instance.objectNode().put("Name", "Account " + key).put("Clarity_Account_Key__c", key);
    }

    private static Graph graph(String id, int nodes) {
        return new Graph(id, IntStream.range(0, nodes).mapToObj(i -> new GraphNode("PATCH",
                "sobjects/Order/Clarity_Order_Key__c/" + id + "-" + i, "n" + i,
                JsonNodeFactory.instance.objectNode().put("Status", "Draft"))).toList());
    }

    /** Submits every key's upsert from its own virtual thread and returns the futures by key once all are queued. */
    private Map<String, CompletableFuture<SaveResult>> upsertConcurrently(String sobject, List<String> keys) {
        Map<String, CompletableFuture<SaveResult>> futures = new ConcurrentHashMap<>();
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            keys.forEach(key -> callers.submit(() ->
                    futures.put(key, writer.upsert(sobject, "Clarity_Account_Key__c", account(key)))));
        }
        return futures;
    }

    private static List<String> keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    @Test
    void threeHundredConcurrentUpsertsOfOneTypeTakeTwoRequests() {
        Map<String, CompletableFuture<SaveResult>> futures = upsertConcurrently("Account", keys("A-", 300));
        writer.flush();

        await().until(() -> futures.values().stream().allMatch(CompletableFuture::isDone));
        assertThat(salesforce.upserts).extracting(u -> u.records().size()).containsExactlyInAnyOrder(200, 100);
        assertThat(salesforce.upserts).allSatisfy(u -> {
            assertThat(u.sobject()).isEqualTo("Account");
            assertThat(u.allOrNone()).isFalse();
        });
    }

    @Test
    void aFullRequestIsSentWithoutWaitingForTheWindow() {
        Map<String, CompletableFuture<SaveResult>> futures = upsertConcurrently("Account", keys("A-", 250));

        await().until(() -> futures.values().stream().filter(CompletableFuture::isDone).count() == 200);
        assertThat(salesforce.upserts).singleElement().satisfies(u -> assertThat(u.records()).hasSize(200));
    }

    @Test
    void eachCallerReceivesTheResultOfItsOwnRecord() {
        Map<String, CompletableFuture<SaveResult>> futures = upsertConcurrently("Account", keys("A-", 300));
        writer.flush();

        futures.forEach((key, future) -> assertThat(future.join().id()).isEqualTo("001" + key));
    }

    @Test
    void upsertsOfDifferentTypesOrExternalIdFieldsNeverShareARequest() {
        List<CompletableFuture<SaveResult>> futures = new ArrayList<>();
        futures.add(writer.upsert("Account", "Clarity_Account_Key__c", account("A-1")));
        futures.add(writer.upsert("Contact", "Clarity_Account_Key__c", account("C-1")));
        futures.add(writer.upsert("Account", "Other_Key__c", account("A-2").put("Other_Key__c", "O-2")));
        futures.add(writer.upsert("Account", "Clarity_Account_Key__c", account("A-3")));
        writer.flush();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(salesforce.upserts).extracting(u -> u.sobject() + "/" + u.externalIdField() + "=" + u.records().size())
                .containsExactlyInAnyOrder("Account/Clarity_Account_Key__c=2", "Contact/Clarity_Account_Key__c=1",
                        "Account/Other_Key__c=1");
    }

    @Test
    void aHundredGraphsTakeTwoRequests() {
        List<CompletableFuture<GraphResult>> futures = IntStream.range(0, 100)
                .mapToObj(i -> writer.graph(graph("SO-" + i, 2))).toList();
        writer.flush();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(salesforce.graphRequests).extracting(List::size).containsExactlyInAnyOrder(75, 25);
        for (int i = 0; i < futures.size(); i++) {
            assertThat(futures.get(i).join().graphId()).isEqualTo("SO-" + i);
        }
    }

    @Test
    void graphsArePackedUpToFiveHundredNodesPerRequest() {
        List<CompletableFuture<GraphResult>> futures = IntStream.range(0, 6)
                .mapToObj(i -> writer.graph(graph("SO-" + i, 100))).toList();
        writer.flush();

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(salesforce.graphRequests).extracting(List::size).containsExactlyInAnyOrder(5, 1);
    }

    @Test
    void graphsWithTheSameIdNeverShareARequest() {
        CompletableFuture<GraphResult> first = writer.graph(graph("SO-1", 1));
        CompletableFuture<GraphResult> second = writer.graph(graph("SO-1", 1));
        CompletableFuture<GraphResult> other = writer.graph(graph("SO-2", 1));
        writer.flush();

        CompletableFuture.allOf(first, second, other).join();
        assertThat(salesforce.graphRequests).hasSize(2);
        assertThat(salesforce.graphRequests).allSatisfy(request ->
                assertThat(request).extracting(Graph::graphId).doesNotHaveDuplicates());
    }

    /** A customer's graph: its Account and Contact upserted by their keys. */
    private static Graph customer(String id, String accountKey, String contactKey) {
        return new Graph(id, List.of(
                new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/" + accountKey, "account",
                        JsonNodeFactory.instance.objectNode().put("Name", accountKey)),
                new GraphNode("PATCH", "sobjects/Contact/Clarity_Contact_Key__c/" + contactKey, "contact",
                        JsonNodeFactory.instance.objectNode().put("LastName", contactKey))));
    }

    @Test
    void graphRequestsWritingDisjointRecordsTravelConcurrentlyUpToFour() {
        salesforce.graphGate = new java.util.concurrent.CountDownLatch(1);
        List<CompletableFuture<GraphResult>> futures = IntStream.range(0, 5 * 75)
                .mapToObj(i -> writer.graph(customer("C-" + i, "A-" + i, "K-" + i))).toList();
        writer.flush();

        await().until(() -> salesforce.graphRequests.size() == 4);
        salesforce.graphGate.countDown();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(salesforce.graphRequests).extracting(List::size).containsExactly(75, 75, 75, 75, 75);
        assertThat(salesforce.maxGraphsInFlight).hasValue(BatchingSalesforceWriter.MAX_GRAPH_REQUESTS_IN_FLIGHT);
    }

    @Test
    void graphsWritingTheSameRecordShareARequestButNeverTravelConcurrently() {
        salesforce.graphGate = new java.util.concurrent.CountDownLatch(1);
        // 100 orders of one customer: every graph upserts Account A-1 (75 fit in one request)
        List<CompletableFuture<GraphResult>> futures = IntStream.range(0, 100)
                .mapToObj(i -> writer.graph(new Graph("SO-" + i, List.of(
                        new GraphNode("PATCH", "sobjects/Account/Clarity_Account_Key__c/A-1", "account",
                                JsonNodeFactory.instance.objectNode().put("Name", "A-1")),
                        new GraphNode("PATCH", "sobjects/Order/Clarity_Order_Key__c/SO-" + i, "order",
                                JsonNodeFactory.instance.objectNode().put("Status", "Draft")))))).toList();
        writer.flush();

        await().until(() -> salesforce.graphRequests.size() == 1);
        salesforce.graphGate.countDown();
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).join();
        assertThat(salesforce.graphRequests).extracting(List::size).containsExactly(75, 25);
        assertThat(salesforce.graphRequests.getFirst()).extracting(Graph::graphId)
                .containsExactlyElementsOf(IntStream.range(0, 75).mapToObj(i -> "SO-" + i).toList());
        assertThat(salesforce.maxGraphsInFlight).hasValue(1);
    }

    @Test
    void aGraphWaitingForARecordHoldsBackLaterGraphsOfItsOtherRecords() {
        salesforce.graphGate = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<GraphResult> first = writer.graph(customer("G-1", "A-1", "K-1"));
        writer.flush();
        await().until(() -> salesforce.graphRequests.size() == 1);
        // G-2 waits for A-1 (in flight); G-3 writes K-2 after G-2 in queue order, so it waits for G-2
        CompletableFuture<GraphResult> second = writer.graph(customer("G-2", "A-1", "K-2"));
        CompletableFuture<GraphResult> third = writer.graph(customer("G-3", "A-3", "K-2"));
        writer.flush();

        salesforce.graphGate.countDown();
        CompletableFuture.allOf(first, second, third).join();
        assertThat(salesforce.graphRequests).extracting(r -> r.stream().map(Graph::graphId).toList())
                .containsExactly(List.of("G-1"), List.of("G-2", "G-3"));
    }

    @Test
    void aGraphsRecordsAreReadOffItsNodesUrls() {
        Graph graph = new Graph("G", List.of(
                new GraphNode("PATCH", "/services/data/v66.0/sobjects/Account/Clarity_Account_Key__c/A-1", "a", null),
                new GraphNode("POST", "sobjects/Order/", "o", null),
                new GraphNode("PATCH", "sobjects/Contact/003000000000001AAA", "c", null),
                new GraphNode("GET", "sobjects/Pricebook2/01s000000000001", "p", null)));
        assertThat(BatchingSalesforceWriter.recordKeys(graph))
                .containsExactlyInAnyOrder("account/clarity_account_key__c/a-1", "contact/003000000000001aaa");
    }

    @Test
    void upsertsOfTheSameExternalIdAreSentOneAfterTheOther() {
        CompletableFuture<SaveResult> first = writer.upsert("Account", "Clarity_Account_Key__c", account("A-1"));
        CompletableFuture<SaveResult> second = writer.upsert("Account", "Clarity_Account_Key__c", account("A-1"));
        CompletableFuture<SaveResult> other = writer.upsert("Account", "Clarity_Account_Key__c", account("A-2"));
        writer.flush();

        CompletableFuture.allOf(first, second, other).join();
        assertThat(salesforce.upserts).extracting(RecordingSalesforce.UpsertRequest::externalIds)
                .containsExactly(List.of("A-1", "A-2"), List.of("A-1"));
    }

    @Test
    void aFailedRequestFailsOnlyItsOwnCallers() {
        IntegrationException unavailable = IntegrationException.transientFailure("salesforce", "SERVER_UNAVAILABLE",
                "Service Unavailable", 503, null);
        salesforce.failUpsertsOf("Contact", unavailable);
        CompletableFuture<SaveResult> account = writer.upsert("Account", "Clarity_Account_Key__c", account("A-1"));
        CompletableFuture<SaveResult> contact1 = writer.upsert("Contact", "Clarity_Account_Key__c", account("C-1"));
        CompletableFuture<SaveResult> contact2 = writer.upsert("Contact", "Clarity_Account_Key__c", account("C-2"));
        writer.flush();

        assertThat(account.join().success()).isTrue();
        for (CompletableFuture<SaveResult> contact : List.of(contact1, contact2)) {
            await().until(contact::isDone);
            assertThat(contact).isCompletedExceptionally();
            assertThatThrownBy(contact::join).hasCause(unavailable);
        }
    }

    @Test
    void aResponseWithTooFewResultsFailsItsCallersAsUnexpected() {
        salesforce.answerUpsertsWith(records -> List.of());
        CompletableFuture<SaveResult> future = writer.upsert("Account", "Clarity_Account_Key__c", account("A-1"));
        writer.flush();

        await().until(future::isDone);
        assertThatThrownBy(future::join).cause().isInstanceOfSatisfying(IntegrationException.class,
                e -> assertThat(e.errorCode()).isEqualTo("UNEXPECTED_RESPONSE"));
    }

    @Test
    void writesWaitForTheWindowToEnd() {
        List<CompletableFuture<SaveResult>> futures = IntStream.range(0, 10).mapToObj(i ->
                writer.upsert("Account", "Clarity_Account_Key__c", account("A-" + i))).toList();

        // The hand clock has not moved: the window cannot have ended, whatever the real time.
        assertThat(salesforce.upserts).isEmpty();
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        clock.advance(WINDOW);

        await().until(() -> futures.stream().allMatch(CompletableFuture::isDone));
        assertThat(salesforce.upserts).singleElement().satisfies(u -> assertThat(u.records()).hasSize(10));
    }

    @Test
    void flushSendsWithoutWaitingForTheWindow() {
        CompletableFuture<GraphResult> future = writer.graph(graph("SO-1", 3));

        writer.flush();

        assertThat(future.join().successful()).isTrue();
        assertThat(salesforce.graphRequests).hasSize(1);
    }

    @Test
    void closeSendsWhatIsQueuedAndRefusesLaterWrites() {
        CompletableFuture<SaveResult> upsert = writer.upsert("Account", "Clarity_Account_Key__c", account("A-1"));
        CompletableFuture<GraphResult> graph = writer.graph(graph("SO-1", 2));

        writer.close();

        assertThat(upsert).isCompleted();
        assertThat(graph).isCompleted();
        assertThatThrownBy(() -> writer.upsert("Account", "Clarity_Account_Key__c", account("A-2")))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> writer.graph(graph("SO-2", 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesARecordWithoutItsExternalId() {
        ObjectNode record = JsonNodeFactory.instance.objectNode().put("Name", "No key");

        assertThatThrownBy(() -> writer.upsert("Account", "Clarity_Account_Key__c", record))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Clarity_Account_Key__c");
    }

    @Test
    void refusesAnSObjectNameThatCouldChangeTheUrl() {
        assertThatThrownBy(() -> writer.upsert("Account/../../limits", "Clarity_Account_Key__c", account("A-1")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAGraphOverFiveHundredNodes() {
        assertThatThrownBy(() -> writer.graph(graph("SO-1", 501)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("501");
    }

    @Test
    void countsRequestsRecordsAndCallsPerRecord() {
        Map<String, CompletableFuture<SaveResult>> futures = upsertConcurrently("Account", keys("A-", 300));
        writer.flush();
        futures.values().forEach(CompletableFuture::join);

        assertThat(meters.get(BatchingSalesforceWriter.METRIC_RECORDS).tag("kind", "upsert").counter().count())
                .isEqualTo(300);

        assertThat(meters.get(BatchingSalesforceWriter.METRIC_REQUESTS).tag("kind", "upsert").counter().count())
                .isEqualTo(2);
        assertThat(meters.get(BatchingSalesforceWriter.METRIC_CALLS_PER_RECORD).gauge().value())
                .isEqualTo(2.0 / 300);
    }
}
