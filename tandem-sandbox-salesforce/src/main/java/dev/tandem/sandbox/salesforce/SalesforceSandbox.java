package dev.tandem.sandbox.salesforce;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.auth.AccessTokens;
import dev.tandem.sandbox.salesforce.auth.IdentityResource;
import dev.tandem.sandbox.salesforce.auth.JwtKeys;
import dev.tandem.sandbox.salesforce.auth.RefreshTokens;
import dev.tandem.sandbox.salesforce.auth.OAuthTokenEndpoint;
import dev.tandem.sandbox.salesforce.bulk.BulkIngestJobs;
import dev.tandem.sandbox.salesforce.cdc.ChangeCapture;
import dev.tandem.sandbox.salesforce.cdc.EventBus;
import dev.tandem.sandbox.salesforce.cdc.PlatformEventType;
import dev.tandem.sandbox.salesforce.pubsub.PubSubServer;
import dev.tandem.sandbox.salesforce.data.DataStore;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.DuplicateRules;
import dev.tandem.sandbox.salesforce.dml.FieldValues;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import dev.tandem.sandbox.salesforce.id.SalesforceIds;
import dev.tandem.sandbox.salesforce.rest.ApiUsage;
import dev.tandem.sandbox.salesforce.rest.PlatformEvents;
import dev.tandem.sandbox.salesforce.rest.RestApi;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import io.javalin.Javalin;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory emulator of the Salesforce REST API for demos, end-to-end tests and benchmarks
 * (spec salesforce-api.md §1, §2, §3, §8, §9). One instance is one org: OAuth client-credentials token endpoint,
 * versioned data API with sObjects, upsert by external id, SOQL, Composite, Composite Graph, sObject
 * Collections and Tree, Platform Event publishing, Bulk API 2.0 ingest, per-org API metering and fault
 * injection; OAuth with the client-credentials, JWT bearer and refresh-token grants. Binds to 127.0.0.1 only.
 *
 * <pre>{@code
 * try (SalesforceSandbox sb = SalesforceSandbox.builder().port(0).build().start()) {
 *     String tokenUrl = sb.tokenUrl();   // POST grant_type=client_credentials
 *     String instanceUrl = sb.baseUrl();
 * }
 * }</pre>
 */
public final class SalesforceSandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SalesforceSandbox.class);
    private static final String HOST = "127.0.0.1";
    private static final long MAX_REQUEST_BYTES = 64L * 1024 * 1024;

    private final int requestedPort;
    private final String clientId;
    private final String clientSecret;
    private final Clock clock;
    private final String orgId;
    private final String userId;
    private final DataStore store;
    private final DmlEngine dml;
    private final DuplicateRules duplicateRules;
    private final IdGenerator ids;
    private final ApiUsage usage;
    private final AccessTokens tokens;
    private final FaultInjector faults;
    private final RestApi api;
    private final String username;
    private final OAuthTokenEndpoint tokenEndpoint;
    private final BulkIngestJobs bulk;
    private final SalesforceHttpHandler handler;
    private final EventBus eventBus;
    private final ChangeCapture changeCapture;
    private final String humanUserId;
    private volatile String actingUser;
    private final boolean pubSubEnabled;
    private final int pubSubPort;
    private final boolean pubSubPlaintext;
    private final Duration pubSubKeepAlive;
    private volatile PubSubServer pubSub;
    private volatile Javalin server;
    private volatile String standardPricebookId;
    private final List<String[]> recordTypes;

    private SalesforceSandbox(Builder builder) {
        this.requestedPort = builder.port;
        this.recordTypes = builder.recordTypes.isEmpty() ? Builder.DEFAULT_RECORD_TYPES
                : List.copyOf(builder.recordTypes);
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret;
        this.clock = builder.clock;
        Random random = new Random(builder.randomSeed);
        this.ids = new IdGenerator(Math.floorMod(random.nextLong(), 1_000_000_000L) * 1000);
        this.orgId = ids.next("00D");
        this.userId = ids.next("005");
        SalesforceSchema schema = SalesforceSchema.standard(builder.personAccounts, builder.currencies);
        for (Map.Entry<String, List<FieldDefinition>> custom : builder.customFields.entrySet()) {
            for (FieldDefinition field : custom.getValue()) {
                schema = schema.withField(custom.getKey(), field);
            }
        }
        this.store = new DataStore(schema);
        this.humanUserId = ids.next("005");
        this.eventBus = new EventBus(clock, builder.eventRetention);
        this.changeCapture = new ChangeCapture(schema, eventBus);
        store.onCommit(changeCapture);
        this.pubSubEnabled = builder.pubSub;
        this.pubSubPort = builder.pubSubPort;
        this.pubSubPlaintext = builder.pubSubPlaintext;
        this.pubSubKeepAlive = builder.pubSubKeepAlive;
        this.duplicateRules = new DuplicateRules(builder.contactDuplicateRuleByEmail);
        this.dml = new DmlEngine(schema, ids, duplicateRules);
        this.usage = new ApiUsage(builder.dailyApiLimit);
        this.tokens = new AccessTokens(orgId, clock, builder.tokenTtl);
        this.faults = new FaultInjector(random, tokens, usage);
        this.username = builder.username;
        this.tokenEndpoint = new OAuthTokenEndpoint(clientId, clientSecret, orgId, userId, tokens,
                new RefreshTokens(orgId), builder.jwtKey, Set.of(username), clock, this::baseUrl);
        IdentityResource identity = new IdentityResource(orgId, userId, username, this::baseUrl);
        this.api = new RestApi(schema, dml, ids, clock, usage, faults::newLockFault, tokenEndpoint::identityUrl);
        SandboxControlApi control = new SandboxControlApi(faults, this, this::stats);
        this.bulk = new BulkIngestJobs(schema, store, dml, ids, clock, userId, faults::newLockFault);
        this.handler = new SalesforceHttpHandler(tokenEndpoint, identity, tokens, usage, faults, store, api, control,
                bulk, clock, userId, () -> actingUser);
        api.platformEvents().onPublish(this::publishPlatformEvent);
        seed();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the HTTP server; returns this for chaining. */
    public synchronized SalesforceSandbox start() {
        if (server != null) {
            throw new IllegalStateException("the Salesforce sandbox is already started");
        }
        server = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = MAX_REQUEST_BYTES;
            // External id values are URL-encoded path segments and may contain encoded slashes (spec §2.4).
            // Salesforce takes URIs (and URI + headers) up to 16,384 bytes (spec §2.2): Jetty reads more than that,
            // so the handler answers 414/431 as Salesforce does, not Jetty at its 8 KiB default.
            cfg.jetty.modifyHttpConfiguration(http -> {
                http.setUriCompliance(UriCompliance.LEGACY);
                http.setRequestHeaderSize(4 * SalesforceHttpHandler.MAX_URI_BYTES);
            });
            cfg.jetty.modifyServletContextHandler(context -> context.getServletHandler()
                    .setDecodeAmbiguousURIs(true));
            for (String path : List.of("/", "/<path>")) {
                cfg.routes.get(path, handler::handle);
                cfg.routes.post(path, handler::handle);
                cfg.routes.patch(path, handler::handle);
                cfg.routes.put(path, handler::handle);
                cfg.routes.delete(path, handler::handle);
                cfg.routes.head(path, handler::handle);
            }
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // Never a stack trace or an HTML page: Salesforce's shape for an internal error.
                String errorId = UUID.randomUUID().toString();
                LOG.error("Salesforce sandbox failed on {} {} (ErrorId {})", ctx.method(), ctx.path(), errorId, e);
                handler.write(ctx, ApiResponse.error(new ApiException(500, List.of(ApiError.of("UNKNOWN_EXCEPTION",
                        "An unexpected error occurred. Please include this ErrorId if you contact support: "
                                + errorId)))), false);
            });
        }).start(HOST, requestedPort);
        LOG.info("Salesforce sandbox listening on {} (org {})", baseUrl(), orgId);
        if (pubSubEnabled) {
            pubSub = new PubSubServer(pubSubPort, pubSubPlaintext, pubSubKeepAlive,
                    new PubSubServer.PubSubAuthority(tokens::isValid, orgId, this::baseUrl), eventBus, changeCapture,
                    List.of(PlatformEventType.TANDEM_SYNC)).start();
        }
        return this;
    }

    /** The Pub/Sub API server, when the builder enabled it ({@link Builder#pubSubPort}); started with the sandbox. */
    public Optional<PubSubServer> pubSub() {
        return Optional.ofNullable(pubSub);
    }

    /** The Pub/Sub server's port; fails when Pub/Sub is not enabled. */
    public int pubSubPort() {
        return pubSub().orElseThrow(() -> new IllegalStateException("Pub/Sub is not enabled")).port();
    }

    /** The PEM file of the Pub/Sub server's self-signed certificate; empty when plaintext or not enabled. */
    public Optional<java.nio.file.Path> pubSubCertificatePath() {
        return pubSub().flatMap(PubSubServer::certificatePath);
    }

    /** Every change and platform event of the org, with replay ids (also behind the Pub/Sub server). */
    public EventBus eventBus() {
        return eventBus;
    }

    public ChangeCapture changeCapture() {
        return changeCapture;
    }

    /** A second user of the org: a person working in the UI, the commitUser of "change as a user" writes. */
    public String humanUserId() {
        return humanUserId;
    }

    /**
     * While set, REST writes are made as this user (LastModifiedById, commitUser) and carry no Sforce-Call-Options
     * client id, as a change a person makes would; null switches back to the integration user.
     */
    public void changeAsUser(String userIdOrNull) {
        this.actingUser = userIdOrNull;
    }

    public Optional<String> actingUser() {
        return Optional.ofNullable(actingUser);
    }

    /** A REST-published event of a type defined for Pub/Sub goes on the bus with its Avro payload (spec §4.7). */
    private void publishPlatformEvent(PlatformEvents.PublishedEvent event, String publisher) {
        if (!event.type().equals(PlatformEventType.TANDEM_SYNC.name())) {
            return;
        }
        Map<String, String> values = new LinkedHashMap<>();
        event.payload().properties().forEach(e -> values.put(e.getKey(),
                e.getValue().isNull() ? null : e.getValue().asText()));
        PlatformEventType type = PlatformEventType.TANDEM_SYNC;
        eventBus.append(type.topic(), type.name(), false, event.eventUuid(), type.schemaId(),
                type.encode(values, publisher, event.publishedAt()), null);
    }

    /** {@code http://127.0.0.1:<port>}: the instance URL and the OAuth host. */
    public String baseUrl() {
        Javalin running = server;
        if (running == null) {
            throw new IllegalStateException("the Salesforce sandbox is not started");
        }
        return "http://" + HOST + ":" + running.port();
    }

    public String tokenUrl() {
        return baseUrl() + "/services/oauth2/token";
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    /**
     * Changes the consumer secret the connected app accepts (also {@code POST /_sandbox/connected-app
     * {"clientSecret":"..."}}): a client with another one gets {@code invalid_client} at its next token request.
     * {@link #clientSecret()} stays the secret the sandbox was built with.
     */
    public void setAcceptedClientSecret(String secret) {
        tokenEndpoint.setClientSecret(secret);
    }

    public String orgId() {
        return orgId;
    }

    public String userId() {
        return userId;
    }

    /** Username of the integration user: the {@code sub} a JWT bearer assertion must carry (spec §1.3). */
    public String username() {
        return username;
    }

    /**
     * A refresh token for the connected app, usable with {@code grant_type=refresh_token} (spec §1.4) until it is
     * revoked through {@code /services/oauth2/revoke}. Stands in for the one-time interactive consent; also served
     * as {@code POST /_sandbox/refresh-tokens}.
     */
    public String issueRefreshToken() {
        return tokenEndpoint.issueRefreshToken();
    }

    /** Data API calls counted against the daily allocation (token and control calls are not counted). */
    public long apiRequestCount() {
        return usage.used();
    }

    public FaultInjector faults() {
        return faults;
    }

    /** The id of the seeded "Standard Price Book" (changes on {@link #reset()}). */
    public String standardPricebookId() {
        return standardPricebookId;
    }

    /** Live records of an sObject type as JSON-shaped maps (canonical field names), in creation order. */
    public List<Map<String, Object>> records(String sobjectType) {
        SObjectDefinition def = store.schema().require(sobjectType);
        return store.transaction(tx -> {
            List<Map<String, Object>> result = new ArrayList<>();
            for (Row row : tx.all(def.name())) {
                if (!row.deleted()) {
                    result.add(toMap(def, row));
                }
            }
            return result;
        });
    }

    /** One live record by id (15 or 18 characters). */
    public Optional<Map<String, Object>> record(String sobjectType, String id) {
        SObjectDefinition def = store.schema().require(sobjectType);
        return store.transaction(tx -> SalesforceIds.normalize(id, def.keyPrefix()).flatMap(tx::find)
                .filter(r -> !r.deleted() && r.type().equals(def.name())).map(r -> toMap(def, r)));
    }

    /** The {@code client=} of the Sforce-Call-Options header of the last write to a record. */
    public Optional<String> lastModifiedByClient(String id) {
        return store.transaction(tx -> SalesforceIds.normalize(id).flatMap(tx::find)
                .map(Row::lastModifiedByClient));
    }

    /**
     * Every record of the org, live and deleted, as {@code {"<type>":[{field:value,...}], ...}} in schema order
     * (also {@code GET /_sandbox/dump}). For inspecting a demo or a failed test, not for large orgs.
     */
    public ObjectNode dump() {
        ObjectNode body = Json.object();
        store.transaction(tx -> {
            for (SObjectDefinition def : store.schema().objects()) {
                com.fasterxml.jackson.databind.node.ArrayNode rows = body.putArray(def.name());
                for (Row row : tx.all(def.name())) {
                    ObjectNode record = rows.addObject();
                    for (FieldDefinition field : def.fields()) {
                        record.set(field.name(), FieldValues.toJson(row.get(field.name())));
                    }
                }
            }
            return null;
        });
        return body;
    }

    /** Platform events published so far (spec §4.7), oldest first; cleared by {@link #reset()}. */
    public List<PlatformEvents.PublishedEvent> publishedEvents() {
        return api.platformEvents().published();
    }

    /** Switches the Contact-by-Email duplicate rule (spec §2.12; also {@code POST /_sandbox/duplicate-rules}). */
    public void setContactDuplicateRuleByEmail(boolean enabled) {
        duplicateRules.setContactByEmail(enabled);
    }

    public boolean contactDuplicateRuleByEmail() {
        return duplicateRules.contactByEmail();
    }

    /** Clears all records, open query cursors and the API counter, and seeds the standard price book again. */
    public void reset() {
        bulk.clear();
        store.clear();
        api.clearCursors();
        api.platformEvents().clear();
        usage.reset();
        eventBus.expireAll();
        actingUser = null;
        seed();
    }

    @Override
    public synchronized void close() {
        if (pubSub != null) {
            pubSub.close();
            pubSub = null;
        }
        if (server != null) {
            server.stop();
            server = null;
        }
        bulk.close();
    }

    private ObjectNode stats() {
        ObjectNode body = Json.object();
        body.put("apiRequests", usage.used());
        ObjectNode records = body.putObject("records");
        store.liveCounts().forEach(records::put);
        return body;
    }

    /** Every org has a standard price book (spec §3.3); it is active and cannot be created through the API. */
    private void seed() {
        String id = ids.next(store.schema().require(SalesforceSchema.PRICEBOOK2).keyPrefix());
        SObjectDefinition def = store.schema().require(SalesforceSchema.PRICEBOOK2);
        Map<String, Object> values = seededValues(def, id);
        values.put("Name", "Standard Price Book");
        values.put("IsActive", Boolean.TRUE);
        values.put("IsStandard", Boolean.TRUE);
        store.transaction(tx -> {
            tx.put(new Row(def.name(), id, values, null));
            return null;
        });
        standardPricebookId = id;
        seedRecordTypes();
        seedCurrencies();
    }

    /** A setup record's values: every field at its default, the id, and the system fields, made now by the user. */
    private Map<String, Object> seededValues(SObjectDefinition def, String id) {
        Map<String, Object> values = new LinkedHashMap<>();
        def.fields().forEach(f -> values.put(f.name(), f.defaultValue()));
        values.put("Id", id);
        values.put(Row.IS_DELETED, Boolean.FALSE);
        values.put("CreatedDate", clock.instant());
        values.put("CreatedById", userId);
        values.put("LastModifiedDate", clock.instant());
        values.put("LastModifiedById", userId);
        values.put("SystemModstamp", clock.instant());
        return values;
    }

    /** A multi-currency org's CurrencyType rows, the corporate currency first ({@link Builder#currencies}). */
    private void seedCurrencies() {
        List<String> codes = store.schema().currencies();
        if (codes.isEmpty()) {
            return;
        }
        SObjectDefinition def = store.schema().require(SalesforceSchema.CURRENCY_TYPE);
        store.transaction(tx -> {
            for (String code : codes) {
                String id = ids.next(def.keyPrefix());
                Map<String, Object> values = seededValues(def, id);
                values.put("IsoCode", code);
                values.put("ConversionRate", java.math.BigDecimal.ONE);
                values.put("DecimalPlaces", java.math.BigDecimal.valueOf(2));
                values.put("IsActive", Boolean.TRUE);
                values.put("IsCorporate", code.equals(codes.getFirst()));
                tx.put(new Row(def.name(), id, values, null));
            }
            return null;
        });
    }

    /** The org's record types ({@link Builder#recordType}); setup data, so seeded rather than created by API. */
    private void seedRecordTypes() {
        SObjectDefinition def = store.schema().require(SalesforceSchema.RECORD_TYPE);
        store.transaction(tx -> {
            List<String[]> seeded = new ArrayList<>(recordTypes);
            if (store.schema().personAccounts()) {
                // The record type every person account carries (spec §3.5); its IsPersonType is what marks it.
                seeded.add(new String[] {SalesforceSchema.ACCOUNT, SalesforceSchema.PERSON_ACCOUNT_RECORD_TYPE,
                    "Person Account", "person"});
            }
            for (String[] type : seeded) {
                String id = ids.next(def.keyPrefix());
                Map<String, Object> values = seededValues(def, id);
                values.put("SobjectType", type[0]);
                values.put("DeveloperName", type[1]);
                values.put("Name", type[2]);
                values.put("IsActive", Boolean.TRUE);
                if (def.field("IsPersonType").isPresent()) {
                    values.put("IsPersonType", Boolean.FALSE);
                }
                if (type.length > 3) {
                    values.put("IsPersonType", Boolean.TRUE);
                }
                tx.put(new Row(def.name(), id, values, null));
            }
            return null;
        });
    }

    /** Whether this org has Person Accounts ({@link Builder#personAccounts}; {@code GET /_sandbox/person-accounts}). */
    public boolean personAccounts() {
        return store.schema().personAccounts();
    }

    /** The id of the active record type {@code developerName} of {@code sobjectType} (changes on {@link #reset()}). */
    public Optional<String> recordTypeId(String sobjectType, String developerName) {
        return records(SalesforceSchema.RECORD_TYPE).stream()
                .filter(r -> sobjectType.equals(r.get("SobjectType")) && developerName.equals(r.get("DeveloperName")))
                .map(r -> (String) r.get("Id"))
                .findFirst();
    }

    private static Map<String, Object> toMap(SObjectDefinition def, Row row) {
        ObjectNode node = Json.object();
        for (FieldDefinition field : def.fields()) {
            node.set(field.name(), FieldValues.toJson(row.get(field.name())));
        }
        return Json.MAPPER.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    /** Options of a sandbox org; every one has a default. */
    public static final class Builder {
        private int port;
        private String clientId = "tandem-sandbox";
        private String clientSecret = "sandbox-secret";
        private long dailyApiLimit = 100_000;
        private Duration tokenTtl = Duration.ofHours(2);
        private Clock clock = Clock.systemUTC();
        private long randomSeed = System.nanoTime();
        private String username = "integration@tandem.sandbox";
        private PublicKey jwtKey;
        private boolean contactDuplicateRuleByEmail;
        private boolean personAccounts;
        private List<String> currencies = List.of();
        private final Map<String, List<FieldDefinition>> customFields = new LinkedHashMap<>();
        /** Account's record types when none are configured: a business and a consumer type [inferred]. */
        static final List<String[]> DEFAULT_RECORD_TYPES = List.of(
                new String[] {SalesforceSchema.ACCOUNT, "Business", "Business Account"},
                new String[] {SalesforceSchema.ACCOUNT, "Consumer", "Consumer Account"});
        private final List<String[]> recordTypes = new ArrayList<>();
        private boolean pubSub;
        private int pubSubPort;
        private boolean pubSubPlaintext;
        private Duration pubSubKeepAlive = Duration.ofSeconds(30);
        private Duration eventRetention = Duration.ofHours(72);

        private Builder() {
        }

        /**
         * Adds an active record type of {@code sobjectType} (only Account has a RecordTypeId field here). The first
         * call replaces the default ones (Account "Business" and "Consumer").
         */
        public Builder recordType(String sobjectType, String developerName, String label) {
            recordTypes.add(new String[] {sobjectType, developerName, label});
            return this;
        }

        /**
         * Starts the Pub/Sub API server with the sandbox on this port of 127.0.0.1 (0 = a free port; see
         * {@link SalesforceSandbox#pubSubPort()}). Off unless this or {@link #pubSub(boolean)} is called.
         */
        public Builder pubSubPort(int value) {
            this.pubSub = true;
            this.pubSubPort = value;
            return this;
        }

        /** Enables (on a free port) or disables the Pub/Sub API server. */
        public Builder pubSub(boolean enabled) {
            this.pubSub = enabled;
            return this;
        }

        /** Plaintext gRPC instead of TLS with the generated self-signed certificate (for tests). */
        public Builder pubSubPlaintext(boolean value) {
            this.pubSubPlaintext = value;
            return this;
        }

        /**
         * How long a Subscribe stream with pending requests stays idle before the empty keep-alive FetchResponse
         * (default 30 s; the real server sends one "within 270 seconds" [inferred: the sandbox is quicker]).
         */
        public Builder pubSubKeepAlive(Duration value) {
            this.pubSubKeepAlive = java.util.Objects.requireNonNull(value);
            return this;
        }

        /** How long change and platform events stay replayable (default 72 hours, spec §4.4). */
        public Builder eventRetention(Duration value) {
            this.eventRetention = java.util.Objects.requireNonNull(value);
            return this;
        }

        /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Consumer key of the connected app (default "tandem-sandbox"). */
        public Builder clientId(String value) {
            this.clientId = value;
            return this;
        }

        /** Consumer secret (default "sandbox-secret"); also the HMAC key of token signatures. */
        public Builder clientSecret(String value) {
            this.clientSecret = value;
            return this;
        }

        /** Daily API request allocation (default 100,000, spec §5). */
        public Builder dailyApiLimit(long value) {
            this.dailyApiLimit = value;
            return this;
        }

        /** How long an access token stays valid (default 2 hours). */
        public Builder tokenTtl(Duration value) {
            this.tokenTtl = value;
            return this;
        }

        /** Time source for record timestamps, token expiry and TODAY in SOQL. */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Username of the integration user, the {@code sub} of JWT assertions (default "integration@tandem.sandbox"). */
        public Builder user(String value) {
            this.username = java.util.Objects.requireNonNull(value, "username");
            return this;
        }

        /** Enables the JWT bearer grant (spec §1.3): assertions must be RS256-signed by this certificate's key. */
        public Builder jwtCertificate(X509Certificate certificate) {
            return jwtPublicKey((RSAPublicKey) certificate.getPublicKey());
        }

        /** Enables the JWT bearer grant with a bare RSA public key (see also {@link JwtKeys#fromPem}). */
        public Builder jwtPublicKey(RSAPublicKey key) {
            this.jwtKey = java.util.Objects.requireNonNull(key, "key");
            return this;
        }

        /**
         * Activates a duplicate rule on Contact matching by Email with the "Alert" action: saves of a second Contact
         * with the same address fail with DUPLICATES_DETECTED unless {@code Sforce-Duplicate-Rule-Header:
         * allowSave=true} is sent (spec §2.12). Off by default.
         */
        public Builder contactDuplicateRuleByEmail(boolean enabled) {
            this.contactDuplicateRuleByEmail = enabled;
            return this;
        }

        /**
         * Enables Person Accounts (spec §3.5): Account gains the person fields, IsPersonAccount and PersonContactId,
         * RecordType gains IsPersonType and the org a {@code PersonAccount} record type; creating an Account with
         * it (or with a LastName) creates its person contact. Off by default, as in real orgs, where enabling it is
         * an irreversible org setting; so there is no runtime switch.
         */
        public Builder personAccounts(boolean enabled) {
            this.personAccounts = enabled;
            return this;
        }

        /**
         * Enables multiple currencies with these active ISO codes, the corporate currency first (Salesforce Help,
         * "Enable Multiple Currencies"): the objects gain {@code CurrencyIsoCode}, a product has a price per price
         * book and currency, a custom price needs the standard one in its currency, and a line's entry must be in its
         * order's currency. None (the default): a single-currency org, without the field. Like Person Accounts an
         * irreversible org setting, so there is no runtime switch.
         */
        public Builder currencies(List<String> isoCodes) {
            this.currencies = List.copyOf(isoCodes);
            return this;
        }

        /** Seed of the fault-injection random source, for replayable runs. */
        public Builder randomSeed(long value) {
            this.randomSeed = value;
            return this;
        }

        /**
         * Adds an org-specific Text custom field, e.g. a non-unique External ID (the only way several records can
         * match one upsert key, spec §2.4 "300").
         */
        public Builder customTextField(String sobjectType, String fieldName, int length, boolean externalId,
                boolean unique) {
            if (!fieldName.endsWith("__c")) {
                throw new IllegalArgumentException("custom field names end in __c: " + fieldName);
            }
            String label = fieldName.substring(0, fieldName.length() - 3).replace('_', ' ');
            FieldDefinition field = FieldDefinition.text(fieldName, label, length);
            if (externalId) {
                field = field.asExternalId(unique);
            } else if (unique) {
                field = new FieldDefinition(field.name(), field.label(), field.type(), field.length(), true, true,
                        false, false, true, null, null, null, List.of(), false, null);
            }
            customFields.computeIfAbsent(sobjectType, k -> new ArrayList<>()).add(field);
            return this;
        }

        public SalesforceSandbox build() {
            return new SalesforceSandbox(this);
        }
    }
}
