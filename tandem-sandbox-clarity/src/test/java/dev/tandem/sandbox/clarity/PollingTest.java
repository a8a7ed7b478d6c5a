package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import dev.tandem.sandbox.clarity.wire.CefDates;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spec §3, §7, §11 "Polling": every change is visible to a {@code ModifiedSince} poll, with a new {@code Hash};
 * order transitions are listed at {@code /Ordering/SalesOrderEvents}; {@code Sorts} give a stable order to page in.
 */
class PollingTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    private MutableClock clock;
    private ClaritySandbox sandbox;
    private ClarityTestClient client;

    @BeforeEach
    void start() {
        QuietLogging.install();
        clock = new MutableClock(START);
        sandbox = ClaritySandbox.builder().clock(clock).customers(6).products(8).orders(4).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    @Test
    void everyKindOfChangeIsFoundByModifiedSinceWithANewUpdatedDate() {
        clock.advance(Duration.ofMinutes(5));
        Instant cursor = clock.instant();
        RecordRef user = sandbox.customers().updateRandomCustomer();
        RecordRef account = sandbox.customers().renameAccount(1002, "Renamed Ltd");
        RecordRef product = sandbox.products().updateRandomProduct();
        int stockRow = sandbox.inventory().setQuantity(302, new BigDecimal("17")).id();
        sandbox.orders().changeStatus(5001, "Confirmed");
        int apiAccount = client.post("/Accounts/Account/Upsert", "{\"CustomKey\":\"CUST-API\",\"Name\":\"Api\"}")
                .json().get("Result").asInt();

        assertThat(ids("/Contacts/Users", cursor)).containsExactly(user.id());
        assertThat(ids("/Accounts/Accounts", cursor)).containsExactlyInAnyOrder(account.id(), apiAccount);
        assertThat(ids("/Products/Products", cursor)).containsExactly(product.id());
        assertThat(ids("/Products/ProductInventoryLocationSections", cursor)).containsExactly(stockRow);
        assertThat(ids("/Ordering/SalesOrders", cursor)).containsExactly(5001);
        JsonNode order = client.get("/Ordering/SalesOrder/ID/5001").json();
        assertThat(CefDates.parse(order.get("UpdatedDate").asText())).isEqualTo(cursor);
        assertThat(ids("/Contacts/Users", clock.instant().plusSeconds(1))).isEmpty();
    }

    @Test
    void aDataChangeGivesANewHashAndAnUnchangedRecordKeepsIt() {
        long before = client.get("/Accounts/Account/ID/1002").json().get("Hash").asLong();
        long untouched = client.get("/Accounts/Account/ID/1003").json().get("Hash").asLong();

        sandbox.customers().renameAccount(1002, "Another Name GmbH");

        assertThat(client.get("/Accounts/Account/ID/1002").json().get("Hash").asLong()).isNotEqualTo(before);
        assertThat(client.get("/Accounts/Account/ID/1003").json().get("Hash").asLong()).isEqualTo(untouched);
        JsonNode digest = client.get("/Accounts/AccountsDigest?IDs=1002").json();
        assertThat(digest.get(0).get("Hash").asLong()).isNotEqualTo(before);
    }

    @Test
    void salesOrderEventsListEachTransitionWithOldAndNewStatusAndHashes() {
        long pendingHash = client.get("/Ordering/SalesOrder/ID/5002").json().get("Hash").asLong();
        clock.advance(Duration.ofMinutes(1));
        Instant cursor = clock.instant();

        client.patch("/Ordering/SalesOrder/Confirm/5002");
        clock.advance(Duration.ofMinutes(1));
        client.patch("/Ordering/SalesOrder/Ship/5002");
        client.patch("/Ordering/SalesOrder/Ship/5002");

        JsonNode events = client.get("/Ordering/SalesOrderEvents?MasterID=5002&ModifiedSince="
                + ClarityTestClient.encode(cursor.toString()) + "&Sorts=" + ClarityTestClient.encode(
                "[{field:CreatedDate,dir:asc}]")).json().get("Results");
        assertThat(events).hasSize(2);
        assertThat(events.get(0).get("OldStatusID").asInt()).isEqualTo(1);
        assertThat(events.get(0).get("NewStatusID").asInt()).isEqualTo(3);
        assertThat(events.get(0).get("OldHash").asLong()).isEqualTo(pendingHash);
        assertThat(events.get(1).get("OldHash").asLong()).isEqualTo(events.get(0).get("NewHash").asLong());
        assertThat(events.get(1).get("NewStatusID").asInt()).isEqualTo(9);
        assertThat(events.get(1).get("NewHash").asLong())
                .isEqualTo(client.get("/Ordering/SalesOrder/ID/5002").json().get("Hash").asLong());
        assertThat(client.get("/Ordering/SalesOrderEvents?MasterID=5003").json().get("TotalCount").asInt()).isZero();
    }

    @Test
    void aStatusChangeWrittenThroughUpsertIsAlsoAnEvent() {
        client.post("/Ordering/SalesOrder/Upsert", "{\"CustomKey\":\"SO-5003\",\"StatusKey\":\"On Hold\"}");

        JsonNode events = client.get("/Ordering/SalesOrderEvents?MasterID=5003").json().get("Results");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).get("NewStatusID").asInt()).isEqualTo(2);
    }

    @Test
    void anOrderCreatedThroughTheApiIsPolledWithItsLinesAndTotals() {
        clock.advance(Duration.ofMinutes(1));
        Instant cursor = clock.instant();
        Reply created = client.post("/Ordering/SalesOrder/Create", "{\"CustomKey\":\"SO-EXT-1\",\"AccountID\":1001,"
                + "\"SalesItems\":[{\"ProductID\":301,\"Quantity\":2},{\"ProductKey\":\"SKU-10002\",\"Quantity\":1}]}");

        int id = created.json().get("Result").asInt();
        assertThat(ids("/Ordering/SalesOrders", cursor)).containsExactly(id);
        JsonNode order = client.get("/Ordering/SalesOrder/ID/" + id).json();
        assertThat(order.get("StatusKey").asText()).isEqualTo("Pending");
        assertThat(order.get("AccountKey").asText()).isEqualTo("CUST-00001");
        BigDecimal lines = BigDecimal.ZERO;
        for (JsonNode line : order.get("SalesItems")) {
            assertThat(line.get("MasterID").asInt()).isEqualTo(id);
            lines = lines.add(line.get("UnitSoldPrice").decimalValue().multiply(line.get("Quantity").decimalValue()));
        }
        assertThat(order.at("/Totals/Total").decimalValue()).isEqualByComparingTo(lines);
        assertThat(client.get("/Ordering/SalesOrderItems?MasterID=" + id).json().get("TotalCount").asInt())
                .isEqualTo(2);
    }

    @Test
    void writingALineRebuildsItsOrderSoTheOrderIsPolledToo() {
        JsonNode before = client.get("/Ordering/SalesOrder/ID/5001").json();
        clock.advance(Duration.ofMinutes(1));
        Instant cursor = clock.instant();

        client.post("/Ordering/SalesOrderItem/Create", "{\"MasterID\":5001,\"ProductID\":303,\"Quantity\":3}");

        JsonNode after = client.get("/Ordering/SalesOrder/ID/5001").json();
        assertThat(ids("/Ordering/SalesOrders", cursor)).containsExactly(5001);
        assertThat(after.get("SalesItems")).hasSize(before.get("SalesItems").size() + 1);
        assertThat(after.get("Hash").asLong()).isNotEqualTo(before.get("Hash").asLong());
        JsonNode totals = after.get("Totals");
        assertThat(totals.get("Total").decimalValue()).isEqualByComparingTo(totals.get("SubTotal").decimalValue()
                .add(totals.get("Shipping").decimalValue()).add(totals.get("Handling").decimalValue())
                .add(totals.get("Fees").decimalValue()).add(totals.get("Tax").decimalValue())
                .subtract(totals.get("Discounts").decimalValue()));
    }

    @Test
    void sortsOnUpdatedDateThenIdGiveTheSamePagesEveryTime() {
        String sorts = ClarityTestClient.encode("[{field:UpdatedDate,dir:asc},{field:ID,dir:asc}]");
        List<Integer> all = idsOf(client.get("/Contacts/Contacts?Sorts=" + sorts).json());
        List<Integer> paged = new ArrayList<>();
        for (int page = 1; page <= 4; page++) {
            paged.addAll(idsOf(client.get("/Contacts/Contacts?Sorts=" + sorts + "&Paging="
                    + ClarityTestClient.encode("{Size:4,StartIndex:" + page + "}")).json()));
        }
        assertThat(paged).isEqualTo(all.subList(0, Math.min(16, all.size())));
    }

    /**
     * CEF pages with Skip/Take over the live table (spec §3), so a row updated between two pages moves to the end and
     * shifts the rest: the next page skips one. Re-reading from the last UpdatedDate seen (ModifiedSince, page 1)
     * finds everything, which is how a poller must page.
     */
    @Test
    void offsetPagingOverALiveTableCanSkipARowButRereadingFromTheLastUpdatedDateDoesNot() {
        clock.advance(Duration.ofMinutes(1));
        Instant cursor = clock.instant();
        for (int id = 301; id <= 308; id++) {
            clock.advance(Duration.ofSeconds(1));
            sandbox.products().discontinue(id);
        }
        String query = "/Products/Products?ModifiedSince=" + ClarityTestClient.encode(cursor.toString())
                + "&Sorts=" + ClarityTestClient.encode("[{field:UpdatedDate,dir:asc},{field:ID,dir:asc}]")
                + "&Paging=";

        List<Integer> offsetPaged = new ArrayList<>(idsOf(client.get(query
                + ClarityTestClient.encode("{Size:4,StartIndex:1}")).json()));
        clock.advance(Duration.ofSeconds(1));
        sandbox.products().changePrice(301, new BigDecimal("12.34"));
        offsetPaged.addAll(idsOf(client.get(query + ClarityTestClient.encode("{Size:4,StartIndex:2}")).json()));
        assertThat(offsetPaged).doesNotContain(305).hasSize(8);

        Set<Integer> seen = new HashSet<>();
        Instant since = cursor;
        for (int round = 0; round < 5; round++) {
            JsonNode page = client.get("/Products/Products?ModifiedSince=" + ClarityTestClient.encode(since.toString())
                    + "&Sorts=" + ClarityTestClient.encode("[{field:UpdatedDate,dir:asc},{field:ID,dir:asc}]")
                    + "&Paging=" + ClarityTestClient.encode("{Size:4,StartIndex:1}")).json();
            for (JsonNode row : page.get("Results")) {
                seen.add(row.get("ID").asInt());
                since = CefDates.parse(row.get("UpdatedDate").asText());
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(301, 302, 303, 304, 305, 306, 307, 308);
    }

    @Test
    void minAndMaxUpdatedOrCreatedDateBoundTheRange() {
        // Steps stay below the 20-minute session idle timeout.
        clock.advance(Duration.ofMinutes(5));
        Instant first = clock.instant();
        sandbox.customers().renameAccount(1001, "First");
        clock.advance(Duration.ofMinutes(5));
        sandbox.customers().renameAccount(1002, "Second");
        clock.advance(Duration.ofMinutes(5));
        sandbox.customers().renameAccount(1003, "Third");

        String min = ClarityTestClient.encode(first.plus(Duration.ofMinutes(3)).toString());
        String max = ClarityTestClient.encode(first.plus(Duration.ofMinutes(7)).toString());
        assertThat(idsOf(client.get("/Accounts/Accounts?MinUpdatedOrCreatedDate=" + min + "&MaxUpdatedOrCreatedDate="
                + max).json())).containsExactly(1002);
    }

    private List<Integer> ids(String list, Instant since) {
        return idsOf(client.get(list + "?ModifiedSince=" + ClarityTestClient.encode(since.toString())).json());
    }

    private static List<Integer> idsOf(JsonNode paged) {
        assertThat(paged.has("Results")).as(paged.toString()).isTrue();
        List<Integer> ids = new ArrayList<>();
        paged.get("Results").forEach(row -> ids.add(row.get("ID").asInt()));
        return ids;
    }
}
