package dev.tandem.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** sObject Collections (salesforce-api.md §2.8, §9) of the real connector against the Salesforce sandbox. */
class CollectionsContractTest {

    private static final String KEY = "Clarity_Account_Key__c";

    private static SalesforceSandbox sandbox;
    private static SalesforceRestClient client;

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.builder().port(0).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
    }

    @AfterEach
    void reset() {
        sandbox.faults().clear();
        sandbox.reset();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode account(String key, String name) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (key != null) {
            node.put(KEY, key);
        }
        if (name != null) {
            node.put("Name", name);
        }
        return node;
    }

    private static ObjectNode typed(String type) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putObject("attributes").put("type", type);
        return node;
    }

    @Test
    void upsertCreatesNewRecordsAndUpdatesExistingOnesInOneCall() {
        client.upsert("Account", KEY, List.of(account("A-1", "First")), false);

        List<SaveResult> results = client.upsert("Account", KEY,
                List.of(account("A-1", "First renamed"), account("A-2", "Second")), false);

        assertThat(results).extracting(SaveResult::success).containsExactly(true, true);
        assertThat(results).extracting(SaveResult::created).containsExactly(false, true);
        assertThat(sandbox.record("Account", results.get(0).id())).map(r -> r.get("Name")).contains("First renamed");
        assertThat(sandbox.records("Account")).hasSize(2);
    }

    @Test
    void upsertWithoutAllOrNoneKeepsTheGoodRecordsAndReportsTheBadOne() {
        List<SaveResult> results = client.upsert("Account", KEY,
                List.of(account("B-1", "Good"), account("B-2", null)), false);

        assertThat(results.get(0).success()).isTrue();
        assertThat(results.get(1).success()).isFalse();
        ApiError error = results.get(1).errors().getFirst();
        assertThat(error.errorCode()).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(error.fields()).contains("Name");
        assertThat(error.retryable()).isFalse();
        assertThat(sandbox.records("Account")).hasSize(1);
    }

    @Test
    void upsertWithAllOrNoneRollsBackEveryRecordWhenOneFails() {
        List<SaveResult> results = client.upsert("Account", KEY,
                List.of(account("C-1", "Good"), account("C-2", null)), true);

        assertThat(results).noneMatch(SaveResult::success);
        assertThat(results.get(0).errors()).extracting(ApiError::errorCode)
                .containsExactly("ALL_OR_NONE_OPERATION_ROLLED_BACK");
        assertThat(results.get(0).errors().getFirst().retryable()).isTrue();
        assertThat(results.get(1).errors()).extracting(ApiError::errorCode).containsExactly("REQUIRED_FIELD_MISSING");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void upsertOfMoreThanTwoHundredRecordsIsRefusedBeforeAnyCall() {
        List<ObjectNode> records = IntStream.range(0, 201).mapToObj(i -> account("X-" + i, "n")).toList();
        long before = sandbox.apiRequestCount();

        assertThatThrownBy(() -> client.upsert("Account", KEY, records, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("200");
        assertThat(sandbox.apiRequestCount()).isEqualTo(before);
    }

    @Test
    void upsertOfExactlyTwoHundredRecordsSucceeds() {
        List<ObjectNode> records = IntStream.range(0, 200).mapToObj(i -> account("M-" + i, "n" + i)).toList();

        assertThat(client.upsert("Account", KEY, records, true)).hasSize(200).allMatch(SaveResult::success);
        assertThat(sandbox.records("Account")).hasSize(200);
    }

    @Test
    void createUpdateRetrieveAndDeleteRecordsOfSeveralTypes() {
        ObjectNode acme = typed("Account").put("Name", "Acme");
        ObjectNode contact = typed("Contact").put("LastName", "Johnson");
        List<SaveResult> created = client.createRecords(List.of(acme, contact), true);
        assertThat(created).allMatch(SaveResult::success);
        String accountId = created.get(0).id();

        List<SaveResult> updated = client.updateRecords(
                List.of(typed("Account").put("id", accountId).put("Name", "Acme Renamed")), false);
        assertThat(updated).singleElement().satisfies(r -> assertThat(r.success()).isTrue());

        List<Optional<ObjectNode>> retrieved = client.retrieveRecords("Account",
                List.of(accountId, "001000000000000AAA"), List.of("Id", "Name"));
        assertThat(retrieved.get(0)).map(r -> r.path("Name").asText()).contains("Acme Renamed");
        assertThat(retrieved.get(1)).isEmpty();

        List<SaveResult> deleted = client.deleteRecords(List.of(accountId, created.get(1).id()), false);
        assertThat(deleted).allMatch(SaveResult::success);
        assertThat(sandbox.record("Account", accountId)).isEmpty();
    }

    @Test
    void retrieveOfManyIdsUsesTheBodyForm() {
        List<ObjectNode> records = IntStream.range(0, 200).mapToObj(i -> typed("Account").put("Name", "r" + i))
                .toList();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            client.createRecords(records, true).forEach(r -> ids.add(r.id()));
        }

        List<Optional<ObjectNode>> retrieved = client.retrieveRecords("Account", ids, List.of("Name"));

        assertThat(retrieved).hasSize(800).allMatch(Optional::isPresent);
    }

    @Test
    void createWithAMalformedReferenceReportsTheErrorPerRecord() {
        List<SaveResult> results = client.createRecords(
                List.of(typed("Contact").put("LastName", "X").put("AccountId", "not-an-id")), false);

        assertThat(results.getFirst().success()).isFalse();
        assertThat(results.getFirst().errors().getFirst().retryable()).isFalse();
    }

    @Test
    void deleteWithAllOrNoneRollsBackWhenOneIdIsMalformed() {
        String id = client.createRecords(List.of(typed("Account").put("Name", "Keep")), true).getFirst().id();

        List<SaveResult> results = client.deleteRecords(List.of(id, "garbage"), true);

        assertThat(results).noneMatch(SaveResult::success);
        assertThat(results.get(1).errors()).extracting(ApiError::errorCode).containsExactly("MALFORMED_ID");
        assertThat(sandbox.record("Account", id)).isPresent();
    }

    @Test
    void aRecordOfAnotherTypeIsRefusedInAnUpsert() {
        assertThatThrownBy(() -> client.upsert("Account", KEY, List.of(typed("Contact").put(KEY, "k")), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Contact");
    }
}
