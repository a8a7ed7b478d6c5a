package dev.tandem.clarity;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.client.ClarityPage;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.client.ListQuery;
import dev.tandem.clarity.model.Account;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.model.ClarityModels;
import dev.tandem.clarity.model.SalesOrder;
import dev.tandem.clarity.write.ClarityWriter;
import dev.tandem.core.error.IntegrationException;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lists (paging edge cases, clarity-api.md §3), typed models (§6) and writes (§5) against the Clarity sandbox. */
class ClaritySandboxListAndWriteContractTest {

    private static final String USER = "tandem-lists";
    private static final String PASSWORD = "lists-Pa55!";
    private static final int ORDERS = 7;
    private static ClaritySandbox sandbox;
    private static ClarityRestClient client;
    private static List<SalesOrderRef> orders;

    @BeforeAll
    static void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(5).customers(3).products(3)
                .build().start();
        client = ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, PASSWORD));
        orders = sandbox.orders().createRandomOrders(ORDERS, BadData.NONE);
    }

    @AfterAll
    static void stop() {
        client.close();
        sandbox.close();
    }

    private static ListQuery byId() {
        return ListQuery.all().sortedBy("ID", true);
    }

    @Test
    void startIndexIsAOneBasedPageNumber() {
        ClarityPage first = client.page(ClarityEntity.SALES_ORDER, byId().paged(3, 1));
        ClarityPage second = client.page(ClarityEntity.SALES_ORDER, byId().paged(3, 2));

        assertThat(first.results()).extracting(r -> r.path("ID").asInt())
                .containsExactly(orders.get(0).id(), orders.get(1).id(), orders.get(2).id());
        assertThat(second.results()).extracting(r -> r.path("ID").asInt())
                .containsExactly(orders.get(3).id(), orders.get(4).id(), orders.get(5).id());
        assertThat(first.totalCount()).isEqualTo(ORDERS);
        assertThat(first.totalPages()).isEqualTo(3);
    }

    @Test
    void theLastPageIsPartial() {
        ClarityPage last = client.page(ClarityEntity.SALES_ORDER, byId().paged(3, 3));

        assertThat(last.results()).extracting(r -> r.path("ID").asInt()).containsExactly(orders.get(6).id());
        assertThat(last.currentPage()).isEqualTo(3);
    }

    @Test
    void aPageBeyondTheEndIsEmpty() {
        ClarityPage beyond = client.page(ClarityEntity.SALES_ORDER, byId().paged(3, 9));

        assertThat(beyond.results()).isEmpty();
        assertThat(beyond.totalCount()).isEqualTo(ORDERS);
    }

    @Test
    void sizeZeroAndNoPagingReturnEveryRow() {
        assertThat(client.page(ClarityEntity.SALES_ORDER, byId().paged(0, 1)).results()).hasSize(ORDERS);
        ClarityPage all = client.page(ClarityEntity.SALES_ORDER, byId());
        assertThat(all.results()).hasSize(ORDERS);
        assertThat(all.totalPages()).isEqualTo(1);
    }

    @Test
    void theStreamWalksEveryPageInOrder() {
        assertThat(client.stream(ClarityEntity.SALES_ORDER, byId(), 2).map(r -> r.path("ID").asInt()).toList())
                .containsExactlyElementsOf(orders.stream().map(SalesOrderRef::id).toList());
    }

    @Test
    void everyPolledListIsServedWithModifiedSince() {
        for (ClarityEntity entity : List.of(ClarityEntity.USER, ClarityEntity.ACCOUNT, ClarityEntity.CONTACT,
                ClarityEntity.SALES_ORDER, ClarityEntity.SALES_ORDER_EVENT, ClarityEntity.PRODUCT)) {
            ClarityPage page = client.page(entity, byId().modifiedSince(java.time.Instant.EPOCH).paged(2, 1));
            assertThat(page.totalCount()).as(entity.entityName()).isGreaterThanOrEqualTo(0);
        }
    }

    @Test
    void anOrderReadsIntoTheTypedModel() {
        ObjectNode raw = client.fetch("SalesOrder", Integer.toString(orders.get(0).id())).orElseThrow();

        SalesOrder order = ClarityModels.read(raw, SalesOrder.class);

        assertThat(order.id()).isEqualTo(orders.get(0).id());
        assertThat(order.customKey()).isEqualTo(orders.get(0).customKey());
        assertThat(order.totals().total()).isNotNull();
        assertThat(order.salesItems()).isNotEmpty();
        assertThat(order.createdDate()).isNotNull();
    }

    @Test
    void anUpsertCreatesThenUpdatesByCustomKeyAndReturnsTheSameId() {
        ClarityWriter writer = new ClarityWriter(client);
        Account account = new Account(null, "CUST-CONTRACT-1", true, null, null, null, "Contract Corp", null,
                "CUSTOMER", "NORMAL", false, true, null, null);

        int created = writer.upsert(ClarityEntity.ACCOUNT, account);
        int updated = writer.upsert(ClarityEntity.ACCOUNT, new Account(null, "CUST-CONTRACT-1", true, null, null,
                null, "Contract Corp Renamed", null, "CUSTOMER", "NORMAL", false, true, null, null));

        assertThat(updated).isEqualTo(created);
        Account read = ClarityModels.read(client.fetch("Account", Integer.toString(created)).orElseThrow(),
                Account.class);
        assertThat(read.name()).isEqualTo("Contract Corp Renamed");
    }

    @Test
    void aCreateReturnsTheNewIdAndAnUpdateKeepsIt() {
        ClarityWriter writer = new ClarityWriter(client);
        int id = writer.create(ClarityEntity.ACCOUNT, Map.of("CustomKey", "CUST-CONTRACT-2", "Name", "Two Corp",
                "TypeKey", "CUSTOMER", "StatusKey", "NORMAL"));

        int same = writer.update(ClarityEntity.ACCOUNT, Map.of("ID", id, "CustomKey", "CUST-CONTRACT-2",
                "Name", "Two Corp Ltd", "TypeKey", "CUSTOMER", "StatusKey", "NORMAL"));

        assertThat(same).isEqualTo(id);
        assertThat(client.fetch("Account", Integer.toString(id)).orElseThrow().path("Name").asText())
                .isEqualTo("Two Corp Ltd");
    }

    @Test
    void aRefusedWriteIsAPermanentErrorWithCefsMessages() {
        ClarityWriter writer = new ClarityWriter(client);

        assertThatThrownBy(() -> writer.update(ClarityEntity.ACCOUNT, Map.of("ID", 99_999_999, "Name", "Ghost")))
                .isInstanceOfSatisfying(IntegrationException.class, e -> {
                    assertThat(e.retryable()).isFalse();
                    assertThat(e.system()).isEqualTo("clarity");
                    assertThat(e.getMessage()).isNotBlank();
                });
    }
}
