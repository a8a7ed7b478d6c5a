package dev.tandem.server.config;

import dev.tandem.clarity.ClarityConfig;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.clarity.webhook.WebhookSettings;
import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;
import dev.tandem.core.ops.Retention;
import dev.tandem.core.retry.RetryPolicy;
import dev.tandem.core.runtime.RuntimeSettings;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.AuthConfig;
import dev.tandem.salesforce.cdc.CdcSettings;
import dev.tandem.salesforce.duplicates.MatchRules;
import dev.tandem.salesforce.write.BatchingSettings;
import dev.tandem.server.http.HttpLimits;
import dev.tandem.server.logging.LogFormat;
import dev.tandem.server.alerts.AlertsSettings;
import dev.tandem.server.api.ApiSettings;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code tandem server} needs, read from {@code tandem.yaml} by {@link ConfigLoader}. {@link #SPEC}
 * declares every key: the server's own here, each connector's in its module (docs/configuration.md is generated
 * from it by {@code tandem config docs}).
 */
public record TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime,
                           Retry retry, Flows flows, CdcSettings cdc, Logging logging, Retention retention,
                           AlertsSettings alerts, ApiSettings api, Reconcile reconcile) {

    /** Every key of tandem.yaml, section by section, in the order of the docs. */
    public static final ConfigSpec SPEC = new ConfigSpec()
            .section("server", Server.SPEC)
            .section("store", Store.SPEC)
            .section("clarity", Clarity.SPEC)
            .section("salesforce", Salesforce.SPEC)
            .section("runtime", RuntimeSettings.SPEC)
            .section("retry", RetryPolicy.SPEC)
            .section("flows", Flows.SPEC)
            .section("logging", Logging.SPEC)
            .section("retention", Retention.SPEC)
            .section("alerts", AlertsSettings.SPEC)
            .section("api", ApiSettings.SPEC)
            .section("reconcile", Reconcile.SPEC);

    /** Without scheduled reconciliation. */
    public TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime,
                        Retry retry, Flows flows, CdcSettings cdc, Logging logging, Retention retention,
                        AlertsSettings alerts, ApiSettings api) {
        this(server, store, clarity, salesforce, runtime, retry, flows, cdc, logging, retention, alerts, api,
                Reconcile.off());
    }

    public TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime, Retry retry) {
        this(server, store, clarity, salesforce, runtime, retry, Flows.shipped(), CdcSettings.defaults());
    }

    /** No alerting. */
    public TandemConfig(Server server, Store store, Clarity clarity, Salesforce salesforce, Runtime runtime, Retry retry,
                        Flows flows, CdcSettings cdc) {
        this(server, store, clarity, salesforce, runtime, retry, flows, cdc, Logging.fromEnvironment(), Retention.defaults(),
                AlertsSettings.none(), ApiSettings.defaults());
    }

    /** The configuration of a whole file parsed with {@link #SPEC}. */
    public static TandemConfig from(Config c) {
        Config salesforce = c.section("salesforce");
        RuntimeSettings runtime = RuntimeSettings.from(c.section("runtime"));
        dev.tandem.core.retry.RetryPolicies retries = dev.tandem.core.retry.RetryPolicies.from(c.section("retry"));
        RetryPolicy retry = retries.defaults();
        return new TandemConfig(Server.from(c.section("server")), Store.from(c.section("store")),
                Clarity.from(c.section("clarity")), Salesforce.from(salesforce),
                new Runtime(runtime.batchSize(), runtime.linger(), runtime.pollInterval(), runtime.parallelism(),
                        runtime.probeInterval(), runtime.maxProbeInterval(), runtime.mappingTimeout()),
                new Retry(retry.initialDelay(), retry.multiplier(), retry.maxDelay(), retry.maxAttempts(), retry.jitter(),
                        retries.byClass()),
                Flows.from(c.section("flows")), CdcSettings.from(salesforce.section("cdc")),
                Logging.from(c.section("logging")), Retention.from(c.section("retention")),
                AlertsSettings.from(c.section("alerts")), ApiSettings.from(c.section("api")),
                Reconcile.from(c.section("reconcile")));
    }

    public TandemConfig withRetention(Retention value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, flows, cdc, logging, value, alerts, api, reconcile);
    }

    public TandemConfig withFlows(Flows value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, value, cdc, logging, retention, alerts, api, reconcile);
    }

    /** Salesforce Change Data Capture over the Pub/Sub API ({@code salesforce.cdc.*}). */
    public TandemConfig withCdc(CdcSettings value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, flows, value, logging, retention, alerts, api, reconcile);
    }

    /** The alert rules and channels ({@code alerts.*}). */
    public TandemConfig withAlerts(AlertsSettings value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, flows, cdc, logging, retention, value, api, reconcile);
    }

    /** The admin API's CORS, rate limits and metrics protection ({@code api.*}). */
    public TandemConfig withApi(ApiSettings value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, flows, cdc, logging, retention, alerts, value, reconcile);
    }

    /** Scheduled reconciliation ({@code reconcile.*}). */
    public TandemConfig withReconcile(Reconcile value) {
        return new TandemConfig(server, store, clarity, salesforce, runtime, retry, flows, cdc, logging, retention,
                alerts, api, value);
    }

    /**
     * Scheduled reconciliation ({@code reconcile.*}, issue 11 item 5): {@code tandem server} compares the objects
     * with Salesforce every {@code every}, as {@code tandem reconcile} does, and the alert condition
     * {@code reconcileDrift} fires when an object's drift exceeds {@code alertThreshold}.
     *
     * @param every          how often; null: never (the default)
     * @param objects        which objects, in this order
     * @param repair         whether each run also enqueues its repairs
     * @param alertThreshold drifted or missing records per object above which {@code reconcileDrift} fires
     */
    public record Reconcile(java.time.Duration every, List<dev.tandem.server.reconcile.ReconcileObject> objects,
                            boolean repair, long alertThreshold) {

        /** The keys of {@code reconcile}. */
        public static final ConfigSpec SPEC = new ConfigSpec();
        private static final ConfigSpec.Key<java.time.Duration> EVERY = SPEC.optional("every", Type.DURATION,
                "never", Validator.of("at least 1m", d -> d.compareTo(java.time.Duration.ofMinutes(1)) >= 0,
                        "must be at least 1m (each run reads both systems whole)"),
                "how often `tandem server` reconciles `objects` with Salesforce, e.g. `6h` (the first run one interval "
                        + "after the start); see `tandem reconcile` in [cli.md](cli.md)");
        private static final ConfigSpec.Key<List<String>> OBJECTS = SPEC.define("objects", Type.listOf(Type.STRING),
                List.of("products", "inventory"), Validator.of("customers, products, inventory or orders",
                        l -> !l.isEmpty() && l.stream().allMatch(o -> {
                            try {
                                dev.tandem.server.reconcile.ReconcileObject.parse(o);
                                return true;
                            } catch (IllegalArgumentException e) {
                                return false;
                            }
                        }), "must list one or more of customers, products, inventory, orders"),
                "the objects each scheduled run compares");
        private static final ConfigSpec.Key<Boolean> REPAIR = SPEC.define("repair", Type.BOOLEAN, false,
                "whether a scheduled run also enqueues sync events for what drifted (as `tandem reconcile --repair`)");
        private static final ConfigSpec.Key<Integer> ALERT_THRESHOLD = SPEC.define("alertThreshold", Type.INT, 0,
                Validator.between(0, Integer.MAX_VALUE),
                "drifted or missing records of one object above which the alert condition `reconcileDrift` fires "
                        + "(a rule `{condition: reconcileDrift}` without a threshold of its own takes this one)");

        public Reconcile {
            objects = List.copyOf(objects);
            if (alertThreshold < 0) {
                throw new IllegalArgumentException("alertThreshold must be zero or more");
            }
        }

        /** No scheduled reconciliation. */
        public static Reconcile off() {
            return new Reconcile(null, List.of(dev.tandem.server.reconcile.ReconcileObject.PRODUCTS,
                    dev.tandem.server.reconcile.ReconcileObject.INVENTORY), false, 0);
        }

        static Reconcile from(Config c) {
            return new Reconcile(c.get(EVERY), dev.tandem.server.reconcile.ReconcileObject.parseAll(c.get(OBJECTS)),
                    c.get(REPAIR), c.get(ALERT_THRESHOLD));
        }
    }

    /**
     * @param dir     a folder of flow files that add to or override the shipped ones (hot-reloaded); null for none
     * @param enabled per flow id, switches a flow on or off over its file's {@code enabled}
     */
    public record Flows(Path dir, Map<String, Boolean> enabled) {

        /** The keys of {@code flows}. */
        public static final ConfigSpec SPEC = new ConfigSpec();
        private static final ConfigSpec.Key<Path> DIR = SPEC.optional("dir", Type.PATH, "none",
                Validator.of("to an existing folder", Files::isDirectory, "must be an existing folder"),
                "flow files (`*.yaml`) that add to or override the shipped flows by id; watched and hot-reloaded "
                        + "([flows.md](flows.md))");
        private static final ConfigSpec.Key<Map<String, Boolean>> ENABLED = SPEC.define("enabled",
                Type.mapOf("flow id", Type.BOOLEAN), Map.of(),
                "switches flows on or off over their files' `enabled` (a paused flow keeps its offset)");

        public Flows {
            enabled = Map.copyOf(enabled);
        }

        public static Flows shipped() {
            return new Flows(null, Map.of());
        }

        static Flows from(Config c) {
            return new Flows(c.get(DIR), c.get(ENABLED));
        }
    }

    /**
     * How Tandem logs ({@code logging.*}).
     *
     * @param format text or JSON lines on stderr ({@link LogFormat})
     */
    public record Logging(LogFormat format) {

        /** The keys of {@code logging}. */
        public static final ConfigSpec SPEC = new ConfigSpec();
        private static final ConfigSpec.Key<LogFormat> FORMAT = SPEC.optional("format", Type.oneOf(LogFormat.class),
                "`TANDEM_LOG_FORMAT`, else `text`",
                "`text` (a line per event, ISO-8601 time with offset) or `json` (an object per line with an ISO-8601 "
                        + "`time`, for log stores)");

        /** {@code TANDEM_LOG_FORMAT}'s format, else text. */
        public static Logging fromEnvironment() {
            return new Logging(LogFormat.choose(null, System::getenv));
        }

        static Logging from(Config c) {
            return new Logging(LogFormat.choose(c.get(FORMAT), System::getenv));
        }
    }

    /**
     * HTTP listener for webhooks, health and metrics.
     *
     * @param limits what the listener accepts from a client (header size, timeouts, body data rate)
     */
    public record Server(String host, int port, HttpLimits limits) {

        public Server(String host, int port) {
            this(host, port, HttpLimits.defaults());
        }

        /** The keys of {@code server}. */
        public static final ConfigSpec SPEC = new ConfigSpec();
        private static final ConfigSpec.Key<String> HOST = SPEC.define("host", Type.STRING, "127.0.0.1",
                "interface the HTTP listener binds (use `0.0.0.0` behind a proxy)");
        private static final ConfigSpec.Key<Integer> PORT = SPEC.define("port", Type.INT, 8080,
                Validator.between(0, 65535),
                "port of `/webhooks/clarity`, `/health`, `/metrics` and the admin API `/api/v1` (0 = any free port)");

        static {
            SPEC.include(HttpLimits.SPEC);
        }

        static Server from(Config c) {
            return new Server(c.get(HOST), c.get(PORT), HttpLimits.from(c));
        }
    }

    /** The embedded SQLite state store and, in a file beside it, the event log. */
    public record Store(Path path) {

        /** The keys of {@code store}. */
        public static final ConfigSpec SPEC = new ConfigSpec();
        private static final ConfigSpec.Key<Path> PATH = SPEC.define("path", Type.PATH, Path.of("./data/tandem.db"),
                "the SQLite file holding the state; the event log is in a second file beside it, `-events` "
                        + "before the extension (`tandem-events.db`); both are created with their folder");

        static Store from(Config c) {
            return new Store(c.get(PATH));
        }
    }

    /**
     * @param ingest              how Clarity changes arrive: webhooks, delta polling, or both at once
     * @param webhookAllowedCidrs addresses allowed to post webhooks; empty = any
     * @param poll                the delta poller's settings (used when {@code ingest} polls)
     */
    public record Clarity(URI baseUrl, String username, String password, Duration requestTimeout,
                          List<String> webhookSecrets, Duration webhookTolerance, Ingest ingest,
                          List<String> webhookAllowedCidrs, PollSettings poll) {

        /** The keys of {@code clarity}: the connector's connection, webhook and poll keys, and {@code ingest}. */
        public static final ConfigSpec SPEC = new ConfigSpec().include(ClarityConfig.SPEC);
        private static final ConfigSpec.Key<Ingest> INGEST = SPEC.define("ingest", Type.oneOf(Ingest.class),
                Ingest.WEBHOOK, "how Clarity changes reach Tandem: the webhook extension, delta polling (works with "
                        + "every CEF install), or both at once (a change seen twice is written once: flows fetch the "
                        + "current record and skip what is already synced)");

        static {
            SPEC.section("webhook", WebhookSettings.SPEC).section("poll", PollSettings.SPEC);
        }

        public Clarity(URI baseUrl, String username, String password, Duration requestTimeout,
                       List<String> webhookSecrets, Duration webhookTolerance) {
            this(baseUrl, username, password, requestTimeout, webhookSecrets, webhookTolerance, Ingest.WEBHOOK,
                    List.of(), PollSettings.defaults());
        }

        public Clarity withIngest(Ingest value, PollSettings pollSettings) {
            return new Clarity(baseUrl, username, password, requestTimeout, webhookSecrets, webhookTolerance, value,
                    webhookAllowedCidrs, pollSettings);
        }

        static Clarity from(Config c) {
            ClarityConfig connection = ClarityConfig.from(c);
            Ingest ingest = c.get(INGEST);
            WebhookSettings webhook = WebhookSettings.from(c.section("webhook"), ingest.webhooks());
            return new Clarity(connection.baseUrl(), connection.username(), connection.password(),
                    connection.requestTimeout(), webhook.secrets(), webhook.tolerance(), ingest, webhook.allowedCidrs(),
                    PollSettings.from(c.section("poll")));
        }
    }

    /** Ingestion path for Clarity changes (clarity-api.md §11: both are first-class). */
    public enum Ingest {
        WEBHOOK, POLL, BOTH;

        public boolean webhooks() {
            return this != POLL;
        }

        public boolean polls() {
            return this != WEBHOOK;
        }
    }

    /**
     * @param auth             the OAuth flow and its credentials (client credentials over HTTP Basic when not configured)
     * @param writerWindow     how long the batching writer collects writes before sending
     * @param writerMaxRecords records per sObject Collections request (≤ 200)
     */
    public record Salesforce(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                             String callOptionsClient, Duration requestTimeout, AuthConfig auth,
                             Duration writerWindow, int writerMaxRecords, MatchRules match) {

        /** The keys of {@code salesforce}: the connector's connection, writer, CDC and duplicate-match keys. */
        public static final ConfigSpec SPEC = new ConfigSpec().include(SalesforceConfig.SPEC)
                .section("writer", BatchingSettings.SPEC)
                .section("cdc", CdcSettings.SPEC)
                .section("match", MatchRules.SPEC);

        /** The default duplicate-match rules ({@link MatchRules#defaults()}). */
        public Salesforce(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                          String callOptionsClient, Duration requestTimeout, AuthConfig auth,
                          Duration writerWindow, int writerMaxRecords) {
            this(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, requestTimeout, auth, writerWindow,
                    writerMaxRecords, MatchRules.defaults());
        }

        public Salesforce(URI tokenUrl, String clientId, String clientSecret, String apiVersion,
                          String callOptionsClient, Duration requestTimeout) {
            this(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, requestTimeout,
                    AuthConfig.clientCredentials(), BatchingSettings.DEFAULT_WINDOW, BatchingSettings.DEFAULT_MAX_RECORDS);
        }

        static Salesforce from(Config c) {
            SalesforceConfig connection = SalesforceConfig.from(c);
            BatchingSettings writer = BatchingSettings.from(c.section("writer"));
            return new Salesforce(connection.tokenUrl(), connection.clientId(), connection.clientSecret(),
                    connection.apiVersion(), connection.callOptionsClient(), connection.requestTimeout(),
                    connection.auth(), writer.window(), writer.maxRecords(), MatchRules.from(c.section("match")));
        }

        /** These settings with other duplicate-match rules ({@code salesforce.match}). */
        public Salesforce withMatch(MatchRules rules) {
            return new Salesforce(tokenUrl, clientId, clientSecret, apiVersion, callOptionsClient, requestTimeout, auth,
                    writerWindow, writerMaxRecords, rules);
        }
    }

    /** The flow runtime's tuning ({@code runtime.*}, declared by {@link RuntimeSettings#SPEC}). */
    public record Runtime(int batchSize, Duration linger, Duration pollInterval, int parallelism,
                          Duration probeInterval, Duration maxProbeInterval, Duration mappingTimeout) {

        /** The default mapping timeout. */
        public Runtime(int batchSize, Duration linger, Duration pollInterval, int parallelism,
                       Duration probeInterval, Duration maxProbeInterval) {
            this(batchSize, linger, pollInterval, parallelism, probeInterval, maxProbeInterval,
                    RuntimeSettings.DEFAULT_MAPPING_TIMEOUT);
        }

        /** The default parallelism. */
        public Runtime(int batchSize, Duration linger, Duration pollInterval) {
            this(batchSize, linger, pollInterval, RuntimeSettings.DEFAULT_PARALLELISM);
        }

        /** The default probe intervals. */
        public Runtime(int batchSize, Duration linger, Duration pollInterval, int parallelism) {
            this(batchSize, linger, pollInterval, parallelism, RuntimeSettings.DEFAULT_PROBE_INTERVAL,
                    RuntimeSettings.DEFAULT_MAX_PROBE_INTERVAL);
        }

        /** This tuning with other probe intervals (an unavailable system is probed at these). */
        public Runtime withProbeIntervals(Duration first, Duration max) {
            return new Runtime(batchSize, linger, pollInterval, parallelism, first, max, mappingTimeout);
        }

        /** This tuning with another bound on each JSONata evaluation of a flow. */
        public Runtime withMappingTimeout(Duration timeout) {
            return new Runtime(batchSize, linger, pollInterval, parallelism, probeInterval, maxProbeInterval, timeout);
        }

        public RuntimeSettings settings() {
            return new RuntimeSettings(batchSize, linger, pollInterval, parallelism, probeInterval, maxProbeInterval,
                    mappingTimeout);
        }
    }

    /** The retry policy of flows without their own error handler ({@code retry.*}, {@link RetryPolicy#SPEC}). */
    public record Retry(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, double jitter,
                        Map<dev.tandem.core.error.ErrorClass, RetryPolicy> classes) {

        public Retry {
            classes = Map.copyOf(classes);
        }

        /** No policy per error class. */
        public Retry(Duration initialDelay, double multiplier, Duration maxDelay, int maxAttempts, double jitter) {
            this(initialDelay, multiplier, maxDelay, maxAttempts, jitter, Map.of());
        }

        /** The policies: {@code retry.*}, and {@code retry.classes.<class>.*} over it. */
        public dev.tandem.core.retry.RetryPolicies policies() {
            return new dev.tandem.core.retry.RetryPolicies(new RetryPolicy(initialDelay, multiplier, maxDelay,
                    maxAttempts, jitter), classes);
        }
    }
}
