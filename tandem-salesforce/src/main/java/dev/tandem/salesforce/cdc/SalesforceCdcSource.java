package dev.tandem.salesforce.cdc;

import com.salesforce.eventbus.protobuf.PubSubGrpc;
import dev.tandem.core.connector.ChangeSource;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.SourceHealth;
import dev.tandem.core.echo.EchoPolicy;
import dev.tandem.core.spi.AuditTrail;
import dev.tandem.core.spi.CursorStore;
import dev.tandem.core.spi.LeaseStore;
import dev.tandem.core.spi.WriteFingerprints;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import io.grpc.ManagedChannel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Salesforce Change Data Capture as a change source of the server: one {@link PubSubSubscriber} per configured topic
 * on one gRPC channel, every event made durable in the event log before its replay id is committed, gaps and
 * expired replay ids recovered over REST, Tandem's own writes dropped as echoes.
 *
 * <p>A {@link ChangeSource} named {@value #NAME}: construct, {@link #start(Ingest)}, {@link #close()} (or
 * {@link #stop()}). {@link #health()} for {@code /health} (one entry per topic), {@link #status()} for the details;
 * meters {@code tandem.salesforce.cdc.*} ({@link CdcMetrics}) in the given registry.
 */
public final class SalesforceCdcSource implements ChangeSource {

    public static final String NAME = "salesforce.cdc";

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceCdcSource.class);

    /** Subscription state of one topic. */
    public record TopicStatus(String topic, PubSubSubscriber.State state, Optional<CdcCursor> cursor,
                              long delivered, String lastError) {
    }

    private final CdcSettings settings;
    private final SalesforceConfig config;
    private final AccessTokenProvider tokens;
    private final RecordReReader reReader;
    private final CursorStore cursors;
    private final AuditTrail audit;
    private final LeaseStore leases;
    private final WriteFingerprints fingerprints;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Supplier<ManagedChannel> channelFactory;
    private final PubSubCredentials credentials;
    private final CdcMetrics metrics;
    private final String holder;
    private final AtomicReference<Optional<EchoPolicy>> echo = new AtomicReference<>(Optional.empty());
    private final List<PubSubSubscriber> subscribers = new ArrayList<>();

    private ManagedChannel channel;
    private ScheduledExecutorService scheduler;
    private ExecutorService callbacks;
    private boolean started;
    private boolean closed;

    /**
     * @param settings     {@code salesforce.cdc.*}
     * @param config       the Salesforce connection (its {@code callOptionsClient} marks Tandem's own writes)
     * @param tokens       the connector's OAuth token provider (shared with the REST client)
     * @param reReader     REST re-reads for recoveries, normally {@code new RestRecordReReader(restClient)}
     * @param cursors      where replay ids are committed (the state store)
     * @param audit        where recoveries and echoes are audited (the state store)
     * @param leases       single-reader leases (the JDBC stores' {@code leases()})
     * @param fingerprints Tandem's write fingerprints for echo suppression, or null to turn echo suppression off
     * @param meters       Micrometer registry
     * @param clock        the clock (lag, leases, audit times)
     */
    public SalesforceCdcSource(CdcSettings settings, SalesforceConfig config, AccessTokenProvider tokens,
                               RecordReReader reReader, CursorStore cursors, AuditTrail audit,
                               LeaseStore leases, WriteFingerprints fingerprints, MeterRegistry meters, Clock clock) {
        this(settings, config, tokens, reReader, cursors, audit, leases, fingerprints, meters, clock,
                () -> PubSubChannels.open(settings), null);
    }

    /** As above with the channel and the org identity given (tests: an in-process channel). */
    public SalesforceCdcSource(CdcSettings settings, SalesforceConfig config, AccessTokenProvider tokens,
                               RecordReReader reReader, CursorStore cursors, AuditTrail audit,
                               LeaseStore leases, WriteFingerprints fingerprints, MeterRegistry meters, Clock clock,
                               Supplier<ManagedChannel> channelFactory, OrgIdentity identity) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.config = Objects.requireNonNull(config, "config");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.reReader = Objects.requireNonNull(reReader, "reReader");
        this.cursors = Objects.requireNonNull(cursors, "cursors");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.leases = Objects.requireNonNull(leases, "leases");
        this.fingerprints = fingerprints;
        this.meters = Objects.requireNonNull(meters, "meters");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.channelFactory = Objects.requireNonNull(channelFactory, "channelFactory");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.credentials = new PubSubCredentials(tokens,
                identity != null ? token -> identity : token -> OrgIdentity.of(token, http));
        this.metrics = new CdcMetrics(meters, clock);
        this.holder = hostName() + "/" + UUID.randomUUID();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "tandem";
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Opens the channel and starts one subscriber per topic, each appending through {@code ingest}; does nothing
     * when CDC is disabled.
     *
     * @throws IllegalStateException when already started or closed
     */
    @Override
    public synchronized void start(Ingest ingest) {
        Objects.requireNonNull(ingest, "ingest");
        if (started || closed) {
            throw new IllegalStateException("Salesforce CDC was already started or closed");
        }
        started = true;
        if (!settings.enabled()) {
            return;
        }
        channel = channelFactory.get();
        scheduler = Executors.newScheduledThreadPool(1, Thread.ofPlatform().name("tandem-cdc-", 0).daemon()
                .factory());
        callbacks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("tandem-cdc-stream-", 0).factory());
        if (fingerprints != null) {
            Set<String> users = settings.integrationUser().isEmpty() ? Set.of()
                    : Set.of(settings.integrationUser());
            if (users.isEmpty()) {
                try {
                    String user = credentials.identity().userId();
                    users = user.isEmpty() ? Set.of() : Set.of(user);
                } catch (RuntimeException e) {
                    LOG.warn("Cannot read the integration user from the token; echo suppression uses the client "
                            + "id only: {}", e.toString());
                }
            }
            echo.set(Optional.of(new EchoPolicy(fingerprints, Set.of(config.callOptionsClient()), users,
                    EchoPolicy.DEFAULT_TTL, clock)));
        }
        PubSubGrpc.PubSubStub stub = PubSubGrpc.newStub(channel).withCallCredentials(credentials)
                .withExecutor(callbacks);
        PubSubGrpc.PubSubBlockingStub blocking = PubSubGrpc.newBlockingStub(channel).withCallCredentials(credentials);
        ChangeEventDecoder decoder = new ChangeEventDecoder(id -> PubSubSubscriber.fetchSchema(blocking, id));
        ChangeEventIngest changes = new ChangeEventIngest(ingest, cursors, audit, echo::get, reReader, metrics, clock);
        for (String topic : settings.effectiveTopics()) {
            PubSubSubscriber subscriber = new PubSubSubscriber(topic, stub, decoder, changes, settings,
                    settings.objectsOf(topic), credentials, leases, holder, scheduler, metrics, clock);
            subscribers.add(subscriber);
            Gauge.builder("tandem.salesforce.cdc.subscribed", subscriber,
                            s -> s.state() == PubSubSubscriber.State.SUBSCRIBED ? 1 : 0)
                    .description("1 while the topic's stream is subscribed").tag("topic", topic).register(meters);
            subscriber.start();
        }
        LOG.info("Salesforce CDC started: {} on {} ({})", settings.effectiveTopics(), settings.endpoint(),
                settings.plaintext() ? "plaintext" : "TLS");
    }

    /** Stops every subscriber, releases the leases and closes the channel. */
    public synchronized void stop() {
        subscribers.forEach(PubSubSubscriber::stop);
        subscribers.clear();
        if (channel != null) {
            channel.shutdownNow();
            try {
                channel.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            channel = null;
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        if (callbacks != null) {
            callbacks.shutdownNow();
            callbacks = null;
        }
    }

    /** {@link #stop()}, and no start after it. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        stop();
    }

    /**
     * One entry per topic ({@code SUBSCRIBED}, {@code STANDBY}, {@code CONNECTING}, {@code RECOVERING}, or
     * {@code RECONNECTING: <last error>}); {@code DEGRADED} while any topic is reconnecting, which is a fault of the
     * connection (Salesforce unreachable, credentials refused), not of data.
     */
    @Override
    public synchronized SourceHealth health() {
        if (closed) {
            return SourceHealth.of(SourceHealth.State.STOPPED);
        }
        if (!started) {
            return SourceHealth.of(SourceHealth.State.NEW);
        }
        Map<String, String> topics = new LinkedHashMap<>();
        List<String> reconnecting = new ArrayList<>();
        for (PubSubSubscriber subscriber : subscribers) {
            String error = subscriber.lastError();
            PubSubSubscriber.State state = subscriber.state();
            topics.put(subscriber.topic(), error == null || error.isEmpty() ? state.name() : state.name() + ": " + error);
            if (state == PubSubSubscriber.State.RECONNECTING) {
                reconnecting.add(subscriber.topic());
            }
        }
        SourceHealth health = reconnecting.isEmpty() ? SourceHealth.up()
                : SourceHealth.degraded("reconnecting " + reconnecting);
        return health.withDetails(topics);
    }

    /** The echo policy in use (empty before start or without fingerprints): writers record their writes with it. */
    public Optional<EchoPolicy> echoPolicy() {
        return echo.get();
    }

    /** Per-topic subscription state for {@code /health}. */
    public synchronized Map<String, TopicStatus> status() {
        Map<String, TopicStatus> status = new LinkedHashMap<>();
        for (PubSubSubscriber subscriber : subscribers) {
            status.put(subscriber.topic(), new TopicStatus(subscriber.topic(), subscriber.state(),
                    cursors.cursor(CdcCursor.nameFor(subscriber.topic())).flatMap(CdcCursor::parse),
                    subscriber.delivered(), subscriber.lastError()));
        }
        return status;
    }

    /** The subscribers, for tests. */
    synchronized List<PubSubSubscriber> subscribers() {
        return List.copyOf(subscribers);
    }
}
