package dev.tandem.sandbox.clarity;

import static dev.tandem.sandbox.clarity.ClarityTestClient.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.model.AccountModel;
import dev.tandem.sandbox.clarity.wire.CefDates;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec §3: list routes, the paged-results wrapper, 1-based page numbers and the search filters. */
class ListSearchTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient client;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().seed(3).customers(23).products(5).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static JsonNode accounts(String query) {
        return client.get("/Accounts/Accounts" + query).json();
    }

    private static List<Integer> ids(JsonNode page) {
        List<Integer> ids = new ArrayList<>();
        page.get("Results").forEach(r -> ids.add(r.get("ID").asInt()));
        return ids;
    }

    private static List<Integer> range(int fromInclusive, int toInclusive) {
        return IntStream.rangeClosed(fromInclusive, toInclusive).boxed().toList();
    }

    @Test
    void startIndexIsAOneBasedPageNumber() {
        JsonNode first = accounts("?Paging=" + encode("{Size:10,StartIndex:1}"));
        JsonNode second = accounts("?Paging=" + encode("{Size:10,StartIndex:2}"));

        assertThat(ids(first)).isEqualTo(range(1001, 1010));
        assertThat(ids(second)).isEqualTo(range(1011, 1020));
        assertThat(second.get("TotalPages").asInt()).isEqualTo(3);
        assertThat(second.get("CurrentPage").asInt()).isEqualTo(2);
        assertThat(second.get("TotalCount").asInt()).isEqualTo(23);
        assertThat(second.get("CurrentCount").asInt()).isEqualTo(10);
    }

    @Test
    void lastPageIsPartialWhileCurrentCountStaysThePageSizeAsInCef() {
        JsonNode last = accounts("?Paging=" + encode("{Size:10,StartIndex:3}"));

        assertThat(ids(last)).isEqualTo(range(1021, 1023));
        assertThat(last.get("TotalPages").asInt()).isEqualTo(3);
        // GenericServiceBase sets CurrentCount = Paging.Size ?? totalCount (spec §3).
        assertThat(last.get("CurrentCount").asInt()).isEqualTo(10);
    }

    @Test
    void pageBeyondTheEndIsEmpty() {
        JsonNode beyond = accounts("?Paging=" + encode("{Size:10,StartIndex:4}"));

        assertThat(beyond.get("Results")).isEmpty();
        assertThat(beyond.get("TotalCount").asInt()).isEqualTo(23);
        assertThat(beyond.get("TotalPages").asInt()).isEqualTo(3);
    }

    @Test
    void withoutPagingEveryRowComesBackOnOnePage() {
        JsonNode all = accounts("");

        assertThat(ids(all)).isEqualTo(range(1001, 1023));
        assertThat(all.get("TotalPages").asInt()).isEqualTo(1);
        assertThat(all.get("CurrentPage").asInt()).isEqualTo(1);
        assertThat(all.get("CurrentCount").asInt()).isEqualTo(23);
        assertThat(all.has("Sorts")).isFalse();
    }

    @Test
    void incompletePagingReturnsEveryRow() {
        assertThat(ids(accounts("?Paging=" + encode("{Size:10}")))).hasSize(23);
        assertThat(ids(accounts("?Paging=" + encode("{Size:0,StartIndex:1}")))).hasSize(23);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "?Paging=%7BSize%3A10%2CStartIndex%3A2%7D",
        "?Paging=%7B%22Size%22%3A10%2C%22StartIndex%22%3A2%7D",
        "?Paging.Size=10&Paging.StartIndex=2",
        "?Size=10&StartIndex=2",
        "?paging=%7Bsize%3A10%2Cstartindex%3A2%7D"})
    void jsvJsonAndFlatPagingFormsAreEquivalent(String query) {
        assertThat(ids(accounts(query))).isEqualTo(range(1011, 1020));
    }

    @Test
    void malformedPagingIs400() {
        assertThat(client.get("/Accounts/Accounts?Paging=" + encode("{Size:ten,StartIndex:1}")).status())
                .isEqualTo(400);
    }

    @Test
    void idsFilterTakesRepeatedKeysAndCommaLists() {
        assertThat(ids(accounts("?IDs=1003&IDs=1007&IDs=1011"))).containsExactly(1003, 1007, 1011);
        assertThat(ids(accounts("?IDs=1003,1007"))).containsExactly(1003, 1007);
        assertThat(ids(accounts("?ID=1005"))).containsExactly(1005);
        // Looked up by id, then filtered as any list: unknown ids are left out, the other filters still apply, ID
        // and IDs together are both required, and the rows come in ID order whatever order the ids were given in.
        assertThat(ids(accounts("?IDs=1011,1003,999999"))).containsExactly(1003, 1011);
        assertThat(ids(accounts("?IDs=1003,1012&CustomKey=CUST-00012&CustomKeyStrict=true"))).containsExactly(1012);
        assertThat(ids(accounts("?ID=1005&IDs=1003,1007"))).isEmpty();
        assertThat(ids(accounts("?ID=1005&IDs=1005,1007"))).containsExactly(1005);
    }

    @Test
    void customKeyFilterIsContainsAndCaseInsensitiveUnlessStrict() {
        assertThat(ids(accounts("?CustomKey=cust-0001"))).isEqualTo(range(1010, 1019));
        assertThat(ids(accounts("?CustomKey=CUST-00012&CustomKeyStrict=true"))).containsExactly(1012);
    }

    @Test
    void modifiedSinceReturnsRowsCreatedOrUpdatedSinceThen() {
        List<AccountModel> stored = sandbox.store().accounts().all();
        Instant cutoff = stored.stream().map(AccountModel::lastModified).sorted(Comparator.reverseOrder())
                .skip(5).findFirst().orElseThrow();
        List<Integer> expected = stored.stream().filter(a -> !a.lastModified().isBefore(cutoff))
                .map(AccountModel::id).toList();

        JsonNode changed = accounts("?ModifiedSince=" + encode(CefDates.format(cutoff)));

        assertThat(ids(changed)).isEqualTo(expected).hasSize(6);
    }

    @Test
    void activeFilterSeparatesSoftDeletedRows() {
        client.patch("/Accounts/Account/Deactivate/Key/CUST-00004");
        try {
            assertThat(ids(accounts("?Active=false"))).containsExactly(1004);
            assertThat(ids(accounts("?Active=true"))).hasSize(22).doesNotContain(1004);
        } finally {
            client.patch("/Accounts/Account/Reactivate/Key/CUST-00004");
        }
    }

    @Test
    void sortsOrderTheRowsBeforePaging() {
        List<Integer> byUpdatedDesc = sandbox.store().accounts().all().stream()
                .sorted(Comparator.comparing(AccountModel::lastModified).reversed()).map(AccountModel::id).toList();

        JsonNode page = accounts("?Sorts=" + encode("[{field:UpdatedDate,dir:desc}]") + "&Paging="
                + encode("{Size:5,StartIndex:1}"));

        assertThat(ids(page)).isEqualTo(byUpdatedDesc.subList(0, 5));
    }
}
