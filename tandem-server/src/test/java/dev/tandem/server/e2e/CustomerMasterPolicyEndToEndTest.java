package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.sync.Conflict;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Customer 360's field-level master-data policy end to end (issue 10 item 3), with both shipped customer flows on and
 * Change Data Capture on Contact: the same phone changed by the customer in Clarity and by a sales rep in Salesforce
 * while both flows are paused (so both changes are there when Tandem looks), then resumed — one test per policy —
 * and the loop test of item 4: one human change makes one write on the other side, then the system goes quiet.
 */
class CustomerMasterPolicyEndToEndTest {

    private static final String CUSTOMER_PHONE = "+1 512 555 0101";
    private static final String REP_PHONE = "+1 737 555 0142";
    private static final List<String> FLOWS = List.of("clarity-customer-to-salesforce", "salesforce-contact-to-clarity");

    @TempDir
    Path dir;
    private TandemStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void salesforceWinsKeepsTheRepsPhoneOnBothSides() throws Exception {
        Customer c = start("salesforce-wins", "1m", Clock.systemUTC());
        changeBothSides(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> digits(clarityPhone(c)).equals(digits(REP_PHONE)));
        assertThat(digits(salesforcePhone(c))).isEqualTo(digits(REP_PHONE));
        assertThat(openConflicts()).isEmpty();
    }

    @Test
    void clarityWinsKeepsTheCustomersPhoneOnBothSides() throws Exception {
        Customer c = start("clarity-wins", "1m", Clock.systemUTC());
        changeBothSides(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> digits(salesforcePhone(c)).equals(digits(CUSTOMER_PHONE)));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() ->
                digits(clarityPhone(c)).equals(digits(CUSTOMER_PHONE)));
        assertThat(openConflicts()).isEmpty();
    }

    @Test
    void newestWinsTakesTheLaterChangeByEachSidesModifiedTime() throws Exception {
        // Clarity's clock runs 3 minutes behind: its change looks older than the rep's, by more than the window.
        Customer c = start("newest-wins", "1m", Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-3)));
        changeBothSides(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> digits(clarityPhone(c)).equals(digits(REP_PHONE)));
        assertThat(digits(salesforcePhone(c))).isEqualTo(digits(REP_PHONE));
        assertThat(openConflicts()).isEmpty();
        // Whichever direction gets the record's lock first decides, by the same policy: the customer's change kept
        // out of Salesforce, or the rep's value written to Clarity.
        assertThat(timelineDetails()).anyMatch(d -> d.contains("newest-wins")
                && (d.contains("salesforce's value kept") || d.contains("salesforce's value written")));
    }

    @Test
    void manualSendsTheConflictToReviewAndResolvingWritesTheChosenValueToTheOtherSide() throws Exception {
        Customer c = start("manual", "1m", Clock.systemUTC());
        changeBothSides(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> !openConflicts().isEmpty());
        Conflict conflict = openConflicts().getFirst();
        assertThat(conflict.policy()).isEqualTo("manual");
        assertThat(List.of(conflict.sourceValue(), conflict.targetValue()))
                .containsExactlyInAnyOrder("\"" + CUSTOMER_PHONE + "\"", "\"" + REP_PHONE + "\"");
        // Held: neither side is overwritten while it waits for a person.
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                digits(clarityPhone(c)).equals(digits(CUSTOMER_PHONE)) && digits(salesforcePhone(c)).equals(digits(REP_PHONE)));

        // The operator's path: the CLI against the running Tandem's admin API.
        Path token = Files.writeString(dir.resolve("operator.token"), stack.tandem().adminApi().tokens()
                .create("ops", dev.tandem.server.api.Role.OPERATOR).secret());
        String listed = cli(token, "conflicts", "list");
        assertThat(listed).contains("salesforce Contact " + c.salesforceId + ".Phone").contains("manual");
        assertThat(cli(token, "conflicts", "show", String.valueOf(conflict.id())))
                .contains(CUSTOMER_PHONE).contains(REP_PHONE).contains("tandem conflicts resolve " + conflict.id() + " --take ");
        assertThat(cli(token, "conflicts", "resolve", String.valueOf(conflict.id()), "--take", "clarity"))
                .contains("written to salesforce");
        await().atMost(Duration.ofSeconds(10)).until(() -> digits(salesforcePhone(c)).equals(digits(CUSTOMER_PHONE)));
        assertThat(stack.tandem().stateStore().conflict(conflict.id()).orElseThrow().state()).isEqualTo(Conflict.RESOLVED);
        // The resolution's own write is not a new change: quiet afterwards, nothing new to review.
        assertQuiet(c);
        assertThat(openConflicts()).isEmpty();
    }

    @Test
    void newestWinsInsideTheWindowGoesToReviewAndAnOperatorsValueGoesToBothSides() throws Exception {
        Customer c = start("newest-wins", "10m", Clock.systemUTC());
        changeBothSides(c);
        await().atMost(Duration.ofSeconds(30)).until(() -> !openConflicts().isEmpty());
        Conflict conflict = openConflicts().getFirst();
        assertThat(conflict.reason()).contains("too close to call");
        String operator = stack.tandem().adminApi().tokens().create("ops", dev.tandem.server.api.Role.OPERATOR).secret();
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.tandem().baseUrl() + "/api/v1/conflicts/" + conflict.id() + "/resolve"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"take\":\"value\",\"value\":\"+1 415 555 0199\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode resolved = new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        assertThat(resolved.path("writtenTo")).extracting(JsonNode::asText).containsExactlyInAnyOrder("clarity", "salesforce");
        assertThat(resolved.path("resolvedBy").asText()).isEqualTo("ops");
        await().atMost(Duration.ofSeconds(10)).until(() -> digits(salesforcePhone(c)).equals("14155550199")
                && digits(clarityPhone(c)).equals("14155550199"));
        assertQuiet(c);
    }

    @Test
    void oneHumanChangeMakesOneWriteOnTheOtherSideAndThenTheSystemGoesQuiet() throws Exception {
        Customer c = start("newest-wins", "1m", Clock.systemUTC());
        for (String flow : FLOWS) {
            stack.tandem().runtime().resume(flow, "test", "go");
        }
        assertQuiet(c);

        // The customer changes the phone in Clarity: one Salesforce write, no write back to Clarity.
        String sfModifiedBefore = contact(c).path("LastModifiedDate").asText();
        stack.clarity.customers().updatePhone(c.user.id(), CUSTOMER_PHONE);
        await().atMost(Duration.ofSeconds(30)).until(() -> digits(salesforcePhone(c)).equals(digits(CUSTOMER_PHONE)));
        assertThat(contact(c).path("LastModifiedDate").asText()).isNotEqualTo(sfModifiedBefore);
        var clarityModified = stack.clarity.store().contacts().byId(c.user.contactId()).orElseThrow().updatedDate();
        assertQuiet(c);
        assertThat(stack.clarity.store().contacts().byId(c.user.contactId()).orElseThrow().updatedDate())
                .as("Tandem did not write the customer's own change back to Clarity").isEqualTo(clarityModified);

        // A sales rep changes it in Salesforce: one Clarity write, no write back to Salesforce.
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Contact", c.salesforceId, "{\"Phone\":\"" + REP_PHONE + "\"}");
        stack.salesforce.changeAsUser(null);
        String sfModifiedByRep = contact(c).path("LastModifiedDate").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> digits(clarityPhone(c)).equals(digits(REP_PHONE)));
        assertQuiet(c);
        assertThat(contact(c).path("LastModifiedDate").asText())
                .as("Tandem did not write the rep's change back to Salesforce").isEqualTo(sfModifiedByRep);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        assertThat(stack.salesforceRest().query("SELECT Id FROM Contact WHERE Clarity_Contact_Key__c = '"
                + c.user.contactKey() + "'")).hasSize(1);
    }

    @Test
    void aRestartInTheMiddleOfATwoWayRunLosesAndDuplicatesNothing() throws Exception {
        Customer first = start("newest-wins", "1m", Clock.systemUTC());
        for (String flow : FLOWS) {
            stack.tandem().runtime().resume(flow, "test", "go");
        }
        java.util.Set<Integer> before = new java.util.HashSet<>();
        stack.clarity.store().users().all().forEach(u -> before.add(u.id()));
        for (int i = 0; i < 8; i++) {
            stack.clarity.customers().createRandomCustomer();
        }
        // Mid-run: the rep changes the first customer's phone and Tandem stops while the new customers are in flight.
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Contact", first.salesforceId, "{\"Phone\":\"" + REP_PHONE + "\"}");
        stack.salesforce.changeAsUser(null);
        stack.stopTandem();
        List<UserModel> users = new java.util.ArrayList<>(stack.clarity.store().users().all().stream()
                .filter(u -> !before.contains(u.id())).toList());
        // Customers change their phones while Tandem is down (some of them not yet in Salesforce).
        for (int i = 0; i < 4; i++) {
            stack.clarity.customers().updatePhone(users.get(i * 2).id(), "+1 512 555 02" + i + "0");
        }
        stack.startTandem();
        users.add(first.user);
        assertThat(users).hasSize(9);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> users.stream().allMatch(u -> inSync(u)));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            users.forEach(u -> System.out.println("USER " + u.id() + " " + u.contactKey() + " clarity "
                    + stack.clarity.store().contacts().byId(u.contactId()).orElseThrow().phone1() + " salesforce "
                    + contacts(u.contactKey())));
            System.setProperty("debugTimeline", "true");
            timelineDetails();
            throw e;
        }
        assertThat(digits(clarityPhone(first))).isEqualTo(digits(REP_PHONE));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
        assertThat(openConflicts()).isEmpty();
    }

    // ---- the set-up

    private record Customer(UserModel user, String salesforceId) {
    }

    /** Both flows with the given default policy and window, CDC on Contact, one customer synced, flows paused. */
    private Customer start(String policy, String window, Clock clarityClock) throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        for (String flow : FLOWS) {
            String yaml = shipped(flow + ".yaml").replace("default: newest-wins", "default: " + policy)
                    .replace("window: 1m", "window: " + window);
            Files.writeString(flows.resolve(flow + ".yaml"), yaml);
            Files.writeString(flows.resolve(flow + ".jsonata"), shipped(flow + ".jsonata"));
            var example = java.util.regex.Pattern.compile("(?m)^example: (\\S+)").matcher(yaml);
            if (example.find()) {
                Files.writeString(flows.resolve(example.group(1)), shipped(example.group(1)));
            }
        }
        stack = TandemStack.start(dir, ClaritySandbox.builder().port(0).seed(7).clock(clarityClock)
                        .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)),
                TandemConfig.Ingest.WEBHOOK, new TandemConfig.Flows(flows, Map.of(FLOWS.get(0), true, FLOWS.get(1), true)));
        assertThat(stack.tandem().flowProblems()).isEmpty();
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Contact");
        stack.startTandem();
        await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc").path("/data/ContactChangeEvent")
                .asText().equals("SUBSCRIBED"));
        stack.clarity.customers().createRandomCustomer();
        UserModel user = stack.clarity.store().users().all().getLast();
        await().atMost(Duration.ofSeconds(30)).until(() -> contacts(user.contactKey()).size() == 1);
        Customer c = new Customer(user, contacts(user.contactKey()).getFirst().path("Id").asText());
        // The new Salesforce id is written back to the Clarity contact, and that does not come back as a change.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var attribute = stack.clarity.store().contacts().byId(user.contactId()).orElseThrow()
                    .serializableAttributes().get("SalesforceId");
            return attribute != null && c.salesforceId.equals(attribute.value());
        });
        // Settled: the first sync's baselines are in, nothing left in either flow's backlog.
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        for (String flow : FLOWS) {
            stack.tandem().runtime().pause(flow, "test", "both sides change while the flows wait");
        }
        return c;
    }

    /** The customer changes the phone in Clarity and a sales rep in Salesforce, then both flows resume. */
    private void changeBothSides(Customer c) {
        long before = stack.tandem().eventLog().endOffset();
        stack.clarity.customers().updatePhone(c.user.id(), CUSTOMER_PHONE);
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Contact", c.salesforceId, "{\"Phone\":\"" + REP_PHONE + "\"}");
        stack.salesforce.changeAsUser(null);
        // Two Clarity webhooks (contact, user) and the Salesforce change event are in the log before the flows look.
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().endOffset() >= before + 3);
        for (String flow : FLOWS) {
            stack.tandem().runtime().resume(flow, "test", "both changes are in");
        }
    }

    /** Over two seconds: no Salesforce API request (by anyone), no Clarity write to the contact, nothing waiting. */
    private void assertQuiet(Customer c) {
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        long calls = stack.salesforce.apiRequestCount();
        var modified = stack.clarity.store().contacts().byId(c.user.contactId()).orElseThrow().updatedDate();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                stack.salesforce.apiRequestCount() == calls
                        && modified.equals(stack.clarity.store().contacts().byId(c.user.contactId()).orElseThrow().updatedDate()));
    }

    private boolean inSync(UserModel u) {
        List<JsonNode> found = contacts(u.contactKey());
        return found.size() == 1 && digits(stack.clarity.store().contacts().byId(u.contactId()).orElseThrow().phone1())
                .equals(digits(found.getFirst().path("Phone").asText()));
    }

    private JsonNode health() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(stack.tandem().baseUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private long backlog() {
        long end = stack.tandem().eventLog().endOffset();
        return FLOWS.stream().mapToLong(f -> end - stack.tandem().eventLog().committedOffset(dev.tandem.core.runtime.FlowRuntime.consumer(f))).max().orElse(0);
    }

    private List<Conflict> openConflicts() {
        return stack.tandem().stateStore().conflicts(Conflict.OPEN, null, 10);
    }

    private List<String> timelineDetails() {
        List<String> details = new java.util.ArrayList<>();
        long end = stack.tandem().eventLog().endOffset();
        for (long offset = 1; offset <= end; offset++) {
            long o = offset;
            if (Boolean.getBoolean("debugTimeline")) {
                System.out.println("EVENT " + o + " " + stack.tandem().eventLog().get(o).map(e -> e.event().type() + " "
                        + e.event().entity() + " " + e.event().entityId()).orElse("?"));
            }
            stack.tandem().stateStore().auditFor(offset).forEach(a -> {
                details.add(a.detail());
                if (Boolean.getBoolean("debugTimeline")) {
                    System.out.println("  " + o + " " + a.flow() + " " + a.step() + " " + a.outcome() + " " + a.detail());
                }
            });
        }
        return details;
    }

    /** Runs the tandem CLI against the running Tandem; returns what it printed (exit code 0 asserted). */
    private String cli(Path token, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        var cli = dev.tandem.server.cli.Main.commandLine();
        cli.setOut(new java.io.PrintWriter(out));
        cli.setErr(new java.io.PrintWriter(err));
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--url", stack.tandem().baseUrl().toString(), "--token-file", token.toString()));
        assertThat(cli.execute(all.toArray(String[]::new))).as(err.toString()).isZero();
        return out.toString();
    }

    private JsonNode contact(Customer c) {
        return contacts(c.user.contactKey()).getFirst();
    }

    private List<JsonNode> contacts(String key) {
        return stack.salesforceRest().query("SELECT Id, Phone, LastModifiedDate FROM Contact WHERE Clarity_Contact_Key__c = '"
                + key + "'");
    }

    private String salesforcePhone(Customer c) {
        return contact(c).path("Phone").asText();
    }

    private String clarityPhone(Customer c) {
        return stack.clarity.store().contacts().byId(c.user.contactId()).orElseThrow().phone1();
    }

    private static String digits(String phone) {
        return phone == null ? "" : phone.replaceAll("\\D", "");
    }

    private static String shipped(String file) throws IOException {
        try (InputStream in = CustomerMasterPolicyEndToEndTest.class.getResourceAsStream("/flows/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
