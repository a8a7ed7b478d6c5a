package dev.tandem.clarity.read;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.client.ClarityPage;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.event.InboundEvent;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.store.jdbc.JdbcStores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delta poller against the Clarity sandbox (written separately from the same spec, clarity-api.md §3, §11) and
 * the real SQLite event log and cursor store: no change missed, none appended twice, even while the data changes
 * between the pages of one poll.
 */
class ClarityDeltaPollerSandboxTest {

    private static final String USER = "tandem-poller";
    private static final String PASSWORD = "poller-Pa55!";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Shared by the sandbox (its UpdatedDate values) and the poller (its poll start), moved by the test. */
    private static final class MovableClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-26T12:00:00Z"));

        void advance(Duration duration) {
            now.updateAndGet(i -> i.plus(duration));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }

    @TempDir
    Path dir;

    private final MovableClock clock = new MovableClock();
    private ClaritySandbox sandbox;
    private ClarityRestClient client;
    private JdbcStores stores;
    private final PollSettings settings = PollSettings.defaults().withPageSize(3)
            .withEntities(List.of(ClarityEntity.SALES_ORDER, ClarityEntity.SALES_ORDER_EVENT));

    @BeforeEach
    void start() {
        sandbox = ClaritySandbox.builder().port(0).user(USER).password(PASSWORD).seed(11).customers(4).products(4)
                .clock(clock).build().start();
        client = ClarityRestClient.create(ClarityConfig.of(URI.create(sandbox.baseUrl()), USER, PASSWORD));
        stores = JdbcStores.openSqlite(dir.resolve("tandem.db"));
    }

    @AfterEach
    void stop() {
        stores.close();
        client.close();
        sandbox.close();
    }

    private ClarityDeltaPoller poller(ClarityPageSource source) {
        return new ClarityDeltaPoller(source, stores.stateStore(), clock, settings);
    }

    private Ingest ingest() {
        return Ingest.into(stores.eventLog());
    }

    private List<InboundEvent> events() {
        return stores.eventLog().readAfter(0, 100_000).stream().map(LoggedEvent::event).toList();
    }

    private List<InboundEvent> events(String type) {
        return events().stream().filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void theFirstPollEmitsEveryOrderOnceAsCreatedAndTheNextPollNothing() {
        List<SalesOrderRef> orders = sandbox.orders().createRandomOrders(7, BadData.NONE);
        ClarityDeltaPoller poller = poller(client);

        PollResult first = poller.pollOnce(ingest());
        PollResult second = poller.pollOnce(ingest());

        assertThat(first.failures()).isEmpty();
        assertThat(first.entities().get(ClarityEntity.SALES_ORDER).pages()).isEqualTo(3);
        assertThat(events("SalesOrder.Created")).extracting(InboundEvent::entityId)
                .containsExactlyInAnyOrderElementsOf(orders.stream().map(o -> Integer.toString(o.id())).toList());
        assertThat(events("SalesOrder.Created")).extracting(InboundEvent::entityKey)
                .containsExactlyInAnyOrderElementsOf(orders.stream().map(SalesOrderRef::customKey).toList());
        assertThat(events()).allSatisfy(e -> assertThat(e.source()).isEqualTo("clarity"));
        assertThat(second.appended()).isZero();
        assertThat(second.duplicates()).isZero();
        assertThat(second.entities().get(ClarityEntity.SALES_ORDER).alreadySeen()).isEqualTo(7);
    }

    @Test
    void customersAreCreatedOnTheFirstPollAndAFixedContactIsOneCustomerUpdatedAboutThatContact() {
        ClarityDeltaPoller poller = new ClarityDeltaPoller(client, stores.stateStore(), clock,
                settings.withEntities(List.of(ClarityEntity.USER, ClarityEntity.ACCOUNT, ClarityEntity.CONTACT)));
        poller.pollOnce(ingest());
        assertThat(events("Customer.Created")).hasSize(12)
                .extracting(InboundEvent::entity).containsOnly("User", "Account", "Contact");
        assertThat(events("Customer.Updated")).isEmpty();
        clock.advance(Duration.ofMinutes(10));

        sandbox.customers().renameContact(9002, null, "Lovelace");
        PollResult result = poller.pollOnce(ingest());

        assertThat(result.appended()).isEqualTo(1);
        assertThat(events("Customer.Updated")).singleElement().satisfies(e -> {
            assertThat(e.source()).isEqualTo("clarity");
            assertThat(e.entity()).isEqualTo("Contact");
            assertThat(e.entityId()).isEqualTo("9002");
            assertThat(e.entityKey()).isEqualTo("CON-9002");
            assertThat(e.payload()).contains("\"EventType\":\"Customer.Updated\"", "\"Entity\":\"Contact\"",
                    "\"Source\":\"poll\"");
            assertThat(hash(e)).isEqualTo(client.fetch("Contact", "9002").orElseThrow().path("Hash").asLong());
        });
    }

    @Test
    void aContactJoiningAnAccountsAddressBookIsACustomerUpdatedOfThatContactAndIsFoundByItsSlaveId() {
        int account = sandbox.store().accounts().all().getFirst().id();
        var created = client.send("POST", "/Accounts/AccountContact/Create",
                "{\"MasterID\":" + account + ",\"SlaveID\":9002,\"Name\":\"Purchasing\"}", false);
        assertThat(created.status()).as(String.valueOf(created.json())).isEqualTo(200);
        ClarityDeltaPoller poller = new ClarityDeltaPoller(client, stores.stateStore(), clock,
                settings.withEntities(List.of(ClarityEntity.ACCOUNT_CONTACT)));

        poller.pollOnce(ingest());

        assertThat(events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo("Customer.Updated");
            assertThat(e.entity()).isEqualTo("Contact");
            assertThat(e.entityId()).isEqualTo("9002");
        });
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> found =
                client.findAllBy("AccountContact", "SlaveID", List.of("9002", "9003"));
        assertThat(found).containsOnlyKeys("9002");
        assertThat(found.get("9002").path("MasterID").asInt()).isEqualTo(account);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.findAllBy("AccountContact", "SlaveID&x=1",
                List.of("1"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PascalCase name");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.findAllBy("AccountContact", "SlaveID",
                List.of("9002 OR 1=1"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("an integer");
    }

    @Test
    void aRestartedPollerDoesNotEmitTheOverlapWindowAgain() {
        sandbox.orders().createRandomOrders(5, BadData.NONE);
        poller(client).pollOnce(ingest());
        int before = events().size();

        PollResult afterRestart = poller(client).pollOnce(ingest());

        assertThat(afterRestart.appended()).isZero();
        assertThat(afterRestart.duplicates()).isZero();
        assertThat(events()).hasSize(before);
        assertThat(stores.stateStore().cursor("clarity.poll.SalesOrder")).isPresent();
    }

    @Test
    void aStartPointOfNowIsKeptWhenTheFirstPollFailsAndTandemRestarts() {
        Instant startedAt = clock.instant();
        PollSettings fromNow = settings.withInitialCursor(startedAt);
        ClarityPageSource down = (entity, query) -> {
            throw dev.tandem.core.error.IntegrationException.transientFailure("clarity", "IO_ERROR", "connection refused", 0, null);
        };
        PollResult failed = new ClarityDeltaPoller(down, stores.stateStore(), clock, fromNow).pollOnce(ingest());
        assertThat(failed.failures()).isNotEmpty();

        clock.now.set(startedAt.plus(Duration.ofMinutes(30)));
        List<SalesOrderRef> placedWhileDown = sandbox.orders().createRandomOrders(2, BadData.NONE);
        clock.now.set(startedAt.plus(Duration.ofHours(1)));
        // After the restart "now" is an hour later; only the stored start point still covers the outage.
        new ClarityDeltaPoller(client, stores.stateStore(), clock,
                settings.withInitialCursor(clock.instant())).pollOnce(ingest());

        assertThat(events("SalesOrder.Created")).extracting(InboundEvent::entityKey)
                .containsAll(placedWhileDown.stream().map(SalesOrderRef::customKey).toList());
    }

    @Test
    void aStatusChangeIsEmittedAsUpdatedAndStatusChanged() {
        SalesOrderRef order = sandbox.orders().createRandomOrder();
        ClarityDeltaPoller poller = poller(client);
        poller.pollOnce(ingest());
        clock.advance(Duration.ofMinutes(10));

        sandbox.orders().changeStatus(order.id(), otherStatus(order.id()));
        PollResult result = poller.pollOnce(ingest());

        assertThat(result.appended()).isEqualTo(2);
        assertThat(events("SalesOrder.Updated")).singleElement()
                .satisfies(e -> assertThat(hash(e)).isEqualTo(currentHash(order.id())));
        assertThat(events("SalesOrder.StatusChanged")).singleElement().satisfies(e -> {
            assertThat(e.entity()).isEqualTo("SalesOrder");
            assertThat(e.entityId()).isEqualTo(Integer.toString(order.id()));
        });
    }

    @Test
    void changesBetweenPagesAreNeitherMissedNorAppendedTwice() {
        List<SalesOrderRef> old = sandbox.orders().createRandomOrders(12, BadData.NONE);
        poller(client).pollOnce(ingest());
        clock.advance(Duration.ofMinutes(10));
        // newer orders move the cursor on, so the 12 old ones fall out of the polled window
        List<SalesOrderRef> recent = sandbox.orders().createRandomOrders(8, BadData.NONE);
        poller(client).pollOnce(ingest());
        clock.advance(Duration.ofMinutes(1));
        // While the orders list is read, after every page: the lowest-ID old order not yet touched changes status (it
        // enters the window behind the read position, shifting later rows on) and a new order is created (at the end).
        AtomicInteger nextToChange = new AtomicInteger();
        AtomicBoolean changing = new AtomicBoolean(true);
        List<SalesOrderRef> created = new ArrayList<>();
        ClarityPageSource live = (entity, query) -> {
            ClarityPage page = client.page(entity, query);
            if (entity == ClarityEntity.SALES_ORDER && changing.get()) {
                int id = old.get(nextToChange.getAndIncrement()).id();
                sandbox.orders().changeStatus(id, otherStatus(id));
                created.add(sandbox.orders().createRandomOrder());
                clock.advance(Duration.ofSeconds(1));
            }
            return page;
        };
        ClarityDeltaPoller poller = poller(live);

        PollResult duringChanges = poller.pollOnce(ingest());
        changing.set(false);
        clock.advance(Duration.ofSeconds(30));
        poller.pollOnce(ingest());
        poller.pollOnce(ingest());

        List<Integer> changed = old.subList(0, nextToChange.get()).stream().map(SalesOrderRef::id).toList();
        assertThat(changed).isNotEmpty();
        // every changed order: exactly one Updated event, carrying its final Hash
        Map<String, List<InboundEvent>> updated = events("SalesOrder.Updated").stream()
                .collect(Collectors.groupingBy(InboundEvent::entityId));
        assertThat(updated.keySet()).containsExactlyInAnyOrderElementsOf(
                changed.stream().map(String::valueOf).toList());
        changed.forEach(id -> assertThat(updated.get(Integer.toString(id))).singleElement()
                .satisfies(e -> assertThat(hash(e)).isEqualTo(currentHash(id))));
        // the changed orders entered the window behind the read position and pushed rows onto the next page,
        // which were read twice and not appended twice
        assertThat(duringChanges.entities().get(ClarityEntity.SALES_ORDER).alreadySeen()).isPositive();
        // every order created mid-poll: exactly one Created event (plus the 12 + 8 from the earlier polls)
        List<String> createdIds = events("SalesOrder.Created").stream().map(InboundEvent::entityId).toList();
        assertThat(createdIds).doesNotHaveDuplicates().hasSize(12 + recent.size() + created.size())
                .containsAll(created.stream().map(o -> Integer.toString(o.id())).toList());
        // every status change: exactly one StatusChanged event
        assertThat(events("SalesOrder.StatusChanged")).extracting(InboundEvent::entityId)
                .containsExactlyInAnyOrderElementsOf(changed.stream().map(String::valueOf).toList());
    }

    @Test
    void theBackgroundLoopPollsAndWakesTheRuntime() {
        sandbox.orders().createRandomOrders(2, BadData.NONE);
        AtomicInteger wakeUps = new AtomicInteger();
        try (ClarityDeltaPoller poller = new ClarityDeltaPoller(client, stores.stateStore(), clock,
                settings.withInterval(Duration.ofMillis(50)))) {
            poller.start(Ingest.into(stores.eventLog(), wakeUps::incrementAndGet));
            assertThat(poller.health().state()).isEqualTo(SourceHealth.State.UP);

            await().atMost(Duration.ofSeconds(10)).until(() -> events("SalesOrder.Created").size() == 2);
            sandbox.orders().createRandomOrder();
            await().atMost(Duration.ofSeconds(10)).until(() -> events("SalesOrder.Created").size() == 3);
        }
        assertThat(wakeUps.get()).isGreaterThanOrEqualTo(2);
        assertThat(poller(client).health().state()).as("a new poller").isEqualTo(SourceHealth.State.NEW);
    }

    private String otherStatus(int orderId) {
        String current = sandbox.orders().find(orderId).orElseThrow().statusKey();
        return current.equals("Shipped") ? "Completed" : "Shipped";
    }

    private long currentHash(int orderId) {
        return client.fetch("SalesOrder", Integer.toString(orderId)).orElseThrow().path("Hash").asLong();
    }

    private static long hash(InboundEvent event) {
        try {
            JsonNode payload = JSON.readTree(event.payload());
            return payload.path("Hash").asLong();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
