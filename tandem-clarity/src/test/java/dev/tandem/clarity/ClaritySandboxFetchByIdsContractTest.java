package dev.tandem.clarity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ClarityRestClient#fetchByIds} against the Clarity sandbox: a batch of orders by repeated {@code IDs}
 * (clarity-api.md §3) comes back keyed by ID, each row equal to what {@link ClarityRestClient#fetch} returns.
 */
class ClaritySandboxFetchByIdsContractTest {

    private static final String USER = "tandem-batch";
    private static final String PASSWORD = "batch-Pa55!";
    private static ClaritySandbox sandbox;
    private static ClarityRestClient client;
    private static List<SalesOrderRef> orders;

    @BeforeAll
    static void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(17).customers(10).products(10)
                .build().start();
        client = ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, PASSWORD));
        orders = new ArrayList<>(sandbox.orders().createRandomOrders(130, BadData.NONE));
        orders.add(sandbox.orders().createRandomOrder(BadData.BILLING_CONTACT_BY_ID));
        orders.add(sandbox.orders().createRandomOrder(BadData.TOTAL_MISMATCH));
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    @Test
    void aBatchOfOrdersIsReadByIdsInTheSingleFetchShape() {
        List<String> ids = orders.stream().map(o -> Integer.toString(o.id())).toList();

        Map<String, ObjectNode> found = client.fetchByIds("SalesOrder", ids);

        assertThat(found.keySet()).containsExactlyElementsOf(ids);
        for (String id : List.of(ids.getFirst(), ids.get(99), ids.get(100), ids.getLast(), ids.get(ids.size() - 2))) {
            assertThat(found.get(id)).isEqualTo(client.fetch("SalesOrder", id).orElseThrow());
            assertThat(found.get(id).path("SalesItems").isArray()).isTrue();
            assertThat(found.get(id).has("Totals")).isTrue();
        }
        assertThat(found.get(ids.get(ids.size() - 2)).has("BillingContact")).isFalse();
    }

    @Test
    void missingIdsAreAbsent() {
        String known = Integer.toString(orders.getFirst().id());

        Map<String, ObjectNode> found = client.fetchByIds("SalesOrder", List.of("999999", known, "123"));

        assertThat(found).containsOnlyKeys(known);
    }

    @Test
    void billingContactsNamedOnlyByIdAreReadInABatchToo() {
        ObjectNode order = client.fetch("SalesOrder", Integer.toString(orders.get(orders.size() - 2).id()))
                .orElseThrow();
        String contactId = order.path("BillingContactID").asText();

        Map<String, ObjectNode> contacts = client.fetchByIds("Contact", List.of(contactId));

        assertThat(contacts).containsOnlyKeys(contactId);
        assertThat(contacts.get(contactId).path("LastName").asText()).isNotBlank();
    }
}
