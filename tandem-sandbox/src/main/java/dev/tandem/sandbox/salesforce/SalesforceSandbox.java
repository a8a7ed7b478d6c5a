package dev.tandem.sandbox.salesforce;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.sandbox.salesforce.auth.AccessTokens;
import dev.tandem.sandbox.salesforce.auth.IdentityResource;
import dev.tandem.sandbox.salesforce.auth.OAuthTokenEndpoint;
import dev.tandem.sandbox.salesforce.data.DataStore;
import dev.tandem.sandbox.salesforce.data.Row;
import dev.tandem.sandbox.salesforce.dml.DmlEngine;
import dev.tandem.sandbox.salesforce.dml.FieldValues;
import dev.tandem.sandbox.salesforce.id.IdGenerator;
import dev.tandem.sandbox.salesforce.id.SalesforceIds;
import dev.tandem.sandbox.salesforce.rest.ApiUsage;
import dev.tandem.sandbox.salesforce.rest.RestApi;
import dev.tandem.sandbox.salesforce.schema.FieldDefinition;
import dev.tandem.sandbox.salesforce.schema.SObjectDefinition;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import dev.tandem.sandbox.salesforce.wire.ApiError;
import dev.tandem.sandbox.salesforce.wire.ApiException;
import dev.tandem.sandbox.salesforce.wire.ApiResponse;
import dev.tandem.sandbox.salesforce.wire.Json;
import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.eclipse.jetty.http.UriCompliance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory emulator of the Salesforce REST API for demos, end-to-end tests and benchmarks
 * (spec salesforce-api.md §1, §2, §3, §8, §9). One instance is one org: OAuth client-credentials token endpoint,
 * versioned data API with sObjects, upsert by external id, SOQL, Composite, Composite Graph and sObject
 * Collections, per-org API metering and fault injection. Binds to 127.0.0.1 only.
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
    private final IdGenerator ids;
    private final ApiUsage usage;
    private final AccessTokens tokens;
    private final FaultInjector faults;
    private final RestApi api;
    private final SalesforceHttpHandler handler;
    private volatile Javalin server;
    private volatile String standardPricebookId;

    private SalesforceSandbox(Builder builder) {
        this.requestedPort = builder.port;
        this.clientId = builder.clientId;
        this.clientSecret = builder.clientSecret;
        this.clock = builder.clock;
        Random random = new Random(builder.randomSeed);
        this.ids = new IdGenerator(Math.floorMod(random.nextLong(), 1_000_000_000L) * 1000);
        this.orgId = ids.next("00D");
        this.userId = ids.next("005");
        SalesforceSchema schema = SalesforceSchema.standard();
        for (Map.Entry<String, List<FieldDefinition>> custom : builder.customFields.entrySet()) {
            for (FieldDefinition field : custom.getValue()) {
                schema = schema.withField(custom.getKey(), field);
            }
        }
        this.store = new DataStore(schema);
        this.dml = new DmlEngine(schema, ids);
        this.usage = new ApiUsage(builder.dailyApiLimit);
        this.tokens = new AccessTokens(orgId, clock, builder.tokenTtl);
        this.faults = new FaultInjector(random, tokens, usage);
        OAuthTokenEndpoint tokenEndpoint = new OAuthTokenEndpoint(clientId, clientSecret, orgId, userId, tokens,
                clock, this::baseUrl);
        IdentityResource identity = new IdentityResource(orgId, userId, "integration@" + orgId + ".sandbox",
                this::baseUrl);
        this.api = new RestApi(schema, dml, ids, clock, usage, faults::newLockFault, tokenEndpoint::identityUrl);
        SandboxControlApi control = new SandboxControlApi(faults, this::reset, this::stats);
        this.handler = new SalesforceHttpHandler(tokenEndpoint, identity, tokens, usage, faults, store, api, control,
                clock, userId);
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
            cfg.jetty.modifyHttpConfiguration(http -> http.setUriCompliance(UriCompliance.LEGACY));
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
        return this;
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

    public String orgId() {
        return orgId;
    }

    public String userId() {
        return userId;
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

    /** Clears all records, open query cursors and the API counter, and seeds the standard price book again. */
    public void reset() {
        store.clear();
        api.clearCursors();
        usage.reset();
        seed();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop();
            server = null;
        }
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
        Map<String, Object> values = new LinkedHashMap<>();
        def.fields().forEach(f -> values.put(f.name(), f.defaultValue()));
        values.put("Id", id);
        values.put(Row.IS_DELETED, Boolean.FALSE);
        values.put("Name", "Standard Price Book");
        values.put("IsActive", Boolean.TRUE);
        values.put("IsStandard", Boolean.TRUE);
        values.put("CreatedDate", clock.instant());
        values.put("CreatedById", userId);
        values.put("LastModifiedDate", clock.instant());
        values.put("LastModifiedById", userId);
        values.put("SystemModstamp", clock.instant());
        store.transaction(tx -> {
            tx.put(new Row(def.name(), id, values, null));
            return null;
        });
        standardPricebookId = id;
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
        private final Map<String, List<FieldDefinition>> customFields = new LinkedHashMap<>();

        private Builder() {
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
