package dev.tandem.salesforce.cdc;

import dev.tandem.core.config.Config;
import dev.tandem.core.config.ConfigSpec;
import dev.tandem.core.config.Type;
import dev.tandem.core.config.Validator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Change Data Capture over the Pub/Sub API ({@code salesforce.cdc.*}, docs/salesforce.md "Change Data Capture");
 * {@link #SPEC} declares the keys.
 *
 * @param enabled           {@code salesforce.cdc.enabled}: subscribe at all (default false)
 * @param objects           {@code salesforce.cdc.objects}: the objects whose changes Tandem reads, e.g. Account,
 *                          Contact, My_Object__c. Each needs CDC enabled in Setup ("Select Objects for Change
 *                          Notifications"); also the objects a gap or expired-replay recovery re-reads
 * @param topics            {@code salesforce.cdc.topics}: Pub/Sub topics, one stream each; empty = one per object
 *                          ({@code /data/AccountChangeEvent}, {@code /data/My_Object__ChangeEvent}); may be
 *                          {@code /data/ChangeEvents} (all selected objects on one stream)
 * @param batchSize         {@code salesforce.cdc.batchSize}: events requested per FetchRequest, 1..100 (the server
 *                          treats more than 100 as 100); re-requested when half are consumed
 * @param endpoint          {@code salesforce.cdc.endpoint}: {@code host:port} of the Pub/Sub API
 * @param plaintext         {@code salesforce.cdc.plaintext}: no TLS (only for a local sandbox; never against
 *                          Salesforce)
 * @param trustStore        {@code salesforce.cdc.trustStore}: a PKCS12/JKS trust store for the endpoint's
 *                          certificate; empty = the JDK's default trust
 * @param trustStorePassword {@code salesforce.cdc.trustStorePassword}
 * @param trustCertificate  {@code salesforce.cdc.trustCertificate}: a PEM certificate file to trust (the sandbox
 *                          writes its self-signed one and prints the path); instead of a trust store
 * @param replayStart       {@code salesforce.cdc.replayStart}: where a new deployment (no stored replay id) starts,
 *                          {@code latest} or {@code earliest} (everything retained, up to 72 h)
 * @param reconnectInitial  {@code salesforce.cdc.reconnectInitial}: first backoff after a dropped stream
 * @param reconnectMax      {@code salesforce.cdc.reconnectMax}: the backoff never grows past this
 * @param leaseTtl          {@code salesforce.cdc.leaseTtl}: how long the single-reader lease lasts unrenewed;
 *                          renewed every third of it
 * @param integrationUser   {@code salesforce.cdc.integrationUser}: the user id Tandem writes as (for echo
 *                          suppression); empty = read from the token's identity URL
 */
public record CdcSettings(boolean enabled, List<String> objects, List<String> topics, int batchSize, String endpoint,
                          boolean plaintext, Optional<Path> trustStore, String trustStorePassword,
                          Optional<Path> trustCertificate, ReplayStart replayStart, Duration reconnectInitial,
                          Duration reconnectMax, Duration leaseTtl, String integrationUser) {

    /** The Pub/Sub API endpoint ("Pub/Sub API Endpoint", https://developer.salesforce.com/docs/platform/pub-sub-api/guide/pub-sub-endpoint.html). */
    public static final String DEFAULT_ENDPOINT = "api.pubsub.salesforce.com:7443";
    /** "If a client requests more than 100 events, the server considers the number of requested events to be 100." */
    public static final int MAX_BATCH_SIZE = 100;
    public static final int DEFAULT_BATCH_SIZE = MAX_BATCH_SIZE;
    public static final Duration DEFAULT_RECONNECT_INITIAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RECONNECT_MAX = Duration.ofMinutes(1);
    public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
    public static final String ALL_CHANGE_EVENTS = "/data/ChangeEvents";

    private static final Pattern API_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern TOPIC = Pattern.compile("/data/[A-Za-z][A-Za-z0-9_]*|/event/[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern ENDPOINT = Pattern.compile("[^:\\s]+:\\d{1,5}");

    private static final Type<String> OBJECT = Type.scalar("object API name", text -> {
        if (!API_NAME.matcher(text).matches()) {
            throw new IllegalArgumentException("is not an object API name, got '" + shortened(text) + "'");
        }
        return text;
    }, s -> s);
    private static final Type<String> TOPIC_NAME = Type.scalar("topic", text -> {
        if (!TOPIC.matcher(text).matches()) {
            throw new IllegalArgumentException("is not /data/<Object>ChangeEvent or /data/ChangeEvents, got '"
                    + shortened(text) + "'");
        }
        return text;
    }, s -> s);

    /** The keys of {@code salesforce.cdc}. */
    public static final ConfigSpec SPEC = new ConfigSpec();
    private static final ConfigSpec.Key<Boolean> ENABLED = SPEC.define("enabled", Type.BOOLEAN, false,
            "subscribe to Change Data Capture at all (needs `objects` or `topics`)");
    private static final ConfigSpec.Key<List<String>> OBJECTS = SPEC.define("objects", Type.listOf(OBJECT), List.of(),
            "the objects whose changes Tandem reads, e.g. `[Account, Contact, My_Object__c]`; each needs CDC enabled "
                    + "in Setup (Change Data Capture, *Selected Entities*); also what a gap or expired-replay recovery "
                    + "re-reads");
    private static final ConfigSpec.Key<List<String>> TOPICS = SPEC.optional("topics", Type.listOf(TOPIC_NAME),
            "one per object", "Pub/Sub topics, one stream each: `/data/AccountChangeEvent`, "
                    + "`/data/My_Object__ChangeEvent`, or `" + ALL_CHANGE_EVENTS + "` (all selected objects on one "
                    + "stream; needs `objects`)");
    private static final ConfigSpec.Key<Integer> BATCH_SIZE = SPEC.define("batchSize", Type.INT, DEFAULT_BATCH_SIZE,
            Validator.between(1, MAX_BATCH_SIZE), "events requested per FetchRequest (the server treats more than 100 "
                    + "as 100); requested again when half have arrived");
    private static final ConfigSpec.Key<String> ENDPOINT_KEY = SPEC.define("endpoint", Type.STRING, DEFAULT_ENDPOINT,
            Validator.matches(ENDPOINT.pattern(), "", "must be host:port"), "`host:port` of the Pub/Sub API");
    private static final ConfigSpec.Key<Boolean> PLAINTEXT = SPEC.define("plaintext", Type.BOOLEAN, false,
            "no TLS: only for a local sandbox, never against Salesforce");
    private static final ConfigSpec.Key<Path> TRUST_STORE = SPEC.optional("trustStore", Type.PATH,
            "the JDK's default trust", "a PKCS12/JKS trust store for the endpoint's certificate");
    private static final ConfigSpec.Key<String> TRUST_STORE_PASSWORD = SPEC.define("trustStorePassword", Type.STRING,
            "", "the trust store's password");
    private static final ConfigSpec.Key<Path> TRUST_CERTIFICATE = SPEC.optional("trustCertificate", Type.PATH, "none",
            "a PEM certificate file to trust instead of a trust store, e.g. the one `tandem sandbox salesforce` "
                    + "writes and prints");
    private static final ConfigSpec.Key<ReplayStart> REPLAY_START = SPEC.define("replayStart",
            Type.oneOf(ReplayStart.class), ReplayStart.LATEST, "where a new deployment (no stored replay id) starts: "
                    + "`latest` (new changes only) or `earliest` (everything retained, up to 72 h)");
    private static final ConfigSpec.Key<Duration> RECONNECT_INITIAL = SPEC.define("reconnectInitial", Type.DURATION,
            DEFAULT_RECONNECT_INITIAL, Validator.positive(), "first backoff after a dropped stream (exponential, "
                    + "with jitter)");
    private static final ConfigSpec.Key<Duration> RECONNECT_MAX = SPEC.define("reconnectMax", Type.DURATION,
            DEFAULT_RECONNECT_MAX, Validator.positive(), "the reconnect backoff never grows past this; at least "
                    + "`reconnectInitial`");
    private static final ConfigSpec.Key<Duration> LEASE_TTL = SPEC.define("leaseTtl", Type.DURATION, DEFAULT_LEASE_TTL,
            Validator.positive(), "single-reader lease: one Tandem process per topic reads; how long the lease lasts "
                    + "unrenewed (renewed every third of it)");
    private static final ConfigSpec.Key<String> INTEGRATION_USER = SPEC.optional("integrationUser", Type.STRING,
            "from the token's identity URL", "the user id Tandem writes as, for echo suppression");

    /** Where a subscription without a stored replay id starts. */
    public enum ReplayStart {
        LATEST, EARLIEST;

        public static ReplayStart parse(String text) {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        }
    }

    public CdcSettings {
        objects = List.copyOf(Objects.requireNonNull(objects, "objects"));
        topics = List.copyOf(Objects.requireNonNull(topics, "topics"));
        for (String object : objects) {
            if (!API_NAME.matcher(object).matches()) {
                throw new IllegalArgumentException("salesforce.cdc.objects: not an object API name: " + object);
            }
        }
        for (String topic : topics) {
            if (!TOPIC.matcher(topic).matches()) {
                throw new IllegalArgumentException(
                        "salesforce.cdc.topics: a topic is /data/<Object>ChangeEvent or /data/ChangeEvents, got: "
                                + topic);
            }
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("salesforce.cdc.batchSize must be between 1 and " + MAX_BATCH_SIZE
                    + ", got: " + batchSize);
        }
        Objects.requireNonNull(endpoint, "endpoint");
        if (!ENDPOINT.matcher(endpoint).matches()) {
            throw new IllegalArgumentException("salesforce.cdc.endpoint must be host:port, got: " + endpoint);
        }
        trustStore = trustStore == null ? Optional.empty() : trustStore;
        trustCertificate = trustCertificate == null ? Optional.empty() : trustCertificate;
        trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
        if (trustStore.isPresent() && trustCertificate.isPresent()) {
            throw new IllegalArgumentException(
                    "salesforce.cdc.trustStore and salesforce.cdc.trustCertificate are alternatives: set one");
        }
        if (plaintext && (trustStore.isPresent() || trustCertificate.isPresent())) {
            throw new IllegalArgumentException("salesforce.cdc.plaintext has no use for a trust store or certificate");
        }
        Objects.requireNonNull(replayStart, "replayStart");
        positive(reconnectInitial, "reconnectInitial");
        positive(reconnectMax, "reconnectMax");
        if (reconnectMax.compareTo(reconnectInitial) < 0) {
            throw new IllegalArgumentException("salesforce.cdc.reconnectMax must not be below reconnectInitial");
        }
        positive(leaseTtl, "leaseTtl");
        integrationUser = integrationUser == null ? "" : integrationUser.strip();
        if (enabled && objects.isEmpty() && topics.isEmpty()) {
            throw new IllegalArgumentException("salesforce.cdc.enabled needs salesforce.cdc.objects (or topics)");
        }
        if (topics.contains(ALL_CHANGE_EVENTS) && objects.isEmpty()) {
            throw new IllegalArgumentException("salesforce.cdc.topics " + ALL_CHANGE_EVENTS
                    + " needs salesforce.cdc.objects: the objects a recovery re-reads");
        }
    }

    /** The settings of a {@code salesforce.cdc} section parsed with {@link #SPEC}. */
    public static CdcSettings from(Config c) {
        return c.build(() -> new CdcSettings(c.get(ENABLED), c.get(OBJECTS), c.optional(TOPICS).orElse(List.of()),
                c.get(BATCH_SIZE), c.get(ENDPOINT_KEY), c.get(PLAINTEXT), c.optional(TRUST_STORE),
                c.get(TRUST_STORE_PASSWORD), c.optional(TRUST_CERTIFICATE), c.get(REPLAY_START),
                c.get(RECONNECT_INITIAL), c.get(RECONNECT_MAX), c.get(LEASE_TTL),
                c.optional(INTEGRATION_USER).orElse("")));
    }

    private static String shortened(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    private static void positive(Duration duration, String key) {
        Objects.requireNonNull(duration, key);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("salesforce.cdc." + key + " must be positive, got: " + duration);
        }
    }

    /** Disabled, no objects, defaults for everything else. */
    public static CdcSettings defaults() {
        return new CdcSettings(false, List.of(), List.of(), DEFAULT_BATCH_SIZE, DEFAULT_ENDPOINT, false,
                Optional.empty(), "", Optional.empty(), ReplayStart.LATEST, DEFAULT_RECONNECT_INITIAL,
                DEFAULT_RECONNECT_MAX, DEFAULT_LEASE_TTL, "");
    }

    /** Enabled for {@code objects}, one stream per object, defaults for the rest. */
    public static CdcSettings forObjects(List<String> objects) {
        return defaults().withObjects(objects).withEnabled(true);
    }

    /** The topics to subscribe: the configured ones, or one per object. */
    public List<String> effectiveTopics() {
        if (!topics.isEmpty()) {
            return topics;
        }
        List<String> derived = new ArrayList<>();
        for (String object : objects) {
            derived.add(topicFor(object));
        }
        return List.copyOf(derived);
    }

    /** The objects a recovery on {@code topic} re-reads: the object of a per-object topic, else all objects. */
    public List<String> objectsOf(String topic) {
        return objectOfTopic(topic).map(List::of).orElse(objects);
    }

    /** {@code Account} → {@code /data/AccountChangeEvent}; {@code My__c} → {@code /data/My__ChangeEvent}. */
    public static String topicFor(String object) {
        String base = object.endsWith("__c") ? object.substring(0, object.length() - 1) : object;
        return "/data/" + base + "ChangeEvent";
    }

    /** The inverse of {@link #topicFor}; empty for {@code /data/ChangeEvents} and platform-event topics. */
    public static Optional<String> objectOfTopic(String topic) {
        if (!topic.startsWith("/data/") || !topic.endsWith("ChangeEvent")) {
            return Optional.empty();
        }
        String base = topic.substring("/data/".length(), topic.length() - "ChangeEvent".length());
        return Optional.of(base.endsWith("__") ? base + "c" : base);
    }

    public CdcSettings withEnabled(boolean value) {
        return new CdcSettings(value, objects, topics, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withObjects(List<String> value) {
        return new CdcSettings(enabled, value, topics, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withTopics(List<String> value) {
        return new CdcSettings(enabled, objects, value, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withBatchSize(int value) {
        return new CdcSettings(enabled, objects, topics, value, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withEndpoint(String value) {
        return new CdcSettings(enabled, objects, topics, batchSize, value, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withPlaintext(boolean value) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, value, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withTrustStore(Path value, String password) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, plaintext, Optional.of(value), password,
                Optional.empty(), replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withTrustCertificate(Path value) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, plaintext, Optional.empty(), "",
                Optional.of(value), replayStart, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withReplayStart(ReplayStart value) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, value, reconnectInitial, reconnectMax, leaseTtl, integrationUser);
    }

    public CdcSettings withReconnect(Duration initial, Duration max) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, initial, max, leaseTtl, integrationUser);
    }

    public CdcSettings withLeaseTtl(Duration value) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, value, integrationUser);
    }

    public CdcSettings withIntegrationUser(String value) {
        return new CdcSettings(enabled, objects, topics, batchSize, endpoint, plaintext, trustStore, trustStorePassword,
                trustCertificate, replayStart, reconnectInitial, reconnectMax, leaseTtl, value);
    }
}
