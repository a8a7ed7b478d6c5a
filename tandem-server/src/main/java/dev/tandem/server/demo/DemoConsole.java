package dev.tandem.server.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.clarity.BadData;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.sandbox.clarity.SalesOrderRef;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.api.DemoMode;
import dev.tandem.server.api.ProblemException;
import dev.tandem.server.http.Problem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The guided demo's buttons ({@code POST /api/v1/demo/actions/{action}}): what a visitor of the console's Demo page
 * does to the two sandboxes of {@code tandem demo}, each the start of one of the data touchpoints — an order or a
 * customer made in Clarity (its webhook brings it to Tandem), a product added, its price or its stock changed in
 * Clarity (the product and inventory flows), a sales rep's phone change in Salesforce (its change event comes back
 * through CDC), and Salesforce broken for a while (503 on every call: Tandem pauses the flows,
 * probes, and resumes when it heals). It acts on the sandboxes the way their users would: the Clarity sandbox's
 * generators fire the same webhooks as the storefront, the rep changes the contact over the Salesforce REST API
 * as its own client, and the outage is the Salesforce sandbox's fault injector: either a 503 on every call, or every
 * answer held longer than Tandem's read timeout (the sandbox's latency fault), so every call times out.
 */
final class DemoConsole implements DemoMode.Actions, AutoCloseable {

    static final String CREATE_ORDER = "create-order";
    static final String CREATE_BAD_ORDER = "create-bad-order";
    static final String REGISTER_CUSTOMER = "register-customer";
    static final String CHANGE_PHONE = "change-phone";
    static final String BREAK_SALESFORCE = "break-salesforce";
    static final String HEAL_SALESFORCE = "heal-salesforce";
    static final String SLOW_SALESFORCE = "slow-salesforce";
    static final String ADD_PRODUCT = "add-product";
    static final String CHANGE_PRICE = "change-price";
    static final String CHANGE_STOCK = "change-stock";
    /** How much longer than Tandem's read timeout the sandbox holds each answer while it is slow. */
    static final Duration HOLD_PAST_TIMEOUT = Duration.ofSeconds(5);
    /** How long Salesforce stays broken unless the call says otherwise ({@code ?seconds=}), and the bounds. */
    static final Duration DEFAULT_OUTAGE = Duration.ofMinutes(1);
    static final int MIN_OUTAGE_SECONDS = 1;
    static final int MAX_OUTAGE_SECONDS = 600;
    /** The rep's own API client name, so the rep's change is not taken for Tandem's own write coming back. */
    static final String REP_CLIENT = "tandem-demo-rep";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<DemoMode.Action> actions(Duration timeout) {
        return List.of(
            new DemoMode.Action(CREATE_ORDER, "Create an order", "orderToCash",
                    "A shopper checks out in Clarity: the order's webhook reaches Tandem, which writes the Salesforce "
                            + "Order with its items, account and contact."),
            new DemoMode.Action(REGISTER_CUSTOMER, "Register a customer", "customer360",
                    "A customer registers in Clarity: Tandem makes the Salesforce Account and Contact and writes "
                            + "their Salesforce ids back."),
            new DemoMode.Action(CHANGE_PHONE, "Change a phone in Salesforce", "customer360",
                    "A sales rep changes a contact's phone in Salesforce: its change event comes back through CDC "
                            + "and Tandem updates the Clarity contact."),
            new DemoMode.Action(ADD_PRODUCT, "Add a product in Clarity", "productsInventory",
                    "A merchandiser adds a product with its price: Tandem writes the Salesforce Product2 and its "
                            + "standard price book entry."),
            new DemoMode.Action(CHANGE_PRICE, "Change a price in Clarity", "productsInventory",
                    "The newest product Salesforce has from Clarity gets a new base price: Tandem updates its "
                            + "PricebookEntry's UnitPrice."),
            new DemoMode.Action(CHANGE_STOCK, "Change its stock in Clarity", "productsInventory",
                    "The warehouse books a new quantity for that product: Tandem updates the Product2's quantity "
                            + "on hand (Clarity_Quantity_On_Hand__c)."),
            new DemoMode.Action(CREATE_BAD_ORDER, "Create an order with bad data", "errorHandling",
                    "An order whose customer has no last name: Salesforce would refuse it, so Tandem dead-letters "
                            + "it with the reason, for an operator to fix and retry on the Errors page."),
            new DemoMode.Action(BREAK_SALESFORCE, "Break Salesforce for a minute", "errorHandling",
                    "Salesforce answers 503 to every call: Tandem retries, pauses the flows that need it and "
                            + "probes; when it heals they resume and nothing is lost or duplicated."),
            new DemoMode.Action(SLOW_SALESFORCE, "Make Salesforce time out for a minute", "errorHandling",
                    "Salesforce holds every answer " + timeout.plus(HOLD_PAST_TIMEOUT).toSeconds() + " s, longer than "
                            + "Tandem waits (" + timeout.toSeconds() + " s): each call times out and Tandem retries "
                            + "with backoff. A call that timed out may still have been carried out in Salesforce; the "
                            + "retry upserts by the Clarity key, so after the heal every record is there once."),
            new DemoMode.Action(HEAL_SALESFORCE, "Heal Salesforce now", "errorHandling",
                    "Ends the outage (503s or time-outs) before its time is up."));
    }

    private final ClaritySandbox clarity;
    private final SalesforceSandbox salesforce;
    private final SalesforceRestClient rep;
    private final HttpClient http;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    /** Tandem's Salesforce request timeout (the connector's read timeout), which a slow Salesforce outlasts. */
    private final Duration salesforceTimeout;
    private final List<DemoMode.Action> actions;
    /** While broken: how, when it heals, and the faults to go back to. */
    private Outage outage;

    /** {@code mode}: {@code unavailable} (503 on every call) or {@code timeout} (every answer held past Tandem's timeout). */
    private record Outage(String mode, Instant until, double serverErrorRate, double lockErrorRate, Duration latency,
                          ScheduledFuture<?> heal) {
    }

    DemoConsole(ClaritySandbox clarity, SalesforceSandbox salesforce, Clock clock, Duration salesforceTimeout) {
        this.salesforceTimeout = Objects.requireNonNull(salesforceTimeout, "salesforceTimeout");
        this.actions = actions(salesforceTimeout);
        this.clarity = Objects.requireNonNull(clarity, "clarity");
        this.salesforce = Objects.requireNonNull(salesforce, "salesforce");
        this.clock = clock;
        this.http = HttpClient.newHttpClient();
        SalesforceConfig cfg = SalesforceConfig.of(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                salesforce.clientSecret()).withCallOptionsClient(REP_CLIENT);
        this.rep = new SalesforceRestClient(cfg, new ClientCredentialsTokenProvider(cfg, http), http,
                new SimpleMeterRegistry());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tandem-demo-outage");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public List<DemoMode.Action> list() {
        return actions;
    }

    @Override
    public synchronized ObjectNode sandboxes() {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode c = body.putObject("clarity");
        c.put("baseUrl", clarity.baseUrl());
        c.put("orders", clarity.store().salesOrders().all().size());
        c.put("customers", clarity.store().users().all().size());
        ObjectNode s = body.putObject("salesforce");
        s.put("baseUrl", salesforce.baseUrl());
        s.put("orders", salesforce.records("Order").size());
        s.put("accounts", salesforce.records("Account").size());
        s.put("contacts", salesforce.records("Contact").size());
        s.put("apiRequests", salesforce.apiRequestCount());
        ObjectNode faults = s.putObject("faults");
        faults.put("serverErrorRate", salesforce.faults().serverErrorRate());
        faults.put("lockErrorRate", salesforce.faults().lockErrorRate());
        faults.put("latencyMillis", salesforce.faults().latency().toMillis());
        faults.put("timeoutMillis", salesforceTimeout.toMillis());
        faults.put("broken", outage != null);
        faults.put("mode", outage == null ? null : outage.mode());
        faults.put("brokenUntil", outage == null ? null : outage.until().toString());
        return body;
    }

    @Override
    public ObjectNode run(String action, Map<String, String> parameters) {
        if (!action.equals(BREAK_SALESFORCE) && !action.equals(SLOW_SALESFORCE) && !parameters.isEmpty()) {
            throw ProblemException.badRequest("demo action " + action + " takes no parameters, got "
                    + parameters.keySet());
        }
        return switch (action) {
            case CREATE_ORDER -> order(BadData.NONE);
            case CREATE_BAD_ORDER -> order(BadData.MISSING_LAST_NAME);
            case REGISTER_CUSTOMER -> registerCustomer();
            case CHANGE_PHONE -> changePhone();
            case BREAK_SALESFORCE -> breakSalesforce(action, parameters, false);
            case SLOW_SALESFORCE -> breakSalesforce(action, parameters, true);
            case HEAL_SALESFORCE -> heal("healed on request");
            case ADD_PRODUCT -> addProduct();
            case CHANGE_PRICE -> changePrice();
            case CHANGE_STOCK -> changeStock();
            default -> throw ProblemException.notFound("there is no demo action '" + action + "'");
        };
    }

    private ObjectNode order(BadData bad) {
        SalesOrderRef ref = clarity.orders().createRandomOrder(bad);
        ObjectNode done = JSON.createObjectNode();
        done.put("entity", "SalesOrder");
        done.put("key", ref.customKey());
        done.put("message", "Order " + ref.customKey() + " was placed in Clarity"
                + (bad == BadData.NONE ? "" : " with a customer without a last name") + "; its webhook is on its way to Tandem.");
        return done;
    }

    private ObjectNode registerCustomer() {
        RecordRef account = clarity.customers().createRandomCustomer();
        String contactKey = clarity.store().users().all().stream().filter(u -> u.accountId() == account.id())
                .findFirst().map(u -> u.contactKey() != null && !u.contactKey().isEmpty() ? u.contactKey()
                        : "CEF-CONTACT-" + u.contactId()).orElse(account.customKey());
        ObjectNode done = JSON.createObjectNode();
        done.put("entity", "Account");
        done.put("key", account.customKey());
        done.put("contactKey", contactKey);
        done.put("message", "Customer " + account.customKey() + " registered in Clarity; Tandem makes their "
                + "Salesforce Account and Contact.");
        return done;
    }

    /** A product with a base price (the sandbox's catalogue; it fires Product.Created). */
    private ObjectNode addProduct() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String key = "DEMO-P-" + String.format("%05d", random.nextInt(100_000));
        java.math.BigDecimal price = java.math.BigDecimal.valueOf(500 + random.nextInt(49_500), 2);
        RecordRef ref = clarity.products().createProduct(key, "Demo product " + key.substring(7), price);
        ObjectNode done = JSON.createObjectNode();
        done.put("entity", "Product");
        done.put("key", ref.customKey());
        done.put("price", price);
        done.put("message", "Product " + ref.customKey() + " was added in Clarity at " + price + "; Tandem writes its "
                + "Salesforce Product2 and standard price.");
        return done;
    }

    /** The Clarity product behind the newest Salesforce Product2 keyed by a Clarity product's key. */
    private dev.tandem.sandbox.clarity.model.ProductModel syncedProduct() {
        Map<String, dev.tandem.sandbox.clarity.model.ProductModel> byKey = new java.util.HashMap<>();
        clarity.store().products().all().forEach(p -> byKey.put(p.customKey(), p));
        List<Map<String, Object>> products = salesforce.records("Product2");
        for (int i = products.size() - 1; i >= 0; i--) {
            Object key = products.get(i).get("Clarity_Product_Key__c");
            if (key != null && byKey.containsKey(String.valueOf(key))) {
                return byKey.get(String.valueOf(key));
            }
        }
        throw new ProblemException(Problem.of(409, "no_synced_product", "Nothing to change yet",
                "Salesforce has no product from Clarity yet: add a product first"));
    }

    private ObjectNode changePrice() {
        dev.tandem.sandbox.clarity.model.ProductModel product = syncedProduct();
        java.math.BigDecimal old = clarity.products().price(product.id()).map(p -> p.basePrice()).orElse(null);
        java.math.BigDecimal price;
        do {
            price = java.math.BigDecimal.valueOf(500 + ThreadLocalRandom.current().nextInt(49_500), 2);
        } while (price.equals(old));
        clarity.products().changePrice(product.id(), price);
        ObjectNode done = JSON.createObjectNode();
        done.put("entity", "Product");
        done.put("key", product.customKey());
        done.put("price", price);
        done.put("message", "The price of " + product.customKey() + " changed to " + price + " in Clarity"
                + (old == null ? "" : " (was " + old + ")") + "; Tandem updates its Salesforce price book entry.");
        return done;
    }

    private ObjectNode changeStock() {
        dev.tandem.sandbox.clarity.model.ProductModel product = syncedProduct();
        var rows = clarity.inventory().stockOf(product.id());
        java.math.BigDecimal old = rows.isEmpty() ? null : rows.getFirst().quantity();
        java.math.BigDecimal quantity;
        do {
            quantity = java.math.BigDecimal.valueOf(ThreadLocalRandom.current().nextInt(501));
        } while (quantity.equals(old));
        clarity.inventory().setQuantity(product.id(), quantity);
        ObjectNode done = JSON.createObjectNode();
        done.put("entity", "Product");
        done.put("key", product.customKey());
        done.put("quantity", quantity);
        done.put("message", "The warehouse booked " + quantity + " of " + product.customKey() + " in Clarity"
                + (old == null ? "" : " (was " + old.stripTrailingZeros().toPlainString() + ")")
                + "; Tandem updates the Product2's quantity on hand in Salesforce.");
        return done;
    }

    /** The newest Salesforce contact linked to Clarity gets a new phone, from the rep, over the REST API. */
    private ObjectNode changePhone() {
        List<Map<String, Object>> linked = salesforce.records("Contact").stream()
                .filter(c -> c.get("Clarity_Contact_Key__c") != null && !String.valueOf(c.get("Clarity_Contact_Key__c")).isBlank())
                .toList();
        if (linked.isEmpty()) {
            throw new ProblemException(Problem.of(409, "no_linked_contact", "Nothing to change yet",
                    "no Salesforce contact is linked to Clarity yet: register a customer or create an order first"));
        }
        Map<String, Object> contact = linked.get(linked.size() - 1);
        String id = String.valueOf(contact.get("Id"));
        String phone = "+1 512-555-" + String.format("%04d", ThreadLocalRandom.current().nextInt(10_000));
        try {
            rep.update("Contact", id, JSON.createObjectNode().put("Phone", phone));
        } catch (RuntimeException e) {
            throw new ProblemException(Problem.of(502, "salesforce_refused", "Salesforce refused the change",
                    "the sales rep's update of Contact " + id + " failed: " + e.getMessage()));
        }
        ObjectNode done = JSON.createObjectNode();
        done.put("entity", "Contact");
        done.put("salesforceId", id);
        done.put("key", String.valueOf(contact.get("Clarity_Contact_Key__c")));
        done.put("phone", phone);
        done.put("message", "A sales rep changed the phone of Contact " + id + " to " + phone
                + " in Salesforce; its change event comes back to Clarity through CDC.");
        return done;
    }

    /**
     * Salesforce broken for {@code ?seconds=}: a 503 on every call, or ({@code slow}) every answer held past Tandem's
     * read timeout. Breaking it again while broken switches the mode and restarts the clock; the heal goes back to
     * the faults from before the first.
     */
    private synchronized ObjectNode breakSalesforce(String action, Map<String, String> parameters, boolean slow) {
        if (parameters.keySet().stream().anyMatch(k -> !k.equals("seconds"))) {
            throw ProblemException.badRequest(action + " takes only ?seconds=, got " + parameters.keySet());
        }
        int seconds = (int) DEFAULT_OUTAGE.toSeconds();
        String given = parameters.get("seconds");
        if (given != null) {
            try {
                seconds = Integer.parseInt(given);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (seconds < MIN_OUTAGE_SECONDS || seconds > MAX_OUTAGE_SECONDS) {
                throw ProblemException.badRequest("seconds must be a whole number from " + MIN_OUTAGE_SECONDS + " to "
                        + MAX_OUTAGE_SECONDS + ", got '" + (given.length() > 40 ? given.substring(0, 40) + "…" : given) + "'");
            }
        }
        double serverErrors = outage == null ? salesforce.faults().serverErrorRate() : outage.serverErrorRate();
        double lockErrors = outage == null ? salesforce.faults().lockErrorRate() : outage.lockErrorRate();
        Duration latency = outage == null ? salesforce.faults().latency() : outage.latency();
        if (outage != null) {
            outage.heal().cancel(false);
        }
        Duration hold = salesforceTimeout.plus(HOLD_PAST_TIMEOUT);
        if (slow) {
            // Answers, but too late: the sandbox's latency fault, after which it carries the call out as usual.
            salesforce.faults().setServerErrorRate(serverErrors);
            salesforce.faults().setLockErrorRate(lockErrors);
            salesforce.faults().setLatency(hold);
        } else {
            salesforce.faults().setLatency(latency);
            salesforce.faults().setServerErrorRate(1.0);
        }
        Instant until = clock.instant().plusSeconds(seconds);
        ScheduledFuture<?> heal = timer.schedule(() -> heal("healed after " + given(until)), seconds, TimeUnit.SECONDS);
        outage = new Outage(slow ? "timeout" : "unavailable", until, serverErrors, lockErrors, latency, heal);
        ObjectNode done = JSON.createObjectNode();
        done.put("brokenUntil", until.toString());
        done.put("mode", outage.mode());
        done.put("message", slow
                ? "Salesforce holds every answer " + hold.toSeconds() + " s, past Tandem's " + salesforceTimeout.toSeconds()
                        + " s timeout, until " + until + ": watch Tandem's calls time out and retry with backoff, and"
                        + " every record arrive once after it heals."
                : "Salesforce answers 503 Service Unavailable to every call until " + until
                        + ": watch Tandem retry, pause the flows and resume when it heals.");
        return done;
    }

    private String given(Instant until) {
        return "its time (" + until + ")";
    }

    private synchronized ObjectNode heal(String how) {
        ObjectNode done = JSON.createObjectNode();
        if (outage == null) {
            done.put("message", "Salesforce is not broken.");
            return done;
        }
        outage.heal().cancel(false);
        salesforce.faults().setServerErrorRate(outage.serverErrorRate());
        salesforce.faults().setLockErrorRate(outage.lockErrorRate());
        salesforce.faults().setLatency(outage.latency());
        outage = null;
        done.put("message", "Salesforce " + how + ": it answers again, and Tandem resumes the paused flows.");
        return done;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        rep.close();
        http.close();
    }
}
