package dev.tandem.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tandem.clarity.model.ClarityEntity;
import dev.tandem.clarity.read.PollSettings;
import dev.tandem.core.event.LoggedEvent;
import dev.tandem.core.state.AuditEntry;
import dev.tandem.salesforce.SalesforceConfig;
import dev.tandem.salesforce.auth.ClientCredentialsTokenProvider;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.StatusSnapshot;
import dev.tandem.server.TandemServer;
import dev.tandem.server.config.TandemConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code tandem demo --scenario catalog} (issue 11, item 6): both sandboxes and Tandem in one process with the
 * shipped catalogue flows switched on, {@code clarity-product-to-salesforce} and
 * {@code clarity-inventory-to-salesforce}, fed by Clarity's signed webhooks.
 *
 * <p>What happens in Clarity, at the given rate: a merchandiser adds products with their price (the sandbox's
 * catalogue, which fires {@code Product.Created}) and the warehouse books their first stock into every inventory
 * location; prices change (the sandbox's price list, {@code Product.Updated}); products are deactivated
 * ({@code PATCH /Products/Product/Deactivate/ID/{ID}}, CEF's soft delete); and stock changes in bursts, as a
 * warehouse system pushes them ({@code PATCH /Providers/Inventory/UpdateInventoryForProduct} back to back, each an
 * {@code Inventory.Changed}). The live line shows what was done, the product and stock events Tandem logged, the
 * stock events coalesced (changes of one product in one batch written once), and Tandem's Salesforce API calls.
 *
 * <p>After the last action the demo waits for settlement (Clarity's webhook queue and Tandem's event log and retry
 * queue empty, then quiet for a second) and compares both systems over their APIs: every Clarity product's Product2,
 * its standard entry's price, its quantity on hand and its active flag. {@code --inject-drift} then edits one price
 * or quantity directly in Salesforce, behind Tandem's back, to show the comparison catching it.
 */
public final class CatalogDemo implements AutoCloseable {

    /** Drift the demo can inject into Salesforce after settling, to show the report catching it. */
    public enum Drift { NONE, PRICE, QUANTITY }

    /**
     * @param products     products to create in Clarity (each with its first stock in every location)
     * @param priceChanges price changes of active products
     * @param deactivations products to deactivate (fewer than {@code products}: bursts need an active one)
     * @param bursts       stock bursts
     * @param burstSize    stock changes per burst, back to back over random active products and their locations
     * @param rate         actions per second (a burst is one action)
     * @param seed         seed of the generated data and of the order of the actions
     * @param dataDir      where the store file goes
     * @param timeout      how long to wait for settlement
     * @param drift        what to change in Salesforce after settling
     */
    public record Options(int products, int priceChanges, int deactivations, int bursts, int burstSize, double rate,
                          long seed, Path dataDir, Duration timeout, Drift drift) {
        public Options {
            if (products < 1 || priceChanges < 0 || deactivations < 0 || deactivations >= products || bursts < 0
                    || burstSize < 1 || !(rate > 0)) {
                throw new IllegalArgumentException("--products must be >= 1, --price-changes and --bursts >= 0,"
                        + " --deactivations in [0, products), --burst-size >= 1, --rate > 0");
            }
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(drift, "drift");
        }
    }

    static final String PRODUCT_FLOW = "clarity-product-to-salesforce";
    static final String INVENTORY_FLOW = "clarity-inventory-to-salesforce";
    /** The Sforce-Call-Options client of the hand edit of {@code --inject-drift}: not Tandem's. */
    static final String HAND_EDIT_CLIENT = "catalog-admin-console";
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A product the demo created: its Clarity id and key, and whether it is still active. */
    private record Product(int id, String key) {
    }

    private final Options options;
    private final PrintStream out;
    private final boolean liveLine;
    private final SalesforceSandbox salesforce;
    private final ClaritySandbox clarity;
    private final TandemServer tandem;
    private final String webhookSecret;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Product> active = new ArrayList<>();
    private final List<Integer> locations = new ArrayList<>();
    private final TandemCounts counts = new TandemCounts();
    private SalesforceRestClient handEdit;
    private volatile int created;
    private volatile int priceChanges;
    private volatile int deactivated;
    private volatile int stockChanges;

    public CatalogDemo(Options options, PrintStream out, boolean liveLine) {
        this.options = options;
        this.out = out;
        this.liveLine = liveLine;
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.webhookSecret = HexFormat.of().formatHex(secret);
        this.salesforce = SalesforceSandbox.builder().port(0).pubSub(false).build().start();
        // No products at start: every product of this demo is added while Tandem listens.
        this.clarity = ClaritySandbox.builder().port(0).seed(options.seed()).customers(0).products(0)
                .webhookRetryInitial(Duration.ofMillis(200)).webhookRetryMax(Duration.ofSeconds(2)).build().start();
        this.tandem = TandemServer.start(config());
    }

    public TandemServer tandem() {
        return tandem;
    }

    public SalesforceSandbox salesforce() {
        return salesforce;
    }

    public ClaritySandbox clarity() {
        return clarity;
    }

    private TandemConfig config() {
        PollSettings polling = PollSettings.defaults().withInterval(Duration.ofSeconds(1))
                .withEntities(List.of(ClarityEntity.PRODUCT, ClarityEntity.PRODUCT_INVENTORY_LOCATION_SECTION));
        return new TandemConfig(
                new TandemConfig.Server("127.0.0.1", 0),
                new TandemConfig.Store(options.dataDir().resolve("tandem.db")),
                new TandemConfig.Clarity(URI.create(clarity.baseUrl()), clarity.user(), clarity.password(),
                        Duration.ofSeconds(10), List.of(webhookSecret), Duration.ofMinutes(5))
                        .withIngest(TandemConfig.Ingest.WEBHOOK, polling),
                new TandemConfig.Salesforce(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                        salesforce.clientSecret(), SalesforceConfig.DEFAULT_API_VERSION, "tandem",
                        Duration.ofSeconds(10)),
                new TandemConfig.Runtime(50, Duration.ofMillis(50), Duration.ofMillis(100)),
                new TandemConfig.Retry(Duration.ofMillis(250), 2.0, Duration.ofSeconds(5), 10, 0.2))
                .withFlows(new TandemConfig.Flows(null, Map.of(PRODUCT_FLOW, true, INVENTORY_FLOW, true)));
    }

    private SalesforceRestClient restClient(String client) {
        SalesforceConfig cfg = SalesforceConfig.of(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                salesforce.clientSecret()).withCallOptionsClient(client);
        return new SalesforceRestClient(cfg, new ClientCredentialsTokenProvider(cfg, http), http,
                new SimpleMeterRegistry());
    }

    public CatalogReport run(boolean exitWhenSettled) throws IOException, InterruptedException {
        printBanner();
        Demo.registerWebhook(http, clarity, tandem.webhookUrl(), webhookSecret);
        for (JsonNode location : clarityAll("/Inventory/InventoryLocations")) {
            locations.add(location.path("ID").asInt());
        }
        if (locations.isEmpty()) {
            throw new IllegalStateException("The Clarity sandbox has no inventory locations");
        }
        Instant started = Instant.now();
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor();
        try {
            progress.scheduleAtFixedRate(() -> printProgress(false), liveLine ? 250 : 2000, liveLine ? 250 : 2000,
                    TimeUnit.MILLISECONDS);
            act(new Random(options.seed()));
            awaitSettled(Instant.now().plus(options.timeout()));
        } finally {
            progress.shutdownNow();
            progress.awaitTermination(1, TimeUnit.SECONDS);
        }
        printProgress(true);
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        long tandemCalls = salesforce.apiRequestCount();
        injectDrift();
        CatalogReport report = report(tandemCalls, seconds);
        printSummary(report);
        if (!exitWhenSettled) {
            out.println("Tandem keeps running; press Ctrl-C to stop.");
        }
        return report;
    }

    /**
     * The actions in a seeded random order at the given rate. A price change, deactivation or burst needs an active
     * product: while there is none, a creation goes first. The last active product is never deactivated.
     */
    private void act(Random random) throws IOException, InterruptedException {
        int toCreate = options.products();
        int toPrice = options.priceChanges();
        int toDeactivate = options.deactivations();
        int toBurst = options.bursts();
        long intervalNanos = (long) (1_000_000_000L / options.rate());
        long next = System.nanoTime();
        while (toCreate + toPrice + toDeactivate + toBurst > 0) {
            int pick = random.nextInt(toCreate + toPrice + toDeactivate + toBurst);
            boolean deactivation = pick >= toCreate + toPrice && pick < toCreate + toPrice + toDeactivate;
            // deactivations < products, so while one is left to do with one active product, one is left to create
            if (pick < toCreate || active.isEmpty() || deactivation && active.size() == 1) {
                create(random);
                toCreate--;
            } else if (pick < toCreate + toPrice) {
                changePrice(random);
                toPrice--;
            } else if (deactivation) {
                deactivate(random);
                toDeactivate--;
            } else {
                burst(random);
                toBurst--;
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    /** A product with its price (the sandbox's catalogue), then its first stock in every location (over REST). */
    private void create(Random random) throws IOException, InterruptedException {
        int n = created + 1;
        String key = String.format(Locale.ROOT, "DEMO-%04d", n);
        RecordRef ref = clarity.products().createProduct(key, "Catalog item " + n, randomPrice(random));
        Product product = new Product(ref.id(), key);
        active.add(product);
        created++;
        for (int location : locations) {
            setStock(product, location, 20 + random.nextInt(180));
        }
    }

    private void changePrice(Random random) {
        Product product = active.get(random.nextInt(active.size()));
        clarity.products().changePrice(product.id(), randomPrice(random));
        priceChanges++;
    }

    private void deactivate(Random random) throws IOException, InterruptedException {
        Product product = active.remove(random.nextInt(active.size()));
        clarityCall("PATCH", "/Products/Product/Deactivate/ID/" + product.id(), null);
        deactivated++;
    }

    /** {@code burstSize} stock changes back to back, as a warehouse system pushes a wave of picks and receipts. */
    private void burst(Random random) throws IOException, InterruptedException {
        for (int i = 0; i < options.burstSize(); i++) {
            Product product = active.get(random.nextInt(active.size()));
            setStock(product, locations.get(random.nextInt(locations.size())), random.nextInt(500));
        }
    }

    private void setStock(Product product, int locationId, int quantity) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("ID", product.id()).put("RelevantLocationID", locationId)
                .put("Quantity", quantity);
        clarityCall("PATCH", "/Providers/Inventory/UpdateInventoryForProduct", body);
        stockChanges++;
    }

    private static BigDecimal randomPrice(Random random) {
        return BigDecimal.valueOf(500 + random.nextInt(49_500), 2);
    }

    /**
     * After settling, one hand edit in Salesforce as another client (not Tandem's, and with no change event
     * subscription in this demo Tandem never hears of it): the first product's standard price or quantity on hand
     * moves by one.
     */
    private void injectDrift() {
        if (options.drift() == Drift.NONE) {
            return;
        }
        handEdit = restClient(HAND_EDIT_CLIENT);
        if (options.drift() == Drift.PRICE) {
            ObjectNode entry = handEdit.query("SELECT Id, UnitPrice FROM PricebookEntry WHERE Clarity_Price_Key__c = '"
                    + "DEMO-0001|standard'").stream().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no standard entry of DEMO-0001 to drift"));
            handEdit.update("PricebookEntry", entry.path("Id").asText(), JSON.createObjectNode()
                    .put("UnitPrice", entry.path("UnitPrice").decimalValue().add(BigDecimal.ONE)));
        } else {
            ObjectNode product = handEdit.query("SELECT Id, Clarity_Quantity_On_Hand__c FROM Product2 WHERE "
                    + "Clarity_Product_Key__c = 'DEMO-0001'").stream().findFirst()
                    .orElseThrow(() -> new IllegalStateException("no Product2 of DEMO-0001 to drift"));
            handEdit.update("Product2", product.path("Id").asText(), JSON.createObjectNode()
                    .put("Clarity_Quantity_On_Hand__c",
                            product.path("Clarity_Quantity_On_Hand__c").decimalValue().add(BigDecimal.ONE)));
        }
        out.println("Drift injected: DEMO-0001's " + (options.drift() == Drift.PRICE ? "standard price"
                : "quantity on hand") + " changed by one in Salesforce, behind Tandem's back.");
    }

    /**
     * Settled: Clarity's webhook queue empty, every logged event processed and no retry waiting, and still so, with
     * no new event or Salesforce request, a second later.
     */
    private void awaitSettled(Instant deadline) {
        long[] quietSince = null;
        Instant quietFrom = null;
        while (Instant.now().isBefore(deadline)) {
            boolean empty = clarity.webhooks().pendingDeliveries() == 0 && tandem.runtime().idle();
            StatusSnapshot s = tandem.status();
            long[] marks = {s.received(), s.settled(), salesforce.apiRequestCount()};
            if (!empty || s.settled() < s.received() || s.retrying() > 0) {
                quietSince = null;
            } else if (quietSince == null || !java.util.Arrays.equals(quietSince, marks)) {
                quietSince = marks;
                quietFrom = Instant.now();
            } else if (Duration.between(quietFrom, Instant.now()).compareTo(QUIET) >= 0) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
        }
        out.println("Not settled within " + options.timeout() + ": reporting what is there.");
    }

    /**
     * From Tandem's event log and audit trail: the product and stock events it logged, and the inventory flow's
     * writes (one exchange writes once for all its events: its audit entries share the time and what was written).
     * Reads only what all flows have settled; events waiting for a retry are looked at again until they settle.
     */
    private final class TandemCounts {
        long scanned;
        long productEvents;
        long stockEvents;
        final Set<String> stockWrites = new HashSet<>();
        final Set<Long> retrying = new HashSet<>();

        synchronized void update(long settled) {
            for (Long offset : List.copyOf(retrying)) {
                count(offset);
            }
            while (scanned < settled) {
                List<LoggedEvent> batch = tandem.eventLog().readAfter(scanned, (int) Math.min(500, settled - scanned));
                if (batch.isEmpty()) {
                    return;
                }
                for (LoggedEvent e : batch) {
                    if (e.offset() > settled) {
                        return;
                    }
                    scanned = e.offset();
                    if (e.event().type().startsWith("Product.")) {
                        productEvents++;
                    } else if ("Inventory.Changed".equals(e.event().type())) {
                        stockEvents++;
                        count(e.offset());
                    }
                }
            }
        }

        private void count(long offset) {
            List<AuditEntry> audit = tandem.stateStore().auditFor(offset);
            for (AuditEntry a : audit) {
                if (INVENTORY_FLOW.equals(a.flow()) && a.written() != null && "OK".equals(a.outcome())) {
                    stockWrites.add(a.at() + "|" + a.written());
                }
            }
            if (!audit.isEmpty() && "RETRY".equals(audit.getLast().outcome())) {
                retrying.add(offset);
            } else {
                retrying.remove(offset);
            }
        }

        synchronized long coalesced() {
            return Math.max(0, stockEvents - stockWrites.size());
        }
    }

    private CatalogReport report(long salesforceCallsBeforeReport, double seconds)
            throws IOException, InterruptedException {
        // Counted before the drift's hand edit and the report's own reads: Tandem's requests only.
        long apiCalls = salesforceCallsBeforeReport;
        SalesforceRestClient reader = restClient("tandem-demo-report");
        // Salesforce over its REST API.
        Map<String, ObjectNode> productsByKey = new HashMap<>();
        long duplicates = 0;
        List<ObjectNode> sfProducts = reader.query("SELECT Id, Clarity_Product_Key__c, IsActive,"
                + " Clarity_Quantity_On_Hand__c FROM Product2");
        long keyed = 0;
        for (ObjectNode p : sfProducts) {
            String key = Customer360Demo.text(p, "Clarity_Product_Key__c");
            if (key.isEmpty()) {
                continue;
            }
            keyed++;
            if (productsByKey.putIfAbsent(key, p) != null) {
                duplicates++;
            }
        }
        Map<String, ObjectNode> entriesByKey = new HashMap<>();
        for (ObjectNode e : reader.query("SELECT Id, Clarity_Price_Key__c, UnitPrice, IsActive FROM PricebookEntry")) {
            String key = Customer360Demo.text(e, "Clarity_Price_Key__c");
            if (!key.isEmpty()) {
                entriesByKey.putIfAbsent(key, e);
            }
        }
        // Clarity over its REST API: every product, its price for one unit and its calculated inventory.
        List<JsonNode> products = clarityAll("/Products/Products");
        long missing = 0;
        long priceMismatches = 0;
        long quantityMismatches = 0;
        long statusMismatches = 0;
        for (JsonNode product : products) {
            int id = product.path("ID").asInt();
            String key = Customer360Demo.text(product, "CustomKey");
            if (key.isEmpty()) {
                key = "CEF-PRODUCT-" + id;
            }
            boolean isActive = product.path("Active").asBoolean(true) && !product.path("IsDiscontinued").asBoolean(false);
            JsonNode price = clarityCall("GET", "/Pricing/Prices/ForProduct/" + id + "/Quantity/1", null);
            JsonNode basePrice = price == null ? null : price.path("Result").path("BasePrice");
            JsonNode inventory = clarityCall("GET", "/Providers/Inventory/CalculateInventory/" + id, null)
                    .path("Result");
            ObjectNode sf = productsByKey.get(key);
            if (sf == null) {
                missing++;
                priceMismatches += basePrice != null && basePrice.isNumber() ? 1 : 0;
                quantityMismatches++;
                statusMismatches++;
                continue;
            }
            if (sf.path("IsActive").asBoolean() != isActive) {
                statusMismatches++;
            }
            if (basePrice != null && basePrice.isNumber()) {
                ObjectNode entry = entriesByKey.get(key + "|standard");
                BigDecimal expected = basePrice.decimalValue().setScale(2, RoundingMode.HALF_UP);
                if (entry == null || !entry.path("UnitPrice").isNumber()
                        || entry.path("UnitPrice").decimalValue().compareTo(expected) != 0) {
                    priceMismatches++;
                } else if (entry.path("IsActive").asBoolean() != isActive) {
                    statusMismatches++;
                }
            }
            JsonNode onHand = inventory.path("QuantityOnHand");
            JsonNode sfQuantity = sf.path("Clarity_Quantity_On_Hand__c");
            if (!sfQuantity.isNumber() || !onHand.isNumber()
                    || sfQuantity.decimalValue().compareTo(onHand.decimalValue()) != 0) {
                quantityMismatches++;
            }
        }
        counts.update(tandem.status().settled());
        return new CatalogReport(products.size(), keyed, entriesByKey.size(), missing, priceMismatches,
                quantityMismatches, statusMismatches, duplicates, apiCalls, created, priceChanges, deactivated,
                stockChanges, counts.stockEvents, counts.coalesced(), options.drift().name().toLowerCase(Locale.ROOT),
                seconds);
    }

    /** Every row of a CEF list, page by page ({@code Paging={Size:n,StartIndex:k}}, k a 1-based page number). */
    private List<JsonNode> clarityAll(String list) throws IOException, InterruptedException {
        List<JsonNode> rows = new ArrayList<>();
        for (int page = 1; ; page++) {
            String paging = URLEncoder.encode("{Size:500,StartIndex:" + page + "}", StandardCharsets.UTF_8);
            JsonNode result = clarityCall("GET", list + "?Paging=" + paging, null);
            result.path("Results").forEach(rows::add);
            if (page >= result.path("TotalPages").asInt(0) || result.path("Results").isEmpty()) {
                return rows;
            }
        }
    }

    /**
     * One Clarity REST call; its JSON answer. A GET of a price Clarity does not have (404) is null; any other
     * answer but 2xx, or a {@code CEFActionResponse} with {@code ActionSucceeded: false}, is an error.
     */
    private JsonNode clarityCall(String method, String path, JsonNode body) throws IOException, InterruptedException {
        String basic = Base64.getEncoder().encodeToString((clarity.user() + ":" + clarity.password())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(clarity.baseUrl() + path))
                .header("Authorization", "Basic " + basic).header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 404 && "GET".equals(method) && path.startsWith("/Pricing/")) {
            return null;
        }
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " on the Clarity sandbox: HTTP " + r.statusCode()
                    + " " + r.body());
        }
        JsonNode answer = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        if (answer.path("ActionSucceeded").isBoolean() && !answer.path("ActionSucceeded").asBoolean()) {
            throw new IllegalStateException(method + " " + path + " on the Clarity sandbox failed: " + r.body());
        }
        return answer;
    }

    private void printBanner() {
        out.println("Tandem demo, scenario catalog: " + options.products() + " products added in Clarity, "
                + options.priceChanges() + " price changes, " + options.deactivations() + " deactivations, "
                + options.bursts() + " stock bursts of " + options.burstSize() + " changes, at " + options.rate()
                + " actions/s; data in " + options.dataDir());
        out.println("  Flows on: " + PRODUCT_FLOW + " and " + INVENTORY_FLOW + " (Clarity webhooks)");
        out.println("  Salesforce sandbox  " + salesforce.baseUrl() + "   client id " + salesforce.clientId()
                + "  client secret " + salesforce.clientSecret());
        out.println("  Clarity sandbox     " + clarity.baseUrl() + "   user " + clarity.user() + "  password "
                + clarity.password());
        out.println("  Tandem              " + tandem.baseUrl() + "   (/api/v1, /health, /metrics)");
    }

    private void printProgress(boolean last) {
        StatusSnapshot s = tandem.status();
        try {
            counts.update(s.settled());
        } catch (RuntimeException e) {
            // Keep the last counts: one failed read must not stop the live line (its executor would drop the task).
        }
        String line = String.format(Locale.ROOT, "products %d (deactivated %d) · price changes %d · stock changes %d │ "
                        + "Tandem: product events %d, stock events %d, coalesced %d │ in flight %d · dead letters %d"
                        + " · Salesforce API calls %d",
                created, deactivated, priceChanges, stockChanges, counts.productEvents, counts.stockEvents,
                counts.coalesced(), Math.max(0, s.received() - s.settled()), s.deadLettered(), s.salesforceApiCalls());
        if (liveLine) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void printSummary(CatalogReport r) {
        out.println();
        out.println("Summary (counted in both sandboxes over their APIs):");
        out.printf("  products in Clarity / Product2 in Salesforce   %d / %d   (missing in Salesforce %d, duplicates %d)%n",
                r.products(), r.salesforceProducts(), r.missingInSalesforce(), r.duplicates());
        out.printf("  price book entries in Salesforce               %d%n", r.pricebookEntries());
        out.printf("  price mismatches                               %d%n", r.priceMismatches());
        out.printf("  quantity mismatches                            %d%n", r.quantityMismatches());
        out.printf("  active-flag mismatches                         %d%n", r.statusMismatches());
        out.printf("  stock changes in Clarity / events coalesced    %d / %d%n", r.stockChanges(), r.eventsCoalesced());
        out.printf("  Salesforce API calls by Tandem                 %d%n", r.salesforceApiCalls());
        out.printf("  time                                           %.1f s%n", r.seconds());
        out.println(r.consistent() ? "Both systems agree: every product, price and quantity as in Clarity."
                : "THE SYSTEMS DISAGREE: see the mismatches above.");
    }

    @Override
    public void close() {
        try {
            tandem.close();
        } finally {
            try {
                clarity.close();
            } finally {
                salesforce.close();
            }
        }
    }
}
