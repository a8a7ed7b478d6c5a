package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.salesforce.eventbus.protobuf.ReplayPreset;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.echo.EchoPolicy;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.CursorStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessToken;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.store.jdbc.JdbcStores;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The connector's subscriber against an in-process Pub/Sub server ({@link FakePubSub}). */
class CdcSubscriberTest {

    private static final String TOPIC = "/data/AccountChangeEvent";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private final FakePubSub pubsub = new FakePubSub();
    private final String serverName = InProcessServerBuilder.generateName();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final FakeReReader reReader = new FakeReReader();
    private final List<SalesforceCdcSource> sources = new ArrayList<>();
    private Server server;
    private JdbcStores stores;
    private Tokens tokens;

    @BeforeEach
    void startServer() throws Exception {
        server = InProcessServerBuilder.forName(serverName)
                .addService(ServerInterceptors.intercept(pubsub, pubsub.auth())).build().start();
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
        tokens = new Tokens(pubsub);
    }

    @AfterEach
    void stopAll() {
        sources.forEach(SalesforceCdcSource::stop);
        server.shutdownNow();
        stores.close();
    }

    private CdcSettings settings() {
        return CdcSettings.forObjects(List.of("Account")).withPlaintext(true)
                .withReconnect(Duration.ofMillis(10), Duration.ofMillis(100)).withLeaseTtl(Duration.ofSeconds(3));
    }

    private SalesforceCdcSource source(CdcSettings settings) {
        return source(settings, stores.stateStore());
    }

    private SalesforceCdcSource source(CdcSettings settings, CursorStore cursors) {
        SalesforceCdcSource source = new SalesforceCdcSource(settings,
                SalesforceConfig.of(URI.create("https://login.example/services/oauth2/token"), "id", "secret"),
                tokens, reReader, cursors, stores.stateStore(), stores.leases(),
                stores.writeFingerprints(), meters, Clock.systemUTC(),
                () -> InProcessChannelBuilder.forName(serverName).build(), null);
        sources.add(source);
        source.start(Ingest.into(stores.eventLog()));
        return source;
    }

    private List<LoggedEvent> logged() {
        return stores.eventLog().readAfter(0, 10_000);
    }

    private void awaitSubscribed(SalesforceCdcSource source) {
        await().until(() -> source.status().get(TOPIC).state() == PubSubSubscriber.State.SUBSCRIBED);
    }

    private Optional<CdcCursor> cursor() {
        return stores.stateStore().cursor(CdcCursor.nameFor(TOPIC)).flatMap(CdcCursor::parse);
    }

    @Test
    void eventsBecomeOneInboundEventPerRecordAndTheReplayIdIsCommittedAfterwards() throws Exception {
        SalesforceCdcSource source = source(settings());
        awaitSubscribed(source);

        pubsub.publish(TestChangeEvents.account().set("Name", "Acme").city("Paris").encode());
        pubsub.publish(TestChangeEvents.account().ids("001B", "001C").set("Phone", "555").encode());

        await().until(() -> logged().size() == 3);
        List<LoggedEvent> events = logged();
        assertThat(events).extracting(e -> e.event().entityId()).containsExactly("001000000000001AAA", "001B",
                "001C");
        assertThat(events).extracting(e -> e.event().type()).containsOnly("Account.Updated");
        assertThat(events).extracting(e -> e.event().source()).containsOnly("salesforce");
        assertThat(events.get(1).event().sourceEventId()).isEqualTo(TOPIC + ":" + ReplayIds.toHex(
                FakePubSub.replayId(1)) + ":001B");
        ObjectNode payload = (ObjectNode) JSON.readTree(events.get(0).event().payload());
        assertThat(payload.path("ChangeEventHeader").path("changedFields").toString())
                .contains("Name", "BillingAddress.City", "LastModifiedDate");
        assertThat(payload.path("ChangeEventHeader").path("commitUser").asText()).isEqualTo("005000000000HUMAN");
        assertThat(payload.path("ChangeEventHeader").path("changeOrigin").asText()).contains("client=someone");
        assertThat(payload.path("fields").path("BillingAddress").path("City").asText()).isEqualTo("Paris");
        await().until(() -> cursor().map(CdcCursor::replayId)
                .equals(Optional.of(ReplayIds.toHex(FakePubSub.replayId(1)))));
        assertThat(pubsub.tenants).contains("00DORG");
        assertThat(pubsub.schemaFetches).hasValue(1);
        assertThat(meters.get(CdcMetrics.EVENTS_RECEIVED).tag("topic", TOPIC).counter().count()).isEqualTo(2);
        assertThat(meters.get(CdcMetrics.EVENTS_APPENDED).tag("topic", TOPIC).counter().count()).isEqualTo(3);
        assertThat(meters.get(CdcMetrics.LAG).tag("topic", TOPIC).gauge().value()).isPositive();
    }

    @Test
    void flowControlNeverLetsMoreThanTheBatchSizeBeOutstanding() {
        SalesforceCdcSource source = source(settings().withBatchSize(10));
        awaitSubscribed(source);

        for (int i = 0; i < 95; i++) {
            pubsub.publish(TestChangeEvents.account().ids("001X" + i).set("Name", "n" + i).encode());
        }

        await().until(() -> logged().size() == 95);
        assertThat(pubsub.maxPending.get()).isLessThanOrEqualTo(10);
        assertThat(source.subscribers().get(0).maxOutstanding()).isLessThanOrEqualTo(10);
    }

    @Test
    void aNewDeploymentStartsAtTheConfiguredPresetAndARestartResumesWithCustom() {
        pubsub.publish(TestChangeEvents.account().ids("001OLD").set("Name", "before").encode());
        SalesforceCdcSource first = source(settings().withReplayStart(CdcSettings.ReplayStart.EARLIEST));
        await().until(() -> logged().size() == 1);
        first.stop();

        pubsub.publish(TestChangeEvents.account().ids("001NEW").set("Name", "while down").encode());
        source(settings());

        await().until(() -> logged().size() == 2);
        assertThat(pubsub.presets).containsExactly(ReplayPreset.EARLIEST, ReplayPreset.CUSTOM);
        assertThat(logged()).extracting(e -> e.event().entityId()).containsExactly("001OLD", "001NEW");
    }

    @Test
    void aCrashBetweenAppendAndReplayIdCommitAppendsTheEventOnceAndLosesNone() {
        AtomicBoolean failNextSave = new AtomicBoolean();
        CursorStore flaky = new CursorStore() {
            @Override
            public Optional<String> cursor(String name) {
                return stores.stateStore().cursor(name);
            }

            @Override
            public void saveCursor(String name, String value) {
                if (failNextSave.compareAndSet(true, false)) {
                    throw new IllegalStateException("killed before the replay id was committed");
                }
                stores.stateStore().saveCursor(name, value);
            }
        };
        SalesforceCdcSource source = source(settings(), flaky);
        awaitSubscribed(source);
        pubsub.publish(TestChangeEvents.account().ids("001A").set("Name", "one").encode());
        await().until(() -> cursor().isPresent());

        failNextSave.set(true);
        pubsub.publish(TestChangeEvents.account().ids("001B").set("Name", "two").encode());
        pubsub.publish(TestChangeEvents.account().ids("001C").set("Name", "three").encode());

        await().until(() -> cursor().map(CdcCursor::replayId)
                .equals(Optional.of(ReplayIds.toHex(FakePubSub.replayId(2)))));
        assertThat(logged()).extracting(e -> e.event().entityId()).containsExactly("001A", "001B", "001C");
        assertThat(pubsub.presets).last().isEqualTo(ReplayPreset.CUSTOM);
    }

    @Test
    void aDroppedStreamIsResubscribedFromTheCommittedReplayId() {
        SalesforceCdcSource source = source(settings());
        awaitSubscribed(source);
        pubsub.publish(TestChangeEvents.account().ids("001A").set("Name", "one").encode());
        await().until(() -> logged().size() == 1);

        pubsub.dropStreams();
        await().until(() -> pubsub.presets.size() == 2 && pubsub.openStreams() == 1);
        pubsub.publish(TestChangeEvents.account().ids("001B").set("Name", "two").encode());

        await().until(() -> logged().size() == 2);
        assertThat(pubsub.presets).containsExactly(ReplayPreset.LATEST, ReplayPreset.CUSTOM);
        assertThat(meters.get(CdcMetrics.RECONNECTS).tag("reason", "unavailable").counter().count()).isEqualTo(1);
    }

    @Test
    void aTokenRevokedMidStreamIsRefreshedAndTheStreamResumes() {
        SalesforceCdcSource source = source(settings());
        awaitSubscribed(source);
        pubsub.publish(TestChangeEvents.account().ids("001A").set("Name", "one").encode());
        await().until(() -> logged().size() == 1);

        pubsub.revoke("tok-1");
        pubsub.publish(TestChangeEvents.account().ids("001B").set("Name", "two").encode());

        await().until(() -> logged().size() == 2);
        assertThat(tokens.issued).hasValueGreaterThanOrEqualTo(2);
        assertThat(meters.get(CdcMetrics.RECONNECTS).tag("reason", "unauthenticated").counter().count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void anExpiredReplayIdResubscribesLatestAndReReadsWhatChangedSinceTheLastCommit() {
        long committedAt = 1_772_000_000_000L;
        SalesforceCdcSource first = source(settings());
        awaitSubscribed(first);
        pubsub.publish(TestChangeEvents.account().ids("001A").at(committedAt).set("Name", "one").encode());
        await().until(() -> cursor().isPresent());
        first.stop();
        pubsub.publish(TestChangeEvents.account().ids("001B").at(committedAt + 5).set("Name", "lost").encode());
        pubsub.expireAll();
        reReader.changed.add(record("001B", "2026-02-25T06:13:20.000+0000"));
        reReader.changed.add(record("001C", "2026-02-25T06:13:21.000+0000"));

        SalesforceCdcSource second = source(settings());

        await().until(() -> logged().size() == 3);
        awaitSubscribed(second);
        assertThat(pubsub.presets).containsExactly(ReplayPreset.LATEST, ReplayPreset.CUSTOM, ReplayPreset.LATEST);
        assertThat(reReader.sinceAsked).containsExactly(Instant.ofEpochMilli(committedAt));
        assertThat(logged().subList(1, 3)).extracting(e -> e.event().entityId()).containsExactly("001B", "001C");
        assertThat(logged().get(1).event().payload()).contains("\"recovered\":true");
        assertThat(stores.stateStore().auditFor(0)).extracting(AuditEntry::step).contains("recovery");
        assertThat(meters.get(CdcMetrics.RECOVERIES).tag("kind", "expired-replay").counter().count())
                .isEqualTo(1);
    }

    @Test
    void gapEventsReReadTheirRecordsById() {
        SalesforceCdcSource source = source(settings());
        awaitSubscribed(source);
        reReader.byId.put("001A", record("001A", "2026-02-25T06:13:20.000+0000"));

        pubsub.publish(TestChangeEvents.account().type("GAP_UPDATE").ids("001A", "001GONE").encode());

        await().until(() -> logged().size() == 2);
        assertThat(logged()).extracting(e -> e.event().type()).containsExactly("Account.Updated", "Account.Deleted");
        assertThat(stores.stateStore().auditFor(0)).extracting(AuditEntry::detail)
                .anySatisfy(d -> assertThat(d).contains("1 of 2 records re-read by id"));
        assertThat(meters.get(CdcMetrics.RECOVERIES).tag("kind", "gap").counter().count()).isEqualTo(1);
    }

    @Test
    void anOverflowEventReReadsTheObjectSinceItsCommit() {
        SalesforceCdcSource source = source(settings());
        awaitSubscribed(source);
        reReader.changed.add(record("001M", "2026-02-25T06:13:20.000+0000"));

        pubsub.publish(TestChangeEvents.account().type("GAP_OVERFLOW").ids("001*").at(1_772_000_000_000L).encode());

        await().until(() -> logged().size() == 1);
        assertThat(reReader.sinceAsked).containsExactly(Instant.ofEpochMilli(1_772_000_000_000L));
        assertThat(meters.get(CdcMetrics.RECOVERIES).tag("kind", "overflow").counter().count()).isEqualTo(1);
    }

    @Test
    void tandemsOwnWriteComingBackIsDroppedAsAnEchoAndAHumansSameValueIsProcessed() {
        SalesforceCdcSource source = source(settings());
        awaitSubscribed(source);
        EchoPolicy echo = source.echoPolicy().orElseThrow();
        echo.recordWrite("salesforce", "Account", "001A", Map.of("Name", "Acme", "BillingCity", "Paris"));

        pubsub.publish(TestChangeEvents.account().ids("001A").origin("com/salesforce/api/rest/64.0;client=tandem")
                .user("005INT").set("Name", "Acme").city("Paris").encode());
        pubsub.publish(TestChangeEvents.account().ids("001A").user("005HUMAN").origin("")
                .set("Name", "Acme").encode());
        pubsub.publish(TestChangeEvents.account().ids("001A").user("005HUMAN").origin("")
                .set("Name", "Acme").encode());

        await().until(() -> cursor().map(CdcCursor::replayId)
                .equals(Optional.of(ReplayIds.toHex(FakePubSub.replayId(2)))));
        assertThat(logged()).hasSize(2).allSatisfy(e -> assertThat(e.event().payload()).contains("005HUMAN"));
        assertThat(stores.stateStore().auditFor(0)).filteredOn(a -> a.step().equals("echo")).singleElement()
                .satisfies(a -> assertThat(a.detail()).startsWith("echo: client tandem"));
        assertThat(meters.get(CdcMetrics.ECHOES_DROPPED).tag("topic", TOPIC).counter().count()).isEqualTo(1);
    }

    @Test
    void onlyOneSourcePerTopicSubscribesAndTheOtherTakesOverWhenItStops() {
        SalesforceCdcSource first = source(settings());
        awaitSubscribed(first);
        SalesforceCdcSource second = source(settings());
        await().until(() -> second.status().get(TOPIC).state() == PubSubSubscriber.State.STANDBY);
        assertThat(pubsub.openStreams()).isEqualTo(1);

        first.stop();

        awaitSubscribed(second);
        pubsub.publish(TestChangeEvents.account().ids("001A").set("Name", "one").encode());
        await().until(() -> logged().size() == 1);
    }

    private static ObjectNode record(String id, String modstamp) {
        return JSON.createObjectNode().put("Id", id).put("SystemModstamp", modstamp);
    }

    private static final class FakeReReader implements RecordReReader {
        final List<ObjectNode> changed = new CopyOnWriteArrayList<>();
        final Map<String, ObjectNode> byId = new java.util.concurrent.ConcurrentHashMap<>();
        final List<Instant> sinceAsked = new CopyOnWriteArrayList<>();

        @Override
        public Stream<ObjectNode> changedSince(String object, Instant since) {
            sinceAsked.add(since);
            return changed.stream();
        }

        @Override
        public List<ObjectNode> byIds(String object, List<String> ids) {
            return ids.stream().filter(byId::containsKey).map(byId::get).toList();
        }
    }

    /** Issues tok-1, tok-2, ... and registers each with the fake server. */
    static final class Tokens implements AccessTokenProvider {
        final AtomicInteger issued = new AtomicInteger();
        private final FakePubSub server;
        private volatile AccessToken current;

        Tokens(FakePubSub server) {
            this.server = server;
        }

        @Override
        public synchronized AccessToken token() {
            if (current == null) {
                String value = "tok-" + issued.incrementAndGet();
                server.validTokens.add(value);
                current = new AccessToken(value, URI.create("https://org.example"),
                        "https://login.example/id/00DORG/005INT", Instant.now());
            }
            return current;
        }

        @Override
        public synchronized void invalidate(AccessToken stale) {
            if (current == stale) {
                current = null;
            }
        }
    }
}
