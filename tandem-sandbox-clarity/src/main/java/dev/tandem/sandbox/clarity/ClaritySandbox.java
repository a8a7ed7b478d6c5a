package dev.tandem.sandbox.clarity;

import dev.tandem.sandbox.clarity.auth.AuthRoutes;
import dev.tandem.sandbox.clarity.auth.Credentials;
import dev.tandem.sandbox.clarity.auth.SessionGuard;
import dev.tandem.sandbox.clarity.auth.SessionStore;
import dev.tandem.sandbox.clarity.auth.UserDirectory;
import dev.tandem.sandbox.clarity.entity.ChangeListener;
import dev.tandem.sandbox.clarity.entity.EntityRoutes;
import dev.tandem.sandbox.clarity.entity.EntityWriteRoutes;
import dev.tandem.sandbox.clarity.entity.WriteRules;
import dev.tandem.sandbox.clarity.generate.SandboxDataGenerator;
import dev.tandem.sandbox.clarity.inventory.InventoryProviderRoutes;
import dev.tandem.sandbox.clarity.inventory.InventoryService;
import dev.tandem.sandbox.clarity.model.CefModel;
import dev.tandem.sandbox.clarity.model.SalesItemModel;
import dev.tandem.sandbox.clarity.model.SalesOrderModel;
import dev.tandem.sandbox.clarity.pricing.PricingRoutes;
import dev.tandem.sandbox.clarity.search.EntitySearch;
import dev.tandem.sandbox.clarity.store.ClarityStore;
import dev.tandem.sandbox.clarity.store.EntityTable;
import dev.tandem.sandbox.clarity.store.ProductPrice;
import dev.tandem.sandbox.clarity.webhook.WebhookDispatcher;
import dev.tandem.sandbox.clarity.webhook.WebhookRoutes;
import dev.tandem.sandbox.clarity.webhook.WebhookSettings;
import dev.tandem.sandbox.clarity.wire.ClarityHttpException;
import dev.tandem.sandbox.clarity.wire.ClarityJson;
import dev.tandem.sandbox.clarity.wire.JsonResponder;
import dev.tandem.sandbox.clarity.wire.ResponseStatus;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory emulator of the Clarity eCommerce (CEF) REST API (spec clarity-api.md §1-9) plus Tandem's webhook
 * extension (§11), for demos, end-to-end tests and benchmarks.
 *
 * <pre>{@code
 * try (ClaritySandbox sb = ClaritySandbox.builder().seed(42).customers(50).products(40).build().start()) {
 *     SalesOrderRef order = sb.orders().createRandomOrder();
 *     // GET sb.baseUrl() + "/Ordering/SalesOrder/ID/" + order.id() with a session from /auth/identity
 * }
 * }</pre>
 *
 * It listens on 127.0.0.1 only. All data is generated from the seed, so one seed and one sequence of calls give the
 * same catalogue, customers and orders.
 */
public final class ClaritySandbox implements AutoCloseable {

    /** The path CEF's generated API reference links everything under (spec §1). */
    public static final String BASE_PATH = "/DesktopModules/ClarityEcommerce/API";
    private final java.util.concurrent.atomic.AtomicLong apiRequests = new java.util.concurrent.atomic.AtomicLong();

    private static final Logger LOG = LoggerFactory.getLogger(ClaritySandbox.class);

    private final Builder config;
    private final ClarityJson json = new ClarityJson();
    private final ClarityStore store = new ClarityStore(json);
    private final SessionStore sessions;
    private final WebhookDispatcher dispatcher;
    private final SandboxDataGenerator generator;
    private final SandboxOrders orders;
    private final SandboxCustomers customers;
    private final ContactCopies contactCopies;
    private final SandboxProducts products;
    private final SandboxInventory inventory;
    private final InventoryService inventoryService;
    private final SandboxWebhooks webhooks;
    private final SandboxFaults faults;
    private final UserDirectory users;
    private Javalin app;

    private ClaritySandbox(Builder config) {
        this.config = config;
        this.sessions = new SessionStore(config.clock, config.sessionIdleTimeout);
        this.dispatcher = new WebhookDispatcher(new WebhookSettings(config.webhookRetryInitial,
                config.webhookRetryMax, config.webhookGiveUpAfter, config.webhookTimeout, config.webhookMaxJitter),
                json, config.clock, config.seed ^ 0x5DEECE66DL);
        List<Credentials> logins = new ArrayList<>();
        logins.add(new Credentials(config.user, config.password));
        if (config.readOnlyUser != null) {
            logins.add(new Credentials(config.readOnlyUser, config.readOnlyPassword, true));
        }
        this.users = new UserDirectory(logins);
        this.generator = new SandboxDataGenerator(store, config.clock, config.seed);
        generator.setEdgeCaseRate(config.edgeCaseRate);
        this.orders = new SandboxOrders(generator, store, dispatcher, config.clock);
        this.contactCopies = new ContactCopies(store);
        this.customers = new SandboxCustomers(generator, store, dispatcher, contactCopies, config.clock);
        this.products = new SandboxProducts(generator, store, dispatcher, config.clock);
        this.inventoryService = new InventoryService(store, config.clock,
                EntityWrites.inventoryEvents(dispatcher, config.clock));
        this.inventory = new SandboxInventory(generator, store, inventoryService);
        this.webhooks = new SandboxWebhooks(dispatcher);
        this.faults = new SandboxFaults(config.seed ^ 0x9E3779B97F4A7C15L);
        faults.latency(config.latency).errorRate(config.errorRate).errorStatus(config.errorStatus);
        populate();
    }

    /** The seeded start state: reference data, catalogue with stock, customers, then the pre-generated orders. */
    private void populate() {
        generator.seed(config.customers, config.products, config.inventoryLocations);
        orders.createRandomOrders(config.orders, BadData.NONE);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts the HTTP server; returns this sandbox for chaining. */
    public synchronized ClaritySandbox start() {
        if (app != null) {
            throw new IllegalStateException("The Clarity sandbox is already started");
        }
        JsonResponder responder = new JsonResponder(json);
        SessionGuard guard = new SessionGuard(sessions, users);
        AuthRoutes auth = new AuthRoutes(BASE_PATH, users, sessions, guard, responder, config.clock.instant());
        app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            RoutesConfig routes = cfg.routes;
            routes.before(BASE_PATH + "/*", ctx -> {
                apiRequests.incrementAndGet();
                faults.apply(ctx);
            });
            auth.register(routes);
            Clock clock = config.clock;
            readsAndWrites(routes, "Ordering", store.salesOrders(), EntityFilters.salesOrders(),
                    EntityWrites.salesOrderRules(store, clock), guard, responder, orderListener());
            readsAndWrites(routes, "Ordering", store.salesOrderItems(), EntityFilters.salesOrderItems(),
                    EntityWrites.salesOrderItemRules(store), guard, responder, orderItemListener());
            readsAndWrites(routes, "Ordering", store.salesOrderEvents(), EntityFilters.salesOrderEvents(),
                    EntityWrites.salesOrderEventRules(store), guard, responder, EntityWrites.silent());
            new EntityRoutes<>(BASE_PATH, "Ordering", store.salesOrderStatuses(), EntityFilters.plain(), guard,
                    responder, clock, row -> { }, false).register(routes);
            new SalesOrderWorkflowRoutes(BASE_PATH, orders, guard, responder).register(routes);
            readsAndWrites(routes, "Accounts", store.accountContacts(), EntityFilters.accountContacts(),
                    EntityWrites.accountContactRules(store), guard, responder,
                    EntityWrites.addressBookEvents(dispatcher, clock, store));
            readsAndWrites(routes, "Inventory", store.inventoryLocations(), EntityFilters.plain(),
                    EntityWrites.inventoryLocationRules(), guard, responder, EntityWrites.silent());
            readsAndWrites(routes, "Inventory", store.inventoryLocationSections(),
                    EntityFilters.inventoryLocationSections(), EntityWrites.inventoryLocationSectionRules(store),
                    guard, responder, EntityWrites.silent());
            readsAndWrites(routes, "Products", store.productInventoryLocationSections(),
                    EntityFilters.productInventoryLocationSections(),
                    EntityWrites.productInventoryLocationSectionRules(store), guard, responder,
                    EntityWrites.inventoryEvents(dispatcher, clock));
            readsAndWrites(routes, "Stores", store.stores(), EntityFilters.plain(), EntityWrites.storeRules(),
                    guard, responder, EntityWrites.silent());
            readsAndWrites(routes, "Brands", store.brands(), EntityFilters.plain(), EntityWrites.brandRules(),
                    guard, responder, EntityWrites.silent());
            new InventoryProviderRoutes(BASE_PATH, inventoryService, guard, responder).register(routes);
            readsAndWrites(routes, "Accounts", store.accounts(), EntityFilters.accounts(), EntityWrites.accountRules(),
                    guard, responder, EntityWrites.customerEvents(dispatcher, clock, "Account"));
            readsAndWrites(routes, "Contacts", store.contacts(), EntityFilters.contacts(),
                    EntityWrites.contactRules(store),
                    guard, responder, EntityWrites.contactEvents(dispatcher, clock, contactCopies));
            readsAndWrites(routes, "Contacts", store.users(), EntityFilters.users(), EntityWrites.userRules(),
                    guard, responder, EntityWrites.customerEvents(dispatcher, clock, "User"));
            readsAndWrites(routes, "Products", store.products(), EntityFilters.products(), EntityWrites.productRules(),
                    guard, responder, EntityWrites.productEvents(dispatcher, clock));
            new PricingRoutes(BASE_PATH, store, guard, responder).register(routes);
            new WebhookRoutes(BASE_PATH, dispatcher, guard, responder).register(routes);
            new SandboxControlRoutes(this, orders, dispatcher, store, sessions).register(routes);
            errors(routes, responder);
        }).start("127.0.0.1", config.port);
        LOG.info("Clarity sandbox listening on {}", baseUrl());
        return this;
    }

    /** {@code http://127.0.0.1:<port>/DesktopModules/ClarityEcommerce/API}. */
    /**
     * Requests received on the CEF API ({@link #BASE_PATH}, sign-in included; not the {@code /_sandbox} control
     * routes): what a benchmark divides by the records it synced.
     */
    public long apiRequestCount() {
        return apiRequests.get();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port() + BASE_PATH;
    }

    /** {@code http://127.0.0.1:<port>/_sandbox}, the control API. */
    public String controlUrl() {
        return "http://127.0.0.1:" + port() + "/_sandbox";
    }

    public int port() {
        if (app == null) {
            throw new IllegalStateException("The Clarity sandbox is not started");
        }
        return app.port();
    }

    public String user() {
        return config.user;
    }

    public String password() {
        return config.password;
    }

    public SandboxOrders orders() {
        return orders;
    }

    public SandboxWebhooks webhooks() {
        return webhooks;
    }

    /** Customer registrations and profile edits on demand. */
    public SandboxCustomers customers() {
        return customers;
    }

    /** Catalogue changes on demand (price, description, discontinuation). */
    public SandboxProducts products() {
        return products;
    }

    /** Stock changes on demand. */
    public SandboxInventory inventory() {
        return inventory;
    }

    /** Latency and error injection on the CEF routes; the same values as {@code /_sandbox/faults}. */
    public SandboxFaults faults() {
        return faults;
    }

    /** The read-only login, if one was configured with {@link Builder#readOnlyUser}. */
    public Optional<String> readOnlyUser() {
        return Optional.ofNullable(config.readOnlyUser);
    }

    /**
     * Ends every open session, as a CEF app-pool recycle does: the next request with an old session gets 401 and a
     * client must log in again ({@code POST /_sandbox/sessions/expire}).
     */
    public void expireSessions() {
        sessions.closeAll();
    }

    /**
     * Puts the data back to the seeded start state (same seed, same records and IDs, pre-generated orders again) and
     * ends every session ({@code POST /_sandbox/reset}). Webhook subscriptions, the delivery log and the fault
     * switches are kept: they are configuration, not data.
     */
    public synchronized void reset() {
        store.clear();
        sessions.closeAll();
        generator.reset();
        populate();
    }

    /**
     * All data as one JSON document in the CEF wire format, keyed by the list route names ({@code Accounts},
     * {@code SalesOrders}, ...) plus {@code Prices}, which CEF serves from its pricing provider
     * ({@code GET /_sandbox/dump}).
     */
    public String dump() {
        Map<String, Object> all = new LinkedHashMap<>();
        store.tables().forEach((name, table) -> all.put(name, table.all()));
        all.put("Prices", store.prices().values().stream()
                .sorted(Comparator.comparingInt(ProductPrice::productId)).toList());
        return json.writeString(all);
    }

    /** The stored data, for assertions on observable state. */
    public ClarityStore store() {
        return store;
    }

    @Override
    public synchronized void close() {
        dispatcher.close();
        if (app != null) {
            app.stop();
            app = null;
        }
    }

    private <T extends CefModel> void reads(RoutesConfig routes, String module, EntityTable<T> table,
            EntitySearch<T> search, SessionGuard guard, JsonResponder responder, ChangeListener<T> listener) {
        new EntityRoutes<>(BASE_PATH, module, table, search, guard, responder, config.clock, listener::updated)
                .register(routes);
    }

    /** Orders written through the API: store their lines, and announce creations and status transitions. */
    private ChangeListener<SalesOrderModel> orderListener() {
        return new ChangeListener<>() {
            @Override
            public void created(SalesOrderModel row) {
                OrderItems.storeLines(store, row);
                orders.announceCreated(row);
            }

            @Override
            public void updated(SalesOrderModel row) {
                OrderItems.storeLines(store, row);
            }

            @Override
            public void updated(SalesOrderModel before, SalesOrderModel after) {
                OrderItems.storeLines(store, after);
                orders.recordTransition(before, after);
            }

            @Override
            public void deleted(SalesOrderModel row) {
                store.salesOrderItems().all().stream().filter(line -> line.masterId() == row.id())
                        .forEach(line -> store.salesOrderItems().remove(line.id()));
            }
        };
    }

    /** Lines written on their own: rebuild the orders they belong (and belonged) to. */
    private ChangeListener<SalesItemModel> orderItemListener() {
        Clock clock = config.clock;
        return new ChangeListener<>() {
            @Override
            public void created(SalesItemModel row) {
                OrderItems.rebuildOrder(store, clock, row.masterId());
            }

            @Override
            public void updated(SalesItemModel row) {
                OrderItems.rebuildOrder(store, clock, row.masterId());
            }

            @Override
            public void updated(SalesItemModel before, SalesItemModel after) {
                if (before.masterId() != after.masterId()) {
                    OrderItems.rebuildOrder(store, clock, before.masterId());
                }
                OrderItems.rebuildOrder(store, clock, after.masterId());
            }

            @Override
            public void deleted(SalesItemModel row) {
                OrderItems.rebuildOrder(store, clock, row.masterId());
            }
        };
    }

    private <T extends CefModel> void readsAndWrites(RoutesConfig routes, String module, EntityTable<T> table,
            EntitySearch<T> search, WriteRules rules, SessionGuard guard, JsonResponder responder,
            ChangeListener<T> listener) {
        reads(routes, module, table, search, guard, responder, listener);
        new EntityWriteRoutes<>(BASE_PATH, module, table, rules, guard, responder, config.clock, listener)
                .register(routes);
    }

    /** Every error leaves as CEF-shaped JSON (spec §2), never an HTML page or a stack trace. */
    private static void errors(RoutesConfig routes, JsonResponder responder) {
        routes.exception(ClarityHttpException.class, (e, ctx) -> responder.send(ctx, e.status(), e.body()));
        routes.exception(ClarityJson.MalformedBodyException.class, (e, ctx) -> responder.send(ctx, 400,
                new ResponseStatus.Envelope(new ResponseStatus("SerializationException", e.getMessage()))));
        // Javalin signals an unmatched route or verb this way; answer as ServiceStack does for an unknown request.
        routes.exception(HttpResponseException.class, (e, ctx) -> responder.send(ctx, e.getStatus(),
                new ResponseStatus.Envelope(new ResponseStatus(errorCode(e.getStatus()), e.getStatus() == 404
                        ? "Handler for Request not found (404): " + ctx.method() + " " + ctx.path()
                        : e.getMessage()))));
        routes.exception(Exception.class, (e, ctx) -> {
            LOG.warn("Clarity sandbox failed on {} {}", ctx.method(), ctx.path(), e);
            responder.send(ctx, 500, new ResponseStatus.Envelope(
                    new ResponseStatus(e.getClass().getSimpleName(), String.valueOf(e.getMessage()))));
        });
    }

    private static String errorCode(int status) {
        return switch (status) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            default -> "HttpError" + status;
        };
    }

    /** Options of a sandbox; every one has a default. */
    public static final class Builder {

        private int port;
        private String user = "tandem";
        private String password = "tandem-sandbox";
        private long seed = 42;
        private int customers = 50;
        private int products = 40;
        private Duration webhookRetryInitial = WebhookSettings.DEFAULTS.retryInitial();
        private Duration webhookRetryMax = WebhookSettings.DEFAULTS.retryMax();
        private Duration webhookGiveUpAfter = WebhookSettings.DEFAULTS.giveUpAfter();
        private Duration webhookTimeout = WebhookSettings.DEFAULTS.timeout();
        private Duration webhookMaxJitter = WebhookSettings.DEFAULTS.maxJitter();
        private Duration sessionIdleTimeout = Duration.ofMinutes(20);
        private Clock clock = Clock.systemUTC();
        private int orders;
        private double edgeCaseRate;
        private int inventoryLocations = 3;
        private String readOnlyUser;
        private String readOnlyPassword;
        private Duration latency = Duration.ZERO;
        private double errorRate;
        private int errorStatus = 503;

        private Builder() {
        }

        /** The port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder user(String user) {
            this.user = Objects.requireNonNull(user, "user");
            return this;
        }

        public Builder password(String password) {
            this.password = Objects.requireNonNull(password, "password");
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** How many customers (account + user + contact) to generate at start; default 50. */
        public Builder customers(int customers) {
            this.customers = nonNegative(customers, "customers");
            return this;
        }

        /** How many products to generate at start; default 40. */
        public Builder products(int products) {
            this.products = nonNegative(products, "products");
            return this;
        }

        /** How many orders to place at start (from the seeded customers and catalogue); default 0. */
        public Builder orders(int orders) {
            this.orders = nonNegative(orders, "orders");
            return this;
        }

        /**
         * The share (0..1) of generated records with an edge case: customers without a last name, with non-Latin or
         * very long names (at and over 128 characters) or oddly formatted phones; zero-quantity order lines;
         * discontinued products; empty stock rows. Default 0 (clean data).
         */
        public Builder edgeCaseRate(double edgeCaseRate) {
            if (!(edgeCaseRate >= 0 && edgeCaseRate <= 1)) {
                throw new IllegalArgumentException("edgeCaseRate must be within 0..1");
            }
            this.edgeCaseRate = edgeCaseRate;
            return this;
        }

        /** How many warehouses ({@code InventoryLocation}, each with sections) to create, 1..4; default 3. */
        public Builder inventoryLocations(int inventoryLocations) {
            if (inventoryLocations < 1 || inventoryLocations > 4) {
                throw new IllegalArgumentException("inventoryLocations must be within 1..4");
            }
            this.inventoryLocations = inventoryLocations;
            return this;
        }

        /**
         * A second login that holds only the {@code *.View} permissions (spec §4): its writes get 403
         * {@code {"StatusCode":403,"StatusDescription":"Forbidden","Message":"Invalid Permission: ..."}}.
         */
        public Builder readOnlyUser(String user, String password) {
            this.readOnlyUser = Objects.requireNonNull(user, "user");
            this.readOnlyPassword = Objects.requireNonNull(password, "password");
            return this;
        }

        /** Latency added to every CEF response (see {@link SandboxFaults}); default none. */
        public Builder latency(Duration latency) {
            this.latency = Objects.requireNonNull(latency, "latency");
            return this;
        }

        /** The share (0..1) of CEF requests that fail with {@link #errorStatus}; default 0. */
        public Builder errorRate(double errorRate) {
            this.errorRate = errorRate;
            return this;
        }

        /** 500 or 503 (default) for injected errors. */
        public Builder errorStatus(int errorStatus) {
            this.errorStatus = errorStatus;
            return this;
        }

        /** The first retry delay of a failed webhook delivery (spec §11: 10 s). */
        public Builder webhookRetryInitial(Duration initial) {
            this.webhookRetryInitial = positive(initial, "webhookRetryInitial");
            return this;
        }

        /** The cap of the doubling retry delay (spec §11: 1 h). */
        public Builder webhookRetryMax(Duration max) {
            this.webhookRetryMax = positive(max, "webhookRetryMax");
            return this;
        }

        /** How long after the event a delivery is retried before it is Failed (spec §11: 24 h). */
        public Builder webhookGiveUpAfter(Duration giveUpAfter) {
            this.webhookGiveUpAfter = positive(giveUpAfter, "webhookGiveUpAfter");
            return this;
        }

        /** Connect and response timeout of one delivery attempt; default 10 s. */
        public Builder webhookTimeout(Duration timeout) {
            this.webhookTimeout = positive(timeout, "webhookTimeout");
            return this;
        }

        /** The upper bound of the random delay the out-of-order switch adds; default 2 s. */
        public Builder webhookMaxJitter(Duration maxJitter) {
            this.webhookMaxJitter = Objects.requireNonNull(maxJitter, "webhookMaxJitter");
            return this;
        }

        /** Sessions unused for this long expire (401 afterwards); default 20 min. */
        public Builder sessionIdleTimeout(Duration idleTimeout) {
            this.sessionIdleTimeout = positive(idleTimeout, "sessionIdleTimeout");
            return this;
        }

        /** The clock of record dates and session expiry; tests pass a controllable one. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public ClaritySandbox build() {
            // Validate the fault values here, so a bad option fails the build rather than the first request.
            new SandboxFaults(0).latency(latency).errorRate(errorRate).errorStatus(errorStatus);
            if (readOnlyUser != null && readOnlyUser.equalsIgnoreCase(user)) {
                throw new IllegalArgumentException("The read-only user must differ from the integration user");
            }
            return new ClaritySandbox(this);
        }

        private static int nonNegative(int value, String name) {
            if (value < 0) {
                throw new IllegalArgumentException(name + " must not be negative");
            }
            return value;
        }

        private static Duration positive(Duration value, String name) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(name + " must be a positive duration");
            }
            return value;
        }
    }
}
