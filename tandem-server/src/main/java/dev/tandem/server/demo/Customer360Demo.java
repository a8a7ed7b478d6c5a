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
import dev.tandem.salesforce.cdc.CdcSettings;
import dev.tandem.salesforce.client.SalesforceRestClient;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.RecordRef;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.sandbox.salesforce.SalesforceSandbox;
import dev.tandem.server.StatusSnapshot;
import dev.tandem.server.TandemServer;
import dev.tandem.server.api.AdminApi;
import dev.tandem.server.api.Role;
import dev.tandem.server.config.TandemConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.PrintStream;
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
 * {@code tandem demo --scenario customer360} (issue 10, item 7): both sandboxes and Tandem in one process with the
 * shipped customer flows switched on in both directions — {@code clarity-customer-to-salesforce} (Clarity's
 * {@code Customer.*} webhooks) and {@code salesforce-contact-to-clarity} (Change Data Capture on Contact).
 *
 * <p>Three kinds of people act at the given rate: customers register in Clarity (the sandbox's customer generator,
 * which fires {@code Customer.Created}); customers change the phone number of their profile through the Clarity
 * REST API ({@code PUT /Contacts/Contact/Update}, then {@code PUT /Contacts/User/Update}, as a storefront's profile
 * page would); and a sales rep changes the phone of a synced contact in Salesforce through its REST API
 * ({@code PATCH /sobjects/Contact/{id}}) with its own client id, not Tandem's, so its change is a real one and not
 * an echo. One person changes a customer at a time: a customer changed on one side is not touched again until the
 * change has arrived on the other (simultaneous edits of one field on both sides are conflicts, for the
 * master-data policy to decide; this scenario does not provoke them).
 *
 * <p>The live line shows each direction (events Tandem logged, writes it made), echoes dropped and conflicts. After
 * the last action the demo waits for settlement (nothing in flight, Clarity's webhook queue and Tandem's event log
 * and retry queue empty, then quiet for a second) and compares both systems over their APIs.
 */
public final class Customer360Demo implements AutoCloseable {

    /**
     * @param customers      customers to register in Clarity
     * @param profileUpdates phone changes customers make in their Clarity profile
     * @param repChanges     phone changes the sales rep makes in Salesforce
     * @param rate           actions per second (all three kinds together)
     * @param seed           seed of the generated data and of the order of the actions
     * @param dataDir        where the store file goes
     * @param timeout        how long to wait for a customer to be synced and for settlement
     */
    public record Options(int customers, int profileUpdates, int repChanges, double rate, long seed, Path dataDir,
                          Duration timeout) {
        public Options {
            if (customers < 1 || profileUpdates < 0 || repChanges < 0 || !(rate > 0)) {
                throw new IllegalArgumentException("--customers must be >= 1, --profile-updates and --rep-changes"
                        + " >= 0, --rate > 0");
            }
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(timeout, "timeout");
        }
    }

    static final String TO_SALESFORCE = "clarity-customer-to-salesforce";
    static final String TO_CLARITY = "salesforce-contact-to-clarity";
    /** The Sforce-Call-Options client of the simulated sales rep: not Tandem's. */
    static final String REP_CLIENT = "sales-rep-console";
    private static final String CONTACT_TOPIC = "/data/ContactChangeEvent";
    private static final Duration QUIET = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A registered customer; {@code pending} is the phone one side changed and the other does not show yet. */
    private static final class Customer {
        final int userId;
        final int contactId;
        final String contactKey;
        String salesforceId;
        Pending pending;

        Customer(int userId, int contactId, String contactKey) {
            this.userId = userId;
            this.contactId = contactId;
            this.contactKey = contactKey;
        }
    }

    /** A phone change on one side, on its way to the other. */
    private record Pending(boolean inClarity, String phone) {
    }

    private final Options options;
    private final PrintStream out;
    private final boolean liveLine;
    private final SalesforceSandbox salesforce;
    private final ClaritySandbox clarity;
    private final TandemServer tandem;
    private final String webhookSecret;
    private final HttpClient http = HttpClient.newHttpClient();
    private final SalesforceRestClient rep;
    private final List<Customer> customers = new ArrayList<>();
    private final DirectionCounts counts = new DirectionCounts();
    private int registrations;
    private int profileUpdates;
    private int repChanges;
    /** A viewer token for Tandem's admin API, to read its conflicts review queue. */
    private final String viewerToken;
    /** Conflicts in Tandem's review queue ({@code GET /api/v1/conflicts}); -1 while Tandem has no such endpoint. */
    private volatile long conflicts = -1;

    public Customer360Demo(Options options, PrintStream out, boolean liveLine) {
        this.options = options;
        this.out = out;
        this.liveLine = liveLine;
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        this.webhookSecret = HexFormat.of().formatHex(secret);
        this.salesforce = SalesforceSandbox.builder().port(0).pubSubPort(0).pubSubKeepAlive(Duration.ofMillis(500))
                .build().start();
        // No customers at start: every customer of this demo registers while Tandem listens.
        this.clarity = ClaritySandbox.builder().port(0).seed(options.seed()).customers(0)
                .webhookRetryInitial(Duration.ofMillis(200)).webhookRetryMax(Duration.ofSeconds(2)).build().start();
        this.tandem = TandemServer.start(config());
        this.rep = restClient(REP_CLIENT);
        this.viewerToken = tandem.adminApi().tokens().create("demo-customer360-viewer", Role.VIEWER).secret();
    }

    public TandemServer tandem() {
        return tandem;
    }

    private TandemConfig config() {
        PollSettings polling = PollSettings.defaults().withInterval(Duration.ofSeconds(1))
                .withEntities(List.of(ClarityEntity.USER));
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
                .withFlows(new TandemConfig.Flows(null, Map.of(TO_SALESFORCE, true, TO_CLARITY, true)))
                .withCdc(contactChanges());
    }

    /** Change Data Capture on Contact from the sandbox's Pub/Sub API, over TLS with the certificate it generated. */
    private CdcSettings contactChanges() {
        var pubSub = salesforce.pubSub().orElseThrow();
        CdcSettings cdc = CdcSettings.forObjects(List.of("Contact")).withEndpoint(pubSub.endpoint())
                .withReplayStart(CdcSettings.ReplayStart.LATEST)
                .withReconnect(Duration.ofMillis(100), Duration.ofSeconds(1));
        return pubSub.certificatePath().map(cdc::withTrustCertificate).orElse(cdc.withPlaintext(true));
    }

    private SalesforceRestClient restClient(String client) {
        SalesforceConfig cfg = SalesforceConfig.of(URI.create(salesforce.tokenUrl()), salesforce.clientId(),
                salesforce.clientSecret()).withCallOptionsClient(client);
        return new SalesforceRestClient(cfg, new ClientCredentialsTokenProvider(cfg, http), http,
                new SimpleMeterRegistry());
    }

    public Customer360Report run(boolean exitWhenSettled) throws IOException, InterruptedException {
        printBanner();
        Demo.registerWebhook(http, clarity, tandem.webhookUrl(), webhookSecret);
        awaitContactSubscription();
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
        Customer360Report report = report(seconds);
        printSummary(report);
        if (!exitWhenSettled) {
            out.println("Tandem keeps running; press Ctrl-C to stop.");
        }
        return report;
    }

    /** Change events are delivered from the subscription on: the rep's first change must come after it is up. */
    private void awaitContactSubscription() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(options.timeout());
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(tandem.baseUrl().resolve("/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if ("SUBSCRIBED".equals(JSON.readTree(health.body()).path("salesforceCdc").path(CONTACT_TOPIC).asText())) {
                return;
            }
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new IllegalStateException("Tandem did not subscribe to " + CONTACT_TOPIC + " within " + options.timeout());
    }

    /**
     * The actions in a seeded random order at the given rate. A phone change needs a synced customer nobody is
     * changing: when there is none yet, a registration goes first; when every customer is registered, it waits.
     */
    private void act(Random random) throws IOException, InterruptedException {
        int toRegister = options.customers();
        int toUpdate = options.profileUpdates();
        int toChange = options.repChanges();
        long intervalNanos = (long) (1_000_000_000L / options.rate());
        long next = System.nanoTime();
        Instant deadline = Instant.now().plus(options.timeout());
        while (toRegister + toUpdate + toChange > 0) {
            int pick = random.nextInt(toRegister + toUpdate + toChange);
            boolean register = pick < toRegister;
            boolean inClarity = !register && pick < toRegister + toUpdate;
            Customer target = null;
            while (!register && (target = idleSyncedCustomer(random)) == null) {
                if (toRegister > 0) {
                    register = true;
                } else if (Instant.now().isAfter(deadline)) {
                    out.println("No synced customer became free within " + options.timeout() + "; "
                            + (toUpdate + toChange) + " phone changes not made.");
                    return;
                } else {
                    LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                }
            }
            if (register) {
                register();
                toRegister--;
            } else if (inClarity) {
                changePhoneInClarity(target, String.format("+1 512-555-%04d", random.nextInt(10_000)));
                toUpdate--;
            } else {
                changePhoneInSalesforce(target, String.format("+1 737 555 %04d", random.nextInt(10_000)));
                toChange--;
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private void register() {
        RecordRef account = clarity.customers().createRandomCustomer();
        UserModel user = clarity.store().users().all().stream().filter(u -> u.accountId() == account.id())
                .findFirst().orElseThrow(() -> new IllegalStateException("no user of account " + account.id()));
        String key = user.contactKey() != null && !user.contactKey().isEmpty() ? user.contactKey()
                : "CEF-CONTACT-" + user.contactId();
        synchronized (customers) {
            customers.add(new Customer(user.id(), user.contactId(), key));
        }
        registrations++;
    }

    /** A customer with a Salesforce Contact that no change is on its way to; null when there is none. */
    private Customer idleSyncedCustomer(Random random) {
        refreshPending();
        List<Customer> idle = new ArrayList<>();
        synchronized (customers) {
            for (Customer c : customers) {
                if (c.pending == null && c.salesforceId != null) {
                    idle.add(c);
                }
            }
        }
        return idle.isEmpty() ? null : idle.get(random.nextInt(idle.size()));
    }

    /**
     * Learns the Salesforce ids of new customers and clears the changes that arrived, reading both sandboxes in
     * process (not over their APIs, so the Salesforce API count stays Tandem's and the rep's).
     */
    private void refreshPending() {
        List<Customer> snapshot;
        synchronized (customers) {
            snapshot = List.copyOf(customers);
        }
        if (snapshot.stream().anyMatch(c -> c.salesforceId == null)) {
            Map<String, String> idsByKey = new HashMap<>();
            for (Map<String, Object> contact : salesforce.records("Contact")) {
                Object key = contact.get("Clarity_Contact_Key__c");
                if (key != null) {
                    idsByKey.putIfAbsent(key.toString(), String.valueOf(contact.get("Id")));
                }
            }
            snapshot.stream().filter(c -> c.salesforceId == null).forEach(c -> c.salesforceId = idsByKey.get(c.contactKey));
        }
        for (Customer c : snapshot) {
            Pending p = c.pending;
            if (p == null) {
                continue;
            }
            String now = p.inClarity()
                    ? salesforce.record("Contact", c.salesforceId).map(r -> String.valueOf(r.get("Phone"))).orElse("")
                    : clarity.store().contacts().byId(c.contactId).map(x -> String.valueOf(x.phone1())).orElse("");
            if (SyncedFields.digits(p.phone()).equals(SyncedFields.digits(now))) {
                c.pending = null;
            }
        }
    }

    /**
     * The customer changes the phone of their profile through the Clarity REST API: the contact first (its copies
     * in the user follow), then the user, whose {@code Customer.Updated} (Entity User) is what the flow acts on.
     */
    private void changePhoneInClarity(Customer c, String phone) throws IOException, InterruptedException {
        c.pending = new Pending(true, phone);
        ObjectNode contact = (ObjectNode) clarityGet("/Contacts/Contact/ID/" + c.contactId);
        contact.put("Phone1", phone);
        clarityPut("/Contacts/Contact/Update", contact);
        ObjectNode user = (ObjectNode) clarityGet("/Contacts/User/ID/" + c.userId);
        user.put("PhoneNumber", phone);
        clarityPut("/Contacts/User/Update", user);
        profileUpdates++;
    }

    /** The sales rep changes the phone over the Salesforce REST API, as its own client (not an echo). */
    private void changePhoneInSalesforce(Customer c, String phone) {
        c.pending = new Pending(false, phone);
        rep.update("Contact", c.salesforceId, JSON.createObjectNode().put("Phone", phone));
        repChanges++;
    }

    private JsonNode clarityGet(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(clarityRequest(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " on the Clarity sandbox: HTTP " + r.statusCode() + " "
                    + r.body());
        }
        return JSON.readTree(r.body());
    }

    private void clarityPut(String path, JsonNode body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(clarityRequest(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + path + " on the Clarity sandbox: HTTP " + r.statusCode() + " "
                    + r.body());
        }
    }

    private HttpRequest.Builder clarityRequest(String pathAndQuery) {
        String basic = Base64.getEncoder().encodeToString((clarity.user() + ":" + clarity.password())
                .getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(clarity.baseUrl() + pathAndQuery))
                .header("Authorization", "Basic " + basic).header("Accept", "application/json");
    }

    /**
     * Settled: no change on its way, Clarity's webhook queue empty, every logged event processed and no retry
     * waiting — and still so, with no new event or change event, a second later (a change event of Tandem's last
     * write may still be on its way when everything else is empty).
     */
    private void awaitSettled(Instant deadline) {
        long[] quietSince = null;
        Instant quietFrom = null;
        while (Instant.now().isBefore(deadline)) {
            refreshPending();
            boolean empty;
            synchronized (customers) {
                empty = customers.stream().allMatch(c -> c.pending == null && c.salesforceId != null);
            }
            empty = empty && clarity.webhooks().pendingDeliveries() == 0 && tandem.runtime().idle();
            StatusSnapshot s = tandem.status();
            long[] marks = {s.received(), s.cdcEvents(), salesforce.apiRequestCount()};
            if (!empty) {
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
     * Per direction, from Tandem's event log and record timeline: the events each direction's flow got, and the
     * writes it made (a {@code to} step that wrote). Reads only what all flows have settled.
     */
    private final class DirectionCounts {
        long scanned;
        long toSalesforceEvents;
        long toSalesforceWrites;
        long toClarityEvents;
        long toClarityWrites;
        /** Events with a retry waiting: looked at again until they wrote or gave up. */
        final Set<Long> retrying = new HashSet<>();

        synchronized void update(long settled) {
            for (Long offset : List.copyOf(retrying)) {
                count(offset, false);
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
                    if ("salesforce".equals(e.event().source())) {
                        toClarityEvents++;
                    } else if (e.event().type().startsWith("Customer.") && "User".equals(e.event().entity())) {
                        toSalesforceEvents++;
                    }
                    count(e.offset(), true);
                }
            }
        }

        private void count(long offset, boolean first) {
            List<AuditEntry> audit = tandem.stateStore().auditFor(offset);
            boolean wrote = false;
            for (AuditEntry a : audit) {
                if (a.written() != null && "OK".equals(a.outcome())) {
                    wrote = true;
                    if (TO_SALESFORCE.equals(a.flow())) {
                        toSalesforceWrites++;
                    } else if (TO_CLARITY.equals(a.flow())) {
                        toClarityWrites++;
                    }
                }
            }
            if (wrote) {
                retrying.remove(offset);
            } else if (first && !audit.isEmpty() && "RETRY".equals(audit.getLast().outcome())) {
                retrying.add(offset);
            } else if (!audit.isEmpty() && !"RETRY".equals(audit.getLast().outcome())) {
                retrying.remove(offset);
            }
        }
    }

    private Customer360Report report(double seconds) throws IOException, InterruptedException {
        conflicts = readConflicts();
        long apiCalls = salesforce.apiRequestCount() - rep.apiCallCount();
        SalesforceRestClient reader = restClient("tandem-demo-report");
        // Clarity over its REST API: every user (customer) and every contact.
        List<JsonNode> users = clarityAll("/Contacts/Users");
        Map<Integer, JsonNode> contactsById = new HashMap<>();
        for (JsonNode c : clarityAll("/Contacts/Contacts")) {
            contactsById.put(c.path("ID").asInt(), c);
        }
        // Salesforce over its REST API.
        List<ObjectNode> sfContacts = reader.query("SELECT Id, Clarity_Contact_Key__c, FirstName, LastName, Email,"
                + " Phone FROM Contact");
        long accounts = reader.query("SELECT Id FROM Account").size();
        Map<String, ObjectNode> byKey = new HashMap<>();
        sfContacts.forEach(c -> byKey.putIfAbsent(text(c, "Clarity_Contact_Key__c"), c));
        long mismatched = 0;
        long missing = 0;
        for (JsonNode user : users) {
            JsonNode contact = contactsById.getOrDefault(user.path("ContactID").asInt(), user.path("Contact"));
            String key = firstNonEmpty(text(user, "ContactKey"), text(contact, "CustomKey"),
                    "CEF-CONTACT-" + user.path("ContactID").asText());
            ObjectNode sf = byKey.get(key);
            if (sf == null) {
                missing++;
                mismatched += SyncedFields.COMPARED;
            } else {
                mismatched += SyncedFields.mismatches(user, contact, sf);
            }
        }
        return new Customer360Report(users.size(), accounts, sfContacts.size(), mismatched, missing,
                SyncedFields.duplicates(sfContacts), tandem.status().cdcEchoesDropped(), Math.max(0, conflicts), apiCalls,
                registrations, profileUpdates, repChanges, seconds);
    }

    /**
     * The conflicts in Tandem's review queue, open and resolved ({@code GET /api/v1/conflicts?limit=500}: the
     * master-data policy's queue); -1 when this Tandem has no such endpoint (404).
     */
    private long readConflicts() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(tandem.baseUrl() + AdminApi.BASE
                    + "/conflicts?limit=500")).header("Authorization", "Bearer " + viewerToken).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 404) {
                return -1;
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("GET /api/v1/conflicts: HTTP " + r.statusCode() + " " + r.body());
            }
            return JSON.readTree(r.body()).path("items").size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return conflicts;
        }
    }

    private String conflictsText() {
        return conflicts < 0 ? "conflicts 0 (no review queue)" : "conflicts " + conflicts;
    }

    /** Every row of a CEF list, page by page ({@code Paging={Size:n,StartIndex:k}}, k a 1-based page number). */
    private List<JsonNode> clarityAll(String list) throws IOException, InterruptedException {
        List<JsonNode> rows = new ArrayList<>();
        for (int page = 1; ; page++) {
            String paging = URLEncoder.encode("{Size:500,StartIndex:" + page + "}", StandardCharsets.UTF_8);
            JsonNode result = clarityGet(list + "?Paging=" + paging);
            result.path("Results").forEach(rows::add);
            if (page >= result.path("TotalPages").asInt(0) || result.path("Results").isEmpty()) {
                return rows;
            }
        }
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isMissingNode() || v.isNull() ? "" : v.asText();
    }

    private static String firstNonEmpty(String... values) {
        for (String v : values) {
            if (!v.isEmpty()) {
                return v;
            }
        }
        return "";
    }

    private void printBanner() {
        out.println("Tandem demo, scenario customer360: " + options.customers() + " customers register in Clarity, "
                + options.profileUpdates() + " profile updates in Clarity, " + options.repChanges()
                + " phone changes by a sales rep in Salesforce, at " + options.rate() + "/s; data in "
                + options.dataDir());
        out.println("  Flows on: " + TO_SALESFORCE + " (Clarity webhooks) and " + TO_CLARITY
                + " (Salesforce Change Data Capture on Contact)");
        out.println("  Salesforce sandbox  " + salesforce.baseUrl() + "   client id " + salesforce.clientId()
                + "  client secret " + salesforce.clientSecret());
        out.println("  Clarity sandbox     " + clarity.baseUrl() + "   user " + clarity.user() + "  password "
                + clarity.password());
        out.println("  Tandem              " + tandem.baseUrl() + "   (/api/v1, /health, /metrics)");
        out.println("  Conflicts: read from Tandem's review queue, GET " + tandem.baseUrl() + AdminApi.BASE
                + "/conflicts (0 when this Tandem has none)");
    }

    private void printProgress(boolean last) {
        StatusSnapshot s = tandem.status();
        counts.update(s.settled());
        try {
            conflicts = readConflicts();
        } catch (RuntimeException e) {
            // Keep the last count: one failed read must not stop the live line (its executor would drop the task).
        }
        long inFlight;
        synchronized (customers) {
            inFlight = customers.stream().filter(c -> c.pending != null || c.salesforceId == null).count();
        }
        String line = String.format(Locale.ROOT, "registered %d · profile updates %d · rep changes %d │ "
                        + "Clarity→Salesforce: events %d, writes %d │ Salesforce→Clarity: change events %d, writes %d │ "
                        + "echoes dropped %d · %s · in flight %d · Salesforce API calls %d",
                registrations, profileUpdates, repChanges, counts.toSalesforceEvents, counts.toSalesforceWrites,
                counts.toClarityEvents, counts.toClarityWrites, s.cdcEchoesDropped(), conflictsText(), inFlight,
                s.salesforceApiCalls());
        if (liveLine) {
            out.print("\r" + line + (last ? System.lineSeparator() : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private void printSummary(Customer360Report r) {
        out.println();
        out.println("Summary (counted in both sandboxes over their APIs):");
        out.printf("  customers in Clarity                %d%n", r.customers());
        out.printf("  Accounts / Contacts in Salesforce   %d / %d%n", r.accounts(), r.contacts());
        out.printf("  mismatched synced fields            %d   (customers without a Salesforce Contact: %d)%n",
                r.mismatchedFields(), r.missingInSalesforce());
        out.printf("  duplicate Salesforce Contacts       %d%n", r.duplicates());
        out.printf("  echoes dropped                      %d%n", r.echoesDropped());
        out.printf("  conflicts                           %d   (%s)%n", r.conflicts(),
                conflicts < 0 ? "this Tandem has no conflict review queue" : "Tandem's review queue");
        out.printf("  Salesforce API calls by Tandem      %d%n", r.salesforceApiCalls());
        out.printf("  time                                %.1f s%n", r.seconds());
        out.println(r.consistent() ? "Both systems agree: nothing mismatched, nothing duplicated."
                : "THE SYSTEMS DISAGREE OR SALESFORCE HAS DUPLICATES: see above.");
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
