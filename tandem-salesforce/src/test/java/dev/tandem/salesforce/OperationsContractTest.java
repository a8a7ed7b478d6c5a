package dev.tandem.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.error.ApiError;
import dev.tandem.salesforce.api.SaveResult;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.model.CompositeResult;
import dev.tandem.salesforce.model.CompositeSubrequest;
import dev.tandem.salesforce.model.OrgLimits;
import dev.tandem.salesforce.read.QueryCursor;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Composite, streaming queries, queryAll, describe and limits against the sandbox (salesforce-api.md §2.5-§2.9). */
class OperationsContractTest {

    private static SalesforceSandbox sandbox;
    private static SalesforceRestClient client;

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.builder().port(0).dailyApiLimit(15000).build().start();
        client = SalesforceRestClient.create(SalesforceConfig.of(URI.create(sandbox.tokenUrl()), sandbox.clientId(),
                sandbox.clientSecret()), new SimpleMeterRegistry());
    }

    @AfterEach
    void reset() {
        sandbox.faults().clear();
        sandbox.reset();
        client.describeCache().invalidateAll();
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }

    private static void createAccounts(int count) {
        for (int start = 0; start < count; start += 200) {
            List<ObjectNode> batch = IntStream.range(start, Math.min(count, start + 200))
                    .mapToObj(i -> object().put("Name", "Bulk " + i).put("Clarity_Account_Key__c", "K-" + i))
                    .toList();
            assertThat(client.upsert("Account", "Clarity_Account_Key__c", batch, true)).allMatch(SaveResult::success);
        }
    }

    @Test
    void compositeCreatesAnAccountAndAContactReferringToItByReference() {
        List<CompositeResult> results = client.composite(List.of(
                CompositeSubrequest.of("POST", "sobjects/Account", "newAccount", object().put("Name", "Ref Co")),
                CompositeSubrequest.of("POST", "sobjects/Contact", "newContact",
                        object().put("LastName", "Ref").put("AccountId", "@{newAccount.id}"))), true);

        assertThat(results).allMatch(CompositeResult::successful);
        String accountId = results.get(0).id();
        assertThat(sandbox.record("Contact", results.get(1).id())).map(r -> r.get("AccountId")).contains(accountId);
    }

    @Test
    void compositeWithAllOrNoneRollsBackAndHaltsTheOtherSubrequests() {
        List<CompositeResult> results = client.composite(List.of(
                CompositeSubrequest.of("POST", "sobjects/Account", "good", object().put("Name", "Rolled back")),
                CompositeSubrequest.of("POST", "sobjects/Account", "bad", object())), true);

        assertThat(results).noneMatch(CompositeResult::successful);
        assertThat(results.get(0).errors()).extracting(ApiError::errorCode).containsExactly("PROCESSING_HALTED");
        assertThat(results.get(0).errors().getFirst().retryable()).isTrue();
        assertThat(results.get(1).errors()).extracting(ApiError::errorCode).containsExactly("REQUIRED_FIELD_MISSING");
        assertThat(sandbox.records("Account")).isEmpty();
    }

    @Test
    void compositeWithoutAllOrNoneKeepsTheIndependentSubrequests() {
        List<CompositeResult> results = client.composite(List.of(
                CompositeSubrequest.of("POST", "sobjects/Account", "good", object().put("Name", "Kept")),
                CompositeSubrequest.of("POST", "sobjects/Account", "bad", object())), false);

        assertThat(results.get(0).successful()).isTrue();
        assertThat(results.get(1).successful()).isFalse();
        assertThat(sandbox.records("Account")).hasSize(1);
    }

    @Test
    void streamingAQueryOfMoreThanTwoThousandRowsFetchesPagesLazily() {
        createAccounts(2300);
        long before = sandbox.apiRequestCount();

        QueryCursor cursor = client.cursor("SELECT Id, Name FROM Account", false);
        assertThat(cursor.stream().limit(10)).hasSize(10);
        assertThat(cursor.pagesFetched()).isEqualTo(1);
        assertThat(sandbox.apiRequestCount() - before).isEqualTo(1);

        assertThat(client.stream("SELECT Id, Name FROM Account").map(r -> r.path("Id").asText()).distinct().count())
                .isEqualTo(2300);
    }

    @Test
    void queryAllIncludesDeletedRecordsAndQueryDoesNot() {
        String id = client.create("Account", object().put("Name", "Soon gone"));
        client.create("Account", object().put("Name", "Stays"));
        client.delete("Account", id);

        assertThat(client.query("SELECT Id FROM Account")).hasSize(1);
        assertThat(client.queryAll("SELECT Id, IsDeleted FROM Account")).hasSize(2);
        assertThat(client.streamAll("SELECT Id FROM Account")).hasSize(2);
    }

    @Test
    void describeIsCachedUntilInvalidated() {
        ObjectNode first = client.describe("Account");
        long after = sandbox.apiRequestCount();

        ObjectNode second = client.describe("Account");

        assertThat(sandbox.apiRequestCount()).isEqualTo(after);
        assertThat(second).isSameAs(first);
        assertThat(first.path("name").asText()).isEqualTo("Account");
        assertThat(first.path("fields")).isNotEmpty();

        client.describeCache().invalidate("Account");
        client.describe("Account");
        assertThat(sandbox.apiRequestCount()).isEqualTo(after + 1);
    }

    @Test
    void globalDescribeListsTheObjectsAndIsCached() {
        ObjectNode global = client.describeGlobal();
        long after = sandbox.apiRequestCount();

        client.describeGlobal();

        assertThat(sandbox.apiRequestCount()).isEqualTo(after);
        assertThat(global.path("sobjects").findValuesAsText("name")).contains("Account", "Order");
    }

    @Test
    void limitsReportTheDailyApiAllocation() {
        OrgLimits limits = client.limits();

        assertThat(limits.dailyApiRequests()).hasValueSatisfying(l -> {
            assertThat(l.max()).isEqualTo(15000);
            assertThat(l.remaining()).isBetween(1L, 15000L);
        });
    }
}
