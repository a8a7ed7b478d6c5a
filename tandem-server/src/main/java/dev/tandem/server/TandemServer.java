package dev.tandem.server;

import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.auth.ClaritySession;
import dev.tandem.clarity.client.ClarityRestClient;
import dev.tandem.clarity.read.ClarityDeltaPoller;
import dev.tandem.clarity.webhook.CidrAllowlist;
import dev.tandem.clarity.webhook.ClarityWebhookParser;
import dev.tandem.clarity.webhook.ClarityWebhookSource;
import dev.tandem.clarity.webhook.WebhookSignatureVerifier;
import dev.tandem.core.connector.ChangeSource;
import dev.tandem.core.connector.ChangeSources;
import dev.tandem.core.connector.ConnectorParts;
import dev.tandem.core.connector.Ingest;
import dev.tandem.core.connector.WebhookSource;
import dev.tandem.core.flow.Flow;
import dev.tandem.core.flow.FlowCatalog;
import dev.tandem.core.flow.FlowProblem;
import dev.tandem.core.flow.FlowSpec;
import dev.tandem.core.runtime.FlowPipeline;
import dev.tandem.core.connector.Availability;
import dev.tandem.core.connector.AvailabilityState;
import dev.tandem.core.runtime.FlowRuntime;
import dev.tandem.core.runtime.PausedFlow;
import dev.tandem.core.runtime.ProcessingMetrics;
import dev.tandem.core.spi.EventLog;
import dev.tandem.core.spi.StateStore;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AccessTokenProvider;
import dev.tandem.salesforce.auth.AccessTokenProviders;
import dev.tandem.salesforce.cdc.RestRecordReReader;
import dev.tandem.salesforce.cdc.SalesforceCdcSource;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.salesforce.enrich.PricebookEntryEnricher;
import dev.tandem.salesforce.enrich.PricebookEntryResolver;
import dev.tandem.salesforce.enrich.PersonAccountEnricher;
import dev.tandem.salesforce.enrich.RecordTypeEnricher;
import dev.tandem.salesforce.duplicates.DuplicateMatchEnricher;
import dev.tandem.salesforce.duplicates.DuplicateMerger;
import dev.tandem.salesforce.duplicates.DuplicateScanner;
import dev.tandem.salesforce.write.BatchingSalesforceWriter;
import dev.tandem.salesforce.write.SalesforceRecordWriter;
import dev.tandem.server.flows.FlowReloader;
import dev.tandem.server.flows.FlowRepository;
import dev.tandem.salesforce.write.BatchingSettings;
import dev.tandem.server.api.AdminApi;
import dev.tandem.server.api.ApiRoutes;
import dev.tandem.server.api.Role;
import dev.tandem.server.api.TokenEndpoints;
import dev.tandem.server.config.TandemConfig;
import dev.tandem.core.logging.RateLimitedLog;
import dev.tandem.server.http.HttpLimits;
import dev.tandem.server.http.HttpListener;
import dev.tandem.server.http.Problem;
import dev.tandem.server.http.Readiness;
import dev.tandem.server.http.WebhookHandler;
import dev.tandem.store.jdbc.JdbcStores;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The composition root: opens the store, builds the connectors and flows, starts the flow runtime and the HTTP
 * listener (webhooks, health, metrics, status). Everything is wired here, explicitly, and nowhere else.
 */
public final class TandemServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TandemServer.class);

    private final TandemConfig config;
    private final JdbcStores stores;
    private final PrometheusMeterRegistry registry;
    private final ProcessingMetrics metrics;
    private final SalesforceRestClient salesforce;
    private final BatchingSalesforceWriter writer;
    private final FlowRuntime runtime;
    /** The connectors' parts the flows use (reader, writer, enrichers, echo policy per system). */
    private final Map<String, ConnectorParts> connectors;
    /** Salesforce's and Clarity's availability, as their clients see it; checked at start, probed while down. */
    private final List<Availability> availabilities;
    /** Every change source: the Clarity poller and webhook as {@code clarity.ingest} says, CDC when enabled. */
    private final ChangeSources sources;
    private final Javalin http;
    private final FlowReloader reloader;
    private final dev.tandem.server.api.FlowFileApi flowFileApi;
    private final dev.tandem.server.api.LookupTableApi lookupTableApi;
    private final SalesforceCdcSource cdc;
    private volatile List<FlowProblem> flowProblems;
    /** Enabled flows fed by Salesforce change events that salesforce.cdc does not subscribe to (at start). */
    private Map<String, String> unfedFlows = Map.of();
    private final HttpClient httpClient;
    /** Dead letters, retries, flows and the timeline for operators (admin API), and the dead-letter auto-retry. */
    private final Operations operations;
    /** The event log as the change sources append to it: counted, and when each system's events last arrived. */
    private final CountingEventLog ingestLog;
    /** Alert rules evaluated from the server's state (absent without {@code alerts.rules}). */
    private final java.util.Optional<dev.tandem.server.alerts.AlertEngine> alerts;
    private final dev.tandem.core.ops.Retention.Purge purge;
    /** What {@code /health/ready} checks; other parts add theirs with {@link #readiness()}. */
    private final Readiness readiness;
    private final QueueDepthMetrics queueDepths;
    private final JvmGcMetrics gcMetrics;
    private final Instant startedAt;

    /** How stale the queue-depth gauges may be: each reading is a few queries on the store. */
    private static final Duration QUEUE_METRICS_MAX_AGE = Duration.ofSeconds(5);
    /** The admin API ({@code /api/v1}): tokens, roles, audit, rate limits; every endpoint registers through it. */
    private final AdminApi api;
    private final dev.tandem.server.reconcile.ReconcileService reconciliation;
    /** {@code GET /demo}, and the demo-only routes that {@code tandem demo} switches on. */
    private final dev.tandem.server.api.DemoMode demoMode;

    private TandemServer(TandemConfig config) {
        this.config = config;
        Clock clock = Clock.systemUTC();
        this.startedAt = clock.instant();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        this.gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        this.metrics = new ProcessingMetrics(registry);
        this.stores = JdbcStores.openSqlite(config.store().path());
        this.api = new AdminApi(stores.apiTokens(), config.api(), clock);
        BatchingSalesforceWriter createdWriter = null;
        try {
            this.httpClient = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            TandemConfig.Salesforce sf = config.salesforce();
            SalesforceConfig sfConfig = new SalesforceConfig(sf.tokenUrl(), sf.clientId(), sf.clientSecret(),
                    sf.apiVersion(), sf.callOptionsClient(), sf.requestTimeout()).withAuth(sf.auth());
            AccessTokenProvider tokens = AccessTokenProviders.forConfig(sfConfig, httpClient);
            this.salesforce = new SalesforceRestClient(sfConfig, tokens, httpClient, registry);
            TandemConfig.Clarity cl = config.clarity();
            ClarityConfig clarityConfig = new ClarityConfig(cl.baseUrl(), cl.username(), cl.password(), cl.requestTimeout());
            ClarityRestClient clarity = new ClarityRestClient(clarityConfig, new ClaritySession(clarityConfig, httpClient),
                    httpClient);

            this.writer = createdWriter = new BatchingSalesforceWriter(salesforce, salesforce,
                    new BatchingSettings(sf.writerWindow(), sf.writerMaxRecords(), false), registry);
            StateStore store = stores.stateStore();
            // Salesforce → Tandem: Change Data Capture over the Pub/Sub API (salesforce.cdc.*; issue 8). Its echo
            // policy fingerprints what the flows write, so Tandem's own changes coming back are dropped.
            this.cdc = new SalesforceCdcSource(config.cdc(), sfConfig, tokens, new RestRecordReReader(salesforce),
                    store, store, stores.leases(), stores.writeFingerprints(), registry, clock);
            SalesforceCdcSource cdcSource = this.cdc;
            Map<String, ConnectorParts> connectors = this.connectors = Map.of(
                    // Clarity is a target too: flows can write Contacts, Accounts and Users (issue 10's way back).
                    "clarity", new ConnectorParts("clarity", Optional.of(clarity),
                            Optional.of(new dev.tandem.clarity.write.ClarityRecordWriter(clarity)), Map.of(),
                            Optional::empty, "clarity:"),
                    // Salesforce is a source too (change events → fetch the current record): issue 10's way back.
                    "salesforce", new ConnectorParts("salesforce",
                            Optional.of(new dev.tandem.salesforce.read.SalesforceRecordReader(salesforce)),
                            Optional.of(new SalesforceRecordWriter(writer, salesforce)),
                            Map.of(PricebookEntryEnricher.NAME, new PricebookEntryEnricher(
                                    new PricebookEntryResolver(salesforce, writer)),
                                    RecordTypeEnricher.NAME, new RecordTypeEnricher(salesforce),
                                    PersonAccountEnricher.NAME, new PersonAccountEnricher(salesforce,
                                            salesforce::describe),
                                    // Duplicates on the way in (issue 10, item 5): link or flag, never create twice.
                                    DuplicateMatchEnricher.NAME, new DuplicateMatchEnricher(salesforce, store,
                                            config.salesforce().match(), salesforce::describe)),
                            cdcSource::echoPolicy));
            FlowCatalog catalog = new FlowCatalog(Set.of("clarity", "salesforce"), Set.of("salesforce", "clarity"),
                    Set.of(PricebookEntryEnricher.NAME, RecordTypeEnricher.NAME, PersonAccountEnricher.NAME,
                            DuplicateMatchEnricher.NAME));
            FlowRepository repository = new FlowRepository(catalog, config.flows().dir(), config.flows().enabled());
            FlowRepository.Loaded loaded = repository.load();
            if (!loaded.problems().isEmpty() && config.flows().dir() == null) {
                throw new IllegalStateException("a shipped flow does not load: " + loaded.problems());
            }
            loaded.problems().forEach(p -> log.error("Flow file refused: {}", p));
            this.flowProblems = loaded.problems();
            // A configuration fault, said as one: a flow switched on whose change events nobody subscribes to.
            this.unfedFlows = dev.tandem.server.flows.CdcFeeds.unfed(loaded.flows().values(), config.cdc());
            unfedFlows.forEach((flow, why) -> log.warn("Flow {} is enabled but gets no events: {}", flow, why));
            TandemConfig.Retry r = config.retry();
            TandemConfig.Runtime rt = config.runtime();
            this.runtime = new FlowRuntime(stores.eventLog(), store, pipelines(loaded.flows(), connectors, store, clock,
                    config.retention().redactor()), r.policies(), rt.settings(), metrics, clock);
            // An outage, a used-up request limit or refused credentials pause the flows that use the system.
            runtime.watch(salesforce.availability());
            runtime.watch(clarity.availability());
            this.availabilities = List.of(salesforce.availability(), clarity.availability());
            this.operations = new Operations(stores.eventLog(), store, runtime, Duration.ofSeconds(2), clock,
                    salesforce::apiCallCount, metrics::syncedCount, connectors);
            this.purge = new dev.tandem.core.ops.Retention.Purge(config.retention(), store, clock);
            // Every version that loads is kept with its definition (the designer's history and diff, issue 12).
            dev.tandem.server.flows.FlowVersions flowVersions = new dev.tandem.server.flows.FlowVersions(
                    store instanceof dev.tandem.core.flow.FlowVersionStore v ? v
                            : dev.tandem.core.flow.FlowVersionStore.memory(), clock);
            flowVersions.record(loaded.flows().values());
            this.reloader = config.flows().dir() == null || !java.nio.file.Files.isDirectory(config.flows().dir()) ? null
                    : new FlowReloader(repository, loaded, flows -> {
                        flowVersions.record(flows.values());
                        runtime.replaceFlows(pipelines(flows, connectors, store, clock, config.retention().redactor()));
                    });
            FlowReloader flowReloader = reloader;
            this.flowFileApi = new dev.tandem.server.api.FlowFileApi(repository,
                    () -> flowReloader == null ? loaded.flows() : flowReloader.flows(), flowVersions,
                    flowReloader == null ? null : flowReloader::reload);
            this.lookupTableApi = new dev.tandem.server.api.LookupTableApi(
                    () -> flowReloader == null ? loaded.flows() : flowReloader.flows(), catalog,
                    flowReloader == null ? null : config.flows().dir(), flowReloader == null ? () -> { } : flowReloader::reload);

            List<ChangeSource> changeSources = new ArrayList<>();
            if (cl.ingest().polls()) {
                changeSources.add(new ClarityDeltaPoller(clarity, store, clock, cl.poll()));
            }
            if (cl.ingest().webhooks()) {
                changeSources.add(new ClarityWebhookSource(CidrAllowlist.parse(cl.webhookAllowedCidrs()),
                        new WebhookSignatureVerifier(cl.webhookSecrets(), cl.webhookTolerance(), clock),
                        new ClarityWebhookParser()));
            }
            if (config.cdc().enabled()) {
                changeSources.add(cdc);
            }
            this.sources = new ChangeSources(changeSources);
            this.ingestLog = new CountingEventLog(stores.eventLog(), metrics);
            operations.metricsApi().reportIngest(stores.eventLog(), sources::health, ingestLog::lastArrival)
                    .reportApiUsage(salesforce::apiUsage);
            ServerAlertSignals signals = new ServerAlertSignals(store, stores.eventLog(), runtime, salesforce, sources,
                    this::configurationFaults, ingestLog::lastArrival, clock);
            // Reconciliation (issue 11 item 5): on demand through the admin API and, with reconcile.every, scheduled;
            // its repairs go into this server's log and wake the runtime.
            this.reconciliation = new dev.tandem.server.reconcile.ReconcileService(config, stores.eventLog(), store,
                    runtime::wake, clock);
            signals.reconcileDriftFrom(() -> reconciliation.last().stream().map(l -> new
                    dev.tandem.server.alerts.AlertSignals.Drift(l.object(), l.error() == null ? l.drift() : -1, l.at(),
                    config.reconcile().alertThreshold())).toList());
            this.alerts = dev.tandem.server.alerts.AlertEngine.forServer(config.alerts(), signals);
            List<WebhookSource> webhooks = sources.webhooks();
            this.readiness = new Readiness();
            registerReadinessChecks();
            this.queueDepths = new QueueDepthMetrics(registry, store, stores.eventLog(),
                    () -> runtime.flows().stream().map(Flow::name).toList(), clock, QUEUE_METRICS_MAX_AGE);
            RateLimitedLog rejections = RateLimitedLog.warn(LoggerFactory.getLogger(WebhookHandler.class),
                    Duration.ofMinutes(1), clock);
            HttpLimits limits = config.server().limits();
            this.http = Javalin.create(cfg -> {
                cfg.concurrency.useVirtualThreads = true;
                cfg.startup.showJavalinBanner = false;
                api.install(cfg);
                // Each webhook handler enforces its source's limit with a problem 413; this only bounds other routes.
                cfg.http.maxRequestSize = webhooks.stream().mapToInt(WebhookSource::maxBodyBytes)
                        .max().orElse(ClarityWebhookParser.MAX_BODY_BYTES) + 1L;
                // The web console (tandem-console's files) at / with its own routes answered by index.html.
                dev.tandem.server.console.ConsoleAssets console = new dev.tandem.server.console.ConsoleAssets();
                console.install(cfg);
                HttpListener.harden(cfg, limits, registry, clock, console::fallback);
                webhooks.forEach(w -> cfg.routes.post(w.path(), new WebhookHandler(w, registry, rejections)));
                if (webhooks.stream().noneMatch(w -> w.path().equals(ClarityWebhookSource.PATH))) {
                    cfg.routes.post(ClarityWebhookSource.PATH, ctx -> Problem.of(404, "webhooks_disabled",
                            "Webhooks Disabled", "this Tandem ingests Clarity changes by polling (clarity.ingest: poll)")
                            .withInstance(ctx.path()).send(ctx));
                }
                // Liveness: the process can do its work at all (restart it when not); readiness: every part it
                // needs is there (send it traffic when so). /health stays the readiness view for old probes.
                cfg.routes.get("/health/live", ctx -> {
                    boolean alive = runtime.alive();
                    ctx.status(alive ? 200 : 503).json(Map.of("status", alive ? "UP" : "DOWN",
                            "runtime", alive ? "UP" : "DOWN: the flow runtime stopped; see the log"));
                });
                cfg.routes.get("/health/ready", this::ready);
                cfg.routes.get("/health", this::ready);
                Handler scrape = ctx -> {
                    queueDepths.refresh();
                    ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
                };
                cfg.routes.get("/metrics", config.api().protectMetrics() ? api.guarded(Role.VIEWER, scrape) : scrape);
                // Deprecated alias of GET /api/v1/status, kept open for existing scripts (RFC 9745 Deprecation).
                cfg.routes.get("/api/status", ctx -> ctx.header("Deprecation", "true")
                        .header("Link", "</api/v1/status>; rel=\"successor-version\"").json(status()));
            });
            api.get("/status", Role.VIEWER, ctx -> ctx.json(status()));
            TokenEndpoints.register(api, clock);
            flowFileApi.register(api); // before operations: its /flows/schema before FlowApi's /flows/{id}
            lookupTableApi.register(api); // the mapping canvas's lookup tables (issue 12 item 5)
            operations.register(api);
            this.demoMode = new dev.tandem.server.api.DemoMode(stores.eventLog(), store, runtime);
            demoMode.register(api);
            // Duplicates (issue 10, item 5): the scan of both systems and the admin-style Salesforce merge.
            new dev.tandem.server.api.DuplicatesApi(new DuplicateScanner(salesforce, config.salesforce().match()),
                    new DuplicateMerger(salesforce), clarity, store, stores.eventLog(), clock).register(api);
            new dev.tandem.server.api.ReconcileApi(reconciliation).register(api);
            // The console's mapping canvas (issue 12 item 5): preview, suggestions, decisions, save into flows.dir.
            FlowReloader mappingReloader = reloader;
            new dev.tandem.server.api.MappingApi(new dev.tandem.server.api.MappingApi.Parts(
                    mappingReloader != null ? mappingReloader::flows : loaded::flows, catalog,
                    mappingReloader != null ? config.flows().dir() : null,
                    mappingReloader != null ? mappingReloader::reload : () -> { }, salesforce::describe,
                    clarity::fetchByKey, (dev.tandem.core.mapping.MappingDecisionStore) store, clock)).register(api);
            alerts.ifPresent(e -> dev.tandem.server.api.AlertApi.loadStoredRules(e, store));
            new dev.tandem.server.api.AlertApi(alerts, dev.tandem.server.logging.LogLevels.ofLogback(), store, clock)
                    .register(api);
        } catch (RuntimeException e) {
            if (createdWriter != null) {
                createdWriter.close();
            }
            stores.close();
            throw e;
        }
    }

    /**
     * The server's own readiness checks: the store answers, the flow runtime runs, and each change source as it
     * reports itself under its name in camel case (salesforce.cdc → salesforceCdc): its parts when it has some (CDC:
     * each topic's subscription), else its state. Only a source that failed to start makes Tandem DOWN; one that
     * is reconnecting or whose last poll failed keeps trying and stays UP with its state as the detail.
     */
    private void registerReadinessChecks() {
        readiness.register("store", () -> {
            try {
                stores.stateStore().ping();
                return Readiness.Check.up();
            } catch (RuntimeException e) {
                return Readiness.Check.down(String.valueOf(e.getMessage()));
            }
        });
        readiness.register("runtime", () -> runtime.alive() ? Readiness.Check.up()
                : Readiness.Check.down("the flow runtime stopped; see the log"));
        // Refused credentials are a configuration fault: not ready until fixed (the flows wait, nothing is dead-lettered).
        readiness.register("credentials", () -> {
            Map<String, String> faults = configurationFaults();
            return faults.isEmpty() ? Readiness.Check.up() : Readiness.Check.down("credentials refused: " + faults);
        });
        // An outage or a used-up limit pauses the flows that need the system; Tandem itself stays ready and resumes
        // by itself, so these two only inform.
        readiness.register("systems", () -> {
            Map<String, String> systems = new LinkedHashMap<>();
            runtime.availability().forEach((name, state) -> systems.put(name,
                    state instanceof AvailabilityState.Unavailable u ? "UNAVAILABLE: " + u.summary()
                            + " (since " + u.since() + ")" : "AVAILABLE"));
            return Readiness.Check.up(systems);
        });
        readiness.register("pausedFlows", () -> Readiness.Check.up(runtime.pausedFlows()));
        // Informs, like pausedFlows: the flow does nothing until salesforce.cdc subscribes its object.
        readiness.register("unsubscribedFlows", () -> Readiness.Check.up(unfedFlows));
        for (ChangeSource source : sources.all()) {
            readiness.register(healthKey(source.name()), () -> {
                dev.tandem.core.connector.SourceHealth h = sources.health().get(source.name());
                return new Readiness.Check(h.state() != dev.tandem.core.connector.SourceHealth.State.FAILED
                        ? Readiness.Status.UP : Readiness.Status.DOWN,
                        h.details().isEmpty() ? h.summary() : h.details());
            });
        }
    }

    private void ready(Context ctx) {
        Readiness.Report report = readiness.check();
        ctx.status(report.up() ? 200 : 503).json(report.body());
    }

    /** Where other parts register their readiness checks (credentials, logins, circuit breakers). */
    public Readiness readiness() {
        return readiness;
    }

    /** {@code salesforce.cdc} → {@code salesforceCdc}. */
    static String healthKey(String sourceName) {
        String[] parts = sourceName.split("[.\\-_]");
        StringBuilder key = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].isEmpty()) {
                key.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
            }
        }
        return key.toString();
    }

    private static List<Flow> pipelines(Map<String, FlowSpec> specs, Map<String, ConnectorParts> connectors,
                                        StateStore store, Clock clock, dev.tandem.core.state.Redactor redactor) {
        return specs.values().stream().<Flow>map(spec -> new FlowPipeline(spec, connectors, store, clock)
                .redacting(redactor)).toList();
    }

    /** The problems of flow files that were refused (at start or by the last reload). */
    public List<FlowProblem> flowProblems() {
        return reloader == null ? flowProblems : reloader.problems();
    }

    /** Opens the store, starts processing, then opens the HTTP listener. */
    public static TandemServer start(TandemConfig config) {
        TandemServer server = new TandemServer(config);
        try {
            server.checkSystems();
            server.runtime.start();
            server.operations.start();
            server.alerts.ifPresent(dev.tandem.server.alerts.AlertEngine::start);
            server.reconciliation.start();
            server.purge.start();
            // Every source appends through one ingest: durable, de-duplicated, counted, and waking the runtime.
            // Sources start before the listener, so the first webhook finds its source running.
            server.sources.start(Ingest.into(server.ingestLog,
                    server.runtime::wake));
            server.http.start(config.server().host(), config.server().port());
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        log.info("Tandem listening on {} (store {}, event log {})", server.baseUrl(), config.store().path(),
                JdbcStores.eventLogFile(config.store().path()));
        return server;
    }

    public int port() {
        return http.port();
    }

    public URI baseUrl() {
        return URI.create("http://" + config.server().host() + ":" + port());
    }

    public URI webhookUrl() {
        return baseUrl().resolve(ClarityWebhookSource.PATH);
    }

    public EventLog eventLog() {
        return stores.eventLog();
    }

    public StateStore stateStore() {
        return stores.stateStore();
    }

    /** The connectors' parts by system, as the flows use them. */
    public Map<String, ConnectorParts> connectors() {
        return connectors;
    }

    /** Reconciliation in this server: on demand and on {@code reconcile.every}. */
    public dev.tandem.server.reconcile.ReconcileService reconciliation() {
        return reconciliation;
    }

    public FlowRuntime runtime() {
        return runtime;
    }

    /** What operators do with dead letters and retries, also without HTTP (tests, the CLI on the box). */
    public dev.tandem.core.ops.DeadLetterService deadLetters() {
        return operations.deadLetters();
    }

    /** Where the parts of the admin API register their endpoints (under {@code /api/v1}, token-checked). */
    public ApiRoutes api() {
        return api;
    }

    /** The guided demo's admin API: off unless {@code tandem demo} enables it with its sandboxes. */
    public dev.tandem.server.api.DemoMode demoMode() {
        return demoMode;
    }

    /** The admin API itself: its registrations (for the OpenAPI drift test) and its tokens. */
    public AdminApi adminApi() {
        return api;
    }

    public ProcessingMetrics metrics() {
        return metrics;
    }

    /** The flows paused now because Salesforce or Clarity is unavailable, with the cause and since when. */
    public List<PausedFlow> pausedFlows() {
        return runtime.pausedFlows();
    }

    /**
     * The systems that refuse Tandem's credentials now ({@code invalid_client}, {@code invalid_grant}, a refused
     * Clarity login), by name, with what they said: a readiness check is DOWN while this is not empty. They are
     * probed like an outage, so fixed credentials clear it without a restart.
     */
    public Map<String, String> configurationFaults() {
        Map<String, String> faults = new LinkedHashMap<>();
        for (Availability a : availabilities) {
            if (a.state() instanceof AvailabilityState.Unavailable u
                    && u.cause() == AvailabilityState.Cause.CONFIGURATION) {
                faults.put(a.system(), u.detail());
            }
        }
        return faults;
    }

    /**
     * The start-up check: one probe of each system (Salesforce: a token and {@code GET /limits}; Clarity: a login and
     * one GET). A refused credential or an unreachable system pauses its flows from the start instead of
     * dead-lettering their first records; the runtime probes it until it is fixed or back.
     */
    private void checkSystems() {
        for (Availability a : availabilities) {
            if (a.probe() instanceof AvailabilityState.Unavailable u) {
                log.warn("Start-up check: {} is unavailable ({}); its flows stay paused until it is available",
                        a.system(), u.summary());
            }
        }
    }

    public StatusSnapshot status() {
        EventLog eventLog = stores.eventLog();
        StateStore store = stores.stateStore();
        List<StatusSnapshot.FlowStatus> flows = runtime.flows().stream().map(f -> new StatusSnapshot.FlowStatus(
                f.name(), f.version(), f.enabled(), eventLog.committedOffset(FlowRuntime.consumer(f.name())))).toList();
        return new StatusSnapshot(startedAt, eventLog.endOffset(), runtime.committedOffset(),
                metrics.syncedCount(), metrics.skippedCount(), store.pendingRetryCount(), store.deadLetterCount(),
                salesforce.apiCallCount(), flows, flowProblems().stream().map(FlowProblem::toString).toList(),
                cdc.status().values().stream().mapToLong(SalesforceCdcSource.TopicStatus::delivered).sum(),
                Math.round(registry.find("tandem.salesforce.cdc.echoes.dropped").counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count).sum()));
    }

    /** Stops accepting webhooks and polling first (nothing is acknowledged that is not processed later), then processing, then the store. */
    @Override
    public void close() {
        try {
            reconciliation.close();
            alerts.ifPresent(dev.tandem.server.alerts.AlertEngine::close);
            operations.close();
            purge.close();
            sources.close();
            if (reloader != null) {
                reloader.close();
            }
            cdc.close();
            http.stop();
            gcMetrics.close();
        } finally {
            try {
                runtime.close();
            } finally {
                try {
                    writer.close();
                } finally {
                    httpClient.close();
                    stores.close();
                }
            }
        }
    }
}
