package dev.tandem.sandbox.clarity;

import static dev.tandem.sandbox.clarity.ClarityTestClient.encode;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 7 item 6: a batch of orders read with one {@code GET /Ordering/SalesOrders?IDs=..&IDs=..} (spec §3, "Array
 * params are repeated keys") comes back in the same shape as {@code GET /Ordering/SalesOrder/ID/{ID}}: SalesItems,
 * Totals, the contacts, the account and user fields. The spec names the list's result type
 * ({@code SalesOrderPagedResults}, §5.1) but not which fields its default "lite" mapping carries (§3
 * {@code AsListing}); the sandbox serves the whole model in lists [inferred].
 */
class SalesOrderListByIdsTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient client;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().seed(21).customers(20).products(15).orders(30).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    private static List<Integer> someOrderIds() {
        List<Integer> ids = new ArrayList<>();
        sandbox.store().salesOrders().all().stream().skip(3).limit(4).forEach(o -> ids.add(o.id()));
        ids.add(sandbox.orders().createRandomOrder(BadData.BILLING_CONTACT_BY_ID).id());
        return ids;
    }

    @Test
    void repeatedIdsReturnExactlyThoseOrdersInTheSingleGetShape() {
        List<Integer> ids = someOrderIds();
        StringBuilder query = new StringBuilder("/Ordering/SalesOrders?");
        ids.forEach(id -> query.append("IDs=").append(id).append('&'));
        query.append("Paging=").append(encode("{Size:" + ids.size() + ",StartIndex:1}"));

        JsonNode page = client.get(query.toString()).json();

        assertThat(page.get("TotalCount").asInt()).isEqualTo(ids.size());
        assertThat(page.get("TotalPages").asInt()).isEqualTo(1);
        assertThat(page.get("Results")).extracting(r -> r.get("ID").asInt())
                .containsExactlyInAnyOrderElementsOf(ids);
        for (JsonNode listed : page.get("Results")) {
            JsonNode single = client.get("/Ordering/SalesOrder/ID/" + listed.get("ID").asInt()).json();
            assertThat(listed).isEqualTo(single);
            for (String field : List.of("SalesItems", "Totals", "AccountID", "AccountKey", "AccountName", "UserID",
                    "UserKey", "UserContactEmail", "BillingContactID", "ShippingContactID", "StatusKey")) {
                assertThat(listed.has(field)).as(field).isTrue();
            }
        }
        assertThat(page.get("Results")).filteredOn(r -> !r.has("BillingContact")).hasSize(1);
        assertThat(page.get("Results")).filteredOn(r -> r.has("BillingContact")).hasSize(ids.size() - 1);
    }

    @Test
    void forConnectTakesTheSameIdsAndUnknownIdsAreSimplyAbsent() {
        List<Integer> ids = someOrderIds();
        StringBuilder query = new StringBuilder("/Ordering/SalesOrdersForConnect?IDs=999999");
        ids.forEach(id -> query.append("&IDs=").append(id));

        JsonNode list = client.get(query.toString()).json();

        assertThat(list.isArray()).isTrue();
        assertThat(list).extracting(r -> r.get("ID").asInt()).containsExactlyInAnyOrderElementsOf(ids);
        for (JsonNode listed : list) {
            assertThat(listed).isEqualTo(client.get("/Ordering/SalesOrder/ID/" + listed.get("ID").asInt()).json());
        }
    }

    @Test
    void contactsCanBeReadInABatchByIdsToo() {
        List<Integer> contactIds = sandbox.store().salesOrders().all().stream().limit(3)
                .map(o -> o.billingContactId()).toList();
        StringBuilder query = new StringBuilder("/Contacts/Contacts?");
        contactIds.forEach(id -> query.append("IDs=").append(id).append('&'));

        JsonNode page = client.get(query.toString()).json();

        assertThat(page.get("Results")).extracting(r -> r.get("ID").asInt())
                .containsExactlyInAnyOrderElementsOf(contactIds);
    }
}
