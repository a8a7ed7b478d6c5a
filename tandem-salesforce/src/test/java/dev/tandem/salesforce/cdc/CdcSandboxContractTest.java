package dev.tandem.salesforce.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.echo.EchoPolicy;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.spi.CursorStore;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.sandbox.salesforce.cdc.ChangeType;
import dev.tandem.store.jdbc.JdbcStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connector's CDC subscriber against the Salesforce sandbox's Pub/Sub server (written separately from the same
 * spec): real grpc-java on a TCP port, the sandbox's Avro schemas and bitmaps, its tokens, gaps and retention.
 */
class CdcSandboxContractTest {

    private static final String CLIENT_ID = "3MVG9cdc.contract_key";
    private static final String CLIENT_SECRET = "cdc-contract-secret";
    private static final String TOPIC = "/data/AccountChangeEvent";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<SalesforceCdcSource> sources = new ArrayList<>();
    private SalesforceSandbox sandbox;
    private SalesforceConfig config;
    private HttpClient http;
    private AccessTokenProvider tokens;
    private SalesforceRestClient rest;
    private JdbcStores stores;

    @BeforeEach
    void start() {
        startSandbox(true);
        stores = JdbcStores.openSqlite(directory.resolve("tandem.db"));
    }

    private void startSandbox(boolean plaintext) {
        sandbox = SalesforceSandbox.builder().port(0).clientId(CLIENT_ID).clientSecret(CLIENT_SECRET).clock(clock)
                .pubSubPort(0).pubSubPlaintext(plaintext).pubSubKeepAlive(Duration.ofMillis(300)).build().start();
        config = SalesforceConfig.of(URI.create(sandbox.tokenUrl()), CLIENT_ID, CLIENT_SECRET);
        http = SalesforceRestClient.newHttpClient(config);
        tokens = AccessTokenProviders.forConfig(config, http);
        rest = new SalesforceRestClient(config, tokens, http, new SimpleMeterRegistry());
    }

    @AfterEach
    void stop() {
        sources.forEach(SalesforceCdcSource::stop);
        sandbox.close();
        stores.close();
    }

    private CdcSettings settings() {
        return CdcSettings.forObjects(List.of("Account")).withPlaintext(true)
                .withEndpoint("127.0.0.1:" + sandbox.pubSubPort())
                .withReconnect(Duration.ofMillis(20), Duration.ofMillis(200)).withLeaseTtl(Duration.ofSeconds(3));
    }

    private SalesforceCdcSource source(CdcSettings settings) {
        return source(settings, stores.stateStore());
    }

    private SalesforceCdcSource source(CdcSettings settings, CursorStore cursors) {
        SalesforceCdcSource source = new SalesforceCdcSource(settings, config, tokens, new RestRecordReReader(rest),
                cursors, stores.stateStore(), stores.leases(), stores.writeFingerprints(), meters,
                Clock.systemUTC());
        sources.add(source);
        source.start(Ingest.into(stores.eventLog()));
        await().until(() -> source.status().get(TOPIC).state() == PubSubSubscriber.State.SUBSCRIBED);
        return source;
    }

    private List<LoggedEvent> logged() {
        return stores.eventLog().readAfter(0, 10_000);
    }

    private List<String> loggedIds() {
        return logged().stream().map(e -> e.event().entityId()).toList();
    }

    private static JsonNode payload(LoggedEvent event) {
        try {
            return JSON.readTree(event.event().payload());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String createAccount(String name) {
        return rest.create("Account", JSON.createObjectNode().put("Name", name));
    }

    private void update(String id, Map<String, String> values) {
        ObjectNode fields = JSON.createObjectNode();
        values.forEach(fields::put);
        rest.update("Account", id, fields);
    }

    @Test
    void aRestWriteArrivesAsADecodedChangeEventWithHeaderAndBitmapFieldNames() {
        source(settings());

        String id = createAccount("Acme");
        update(id, Map.of("BillingCity", "Paris", "Phone", "555"));

        await().until(() -> logged().size() == 2);
        assertThat(logged()).extracting(e -> e.event().type()).containsExactly("Account.Created",
                "Account.Updated");
        assertThat(loggedIds()).containsOnly(id);
        JsonNode header = payload(logged().get(1)).path("ChangeEventHeader");
        assertThat(header.path("changeOrigin").asText()).endsWith(";client=" + config.callOptionsClient());
        assertThat(header.path("commitUser").asText()).isEqualTo(sandbox.userId());
        assertThat(header.path("changedFields").toString()).contains("BillingAddress.City", "Phone");
        assertThat(payload(logged().get(1)).path("fields").path("BillingAddress").path("City").asText())
                .isEqualTo("Paris");
        assertThat(payload(logged().get(0)).path("fields").path("Name").asText()).isEqualTo("Acme");
    }

    @Test
    void tlsWithTheSandboxsPrintedCertificate() {
        sandbox.close();
        startSandbox(false);
        Path certificate = sandbox.pubSubCertificatePath().orElseThrow();

        source(settings().withPlaintext(false).withTrustCertificate(certificate)
                .withEndpoint("localhost:" + sandbox.pubSubPort()));
        createAccount("Over TLS");

        await().until(() -> logged().size() == 1);
    }

    @Test
    void echoOfTandemsWriteIsDroppedAndHumanChangesAreProcessed() {
        SalesforceCdcSource source = source(settings());
        EchoPolicy echo = source.echoPolicy().orElseThrow();
        String id = createAccount("Initial");
        await().until(() -> logged().size() == 1);

        // recorded before the write goes out: the change event may arrive before the write call returns
        echo.recordWrite("salesforce", "Account", id, Map.of("Name", "Written by Tandem"));
        update(id, Map.of("Name", "Written by Tandem"));
        await().until(() -> meters.find(CdcMetrics.ECHOES_DROPPED).counter() != null
                && meters.find(CdcMetrics.ECHOES_DROPPED).counter().count() == 1);

        sandbox.changeAsUser(sandbox.humanUserId());
        update(id, Map.of("Name", "Changed by a person"));
        update(id, Map.of("Name", "Written by Tandem"));
        update(id, Map.of("Name", "Written by Tandem", "Phone", "1"));

        await().until(() -> logged().size() == 4);
        assertThat(logged().subList(1, 4)).allSatisfy(e -> assertThat(payload(e).path("ChangeEventHeader")
                .path("commitUser").asText()).isEqualTo(sandbox.humanUserId()));
        assertThat(stores.stateStore().auditFor(0)).filteredOn(a -> a.step().equals("echo")).singleElement()
                .satisfies(a -> assertThat(a.outcome()).isEqualTo("SKIPPED"));
    }

    @Test
    void aRestartResumesFromTheStoredReplayIdWithNothingMissingOrTwice() {
        SalesforceCdcSource first = source(settings());
        String a = createAccount("A");
        await().until(() -> logged().size() == 1);
        first.stop();

        String b = createAccount("B");
        String c = createAccount("C");
        source(settings());

        await().until(() -> logged().size() == 3);
        assertThat(loggedIds()).containsExactly(a, b, c);
    }

    @Test
    void killedBetweenAppendAndReplayIdCommitTheEventIsAppendedOnce() {
        AtomicBoolean kill = new AtomicBoolean();
        CursorStore dying = new CursorStore() {
            @Override
            public Optional<String> cursor(String name) {
                return stores.stateStore().cursor(name);
            }

            @Override
            public void saveCursor(String name, String value) {
                if (kill.get()) {
                    throw new IllegalStateException("process killed before the replay id commit");
                }
                stores.stateStore().saveCursor(name, value);
            }
        };
        SalesforceCdcSource first = source(settings(), dying);
        String a = createAccount("A");
        await().until(() -> logged().size() == 1);
        await().until(() -> stores.stateStore().cursor(CdcCursor.nameFor(TOPIC)).isPresent());
        kill.set(true);
        String b = createAccount("B");
        await().until(() -> logged().size() == 2);
        first.stop();

        source(settings());
        String c = createAccount("C");

        await().until(() -> logged().size() == 3);
        assertThat(loggedIds()).containsExactly(a, b, c);
    }

    @Test
    void anExpiredReplayIdRecoversExactlyTheRecordsChangedMeanwhile() {
        String old = createAccount("Old, before the last commit");
        clock.advance(Duration.ofSeconds(30));
        SalesforceCdcSource first = source(settings());
        String last = createAccount("Last committed");
        await().until(() -> logged().size() == 1);
        first.stop();
        clock.advance(Duration.ofSeconds(30));
        String missed1 = createAccount("Missed 1");
        String missed2 = createAccount("Missed 2");
        update(last, Map.of("Phone", "2"));
        sandbox.eventBus().expireAll();

        source(settings());

        await().until(() -> meters.find(CdcMetrics.RECOVERIES).tag("kind", "expired-replay").counter() != null);
        List<String> recovered = logged().stream().filter(e -> payload(e).path("recovered").asBoolean())
                .map(e -> e.event().entityId()).toList();
        assertThat(recovered).containsExactlyInAnyOrder(missed1, missed2, last).doesNotContain(old);
        assertThat(stores.stateStore().auditFor(0)).extracting(AuditEntry::step).contains("recovery");
        String after = createAccount("After the recovery");
        await().until(() -> loggedIds().contains(after));
    }

    @Test
    void gapEventsAreResolvedByReadingTheRecords() {
        source(settings());
        String id = createAccount("Gap");
        await().until(() -> logged().size() == 1);

        sandbox.changeCapture().injectGap("Account", ChangeType.GAP_UPDATE, List.of(id), sandbox.userId(),
                clock.millis());
        await().until(() -> logged().size() == 2);
        assertThat(logged().get(1).event().type()).isEqualTo("Account.Updated");
        assertThat(payload(logged().get(1)).path("record").path("Id").asText()).isEqualTo(id);

        sandbox.changeCapture().injectGap("Account", ChangeType.GAP_OVERFLOW, List.of("001*"), sandbox.userId(),
                clock.millis());
        await().until(() -> meters.find(CdcMetrics.RECOVERIES).tag("kind", "overflow").counter() != null);
        assertThat(meters.get(CdcMetrics.RECOVERIES).tag("kind", "gap").counter().count()).isEqualTo(1);
    }

    @Test
    void aDroppedStreamReconnectsAndLosesNothing() {
        source(settings());
        String a = createAccount("A");
        await().until(() -> logged().size() == 1);

        sandbox.pubSub().orElseThrow().dropStreams(null);
        String b = createAccount("B");

        await().until(() -> logged().size() == 2);
        assertThat(loggedIds()).containsExactly(a, b);
        assertThat(meters.find(CdcMetrics.RECONNECTS).counters()).isNotEmpty();
    }

    @Test
    void aTokenRevokedMidStreamIsRefreshedAndTheStreamResumes() {
        source(settings());
        String a = createAccount("A");
        await().until(() -> logged().size() == 1);

        sandbox.faults().revokeTokens();
        await().until(() -> meters.find(CdcMetrics.RECONNECTS).tag("reason", "unauthenticated").counter() != null);
        String b = createAccount("B");

        await().until(() -> logged().size() == 2);
        assertThat(loggedIds()).containsExactly(a, b);
    }

    @Test
    void flowControlKeepsOutstandingRequestsWithinTheBatchSize() {
        SalesforceCdcSource source = source(settings().withBatchSize(4));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            ids.add(createAccount("Flow " + i));
        }

        await().until(() -> logged().size() == 25);
        assertThat(loggedIds()).containsExactlyElementsOf(ids);
        assertThat(source.subscribers().get(0).maxOutstanding()).isLessThanOrEqualTo(4);
        assertThat(sandbox.pubSub().orElseThrow().subscribers()).allSatisfy(s ->
                assertThat(s.pendingNumRequested()).isLessThanOrEqualTo(4));
    }

    @Test
    void aBadTopicIsReportedAndRetriedNotFatal() {
        SalesforceCdcSource source = new SalesforceCdcSource(settings().withTopics(List.of("/data/NoSuchChangeEvent")),
                config, tokens, new RestRecordReReader(rest), stores.stateStore(),
                stores.stateStore(), stores.leases(), null, meters, Clock.systemUTC());
        sources.add(source);
        source.start(Ingest.into(stores.eventLog()));

        await().until(() -> !source.status().get("/data/NoSuchChangeEvent").lastError().isEmpty());
        assertThat(source.status().get("/data/NoSuchChangeEvent").state())
                .isNotEqualTo(PubSubSubscriber.State.SUBSCRIBED);
    }

    /** A clock the test moves, so SystemModstamp and commitTimestamp are known. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
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
            return now;
        }
    }
}
