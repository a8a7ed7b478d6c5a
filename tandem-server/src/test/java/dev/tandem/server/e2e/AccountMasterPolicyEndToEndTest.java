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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The master-data policy of the account's way back (issue 10 item 3 for {@code salesforce-account-to-clarity}), with
 * the shipped {@code clarity-customer-to-salesforce} and {@code salesforce-account-to-clarity} on and Change Data
 * Capture on Account: an account renamed in the Clarity back office and by a sales rep in Salesforce while both flows
 * wait, then both resume — settled by the policy in both directions, or held for review and resolved.
 */
class AccountMasterPolicyEndToEndTest {

    private static final String CLARITY_NAME = "Renamed in Clarity LLC";
    private static final String REP_NAME = "Renamed by the Rep LLC";
    private static final List<String> FLOWS = List.of("clarity-customer-to-salesforce", "salesforce-account-to-clarity");

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
    void clarityWinsKeepsTheBackOfficesNameOnBothSidesAndTheWayBackDoesNotOverwriteIt() throws Exception {
        Account a = start("clarity-wins");
        renameOnBothSides(a);

        await().atMost(Duration.ofSeconds(30)).until(() -> CLARITY_NAME.equals(salesforceName(a)));
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() ->
                CLARITY_NAME.equals(clarityName(a)) && CLARITY_NAME.equals(salesforceName(a)));
        assertThat(openConflicts()).isEmpty();
        // Whichever flow looked first, the policy decided (the way back keeps Clarity's name, or finds nothing new
        // once Clarity's name has crossed); the way back never wrote the rep's name over it.
        assertThat(details("clarity-customer-to-salesforce")).anyMatch(d -> d.contains("Name: changed in clarity, clarity-wins → written"));
        assertThat(details("salesforce-account-to-clarity")).noneMatch(d -> d.contains("Name: changed in salesforce → written"));
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    @Test
    void manualHoldsTheAccountNameForReviewAndResolvingWritesTheRepsNameToClarity() throws Exception {
        Account a = start("manual");
        renameOnBothSides(a);

        await().atMost(Duration.ofSeconds(30)).until(() -> !openConflicts().isEmpty());
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        Conflict conflict = openConflicts().getFirst();
        assertThat(openConflicts()).as("one per field pair, whichever flow found it").hasSize(1);
        assertThat(conflict.policy()).isEqualTo("manual");
        assertThat(List.of(conflict.source().address(), conflict.target().address())).containsExactlyInAnyOrder(
                "clarity/Account/" + a.user.accountId() + "/Name", "salesforce/Account/" + a.salesforceId + "/Name");
        assertThat(List.of(conflict.sourceValue(), conflict.targetValue()))
                .containsExactlyInAnyOrder("\"" + CLARITY_NAME + "\"", "\"" + REP_NAME + "\"");
        assertThat(clarityName(a)).as("held: written to neither side").isEqualTo(CLARITY_NAME);
        assertThat(salesforceName(a)).isEqualTo(REP_NAME);

        String operator = stack.tandem().adminApi().tokens().create("ops", dev.tandem.server.api.Role.OPERATOR).secret();
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.tandem().baseUrl() + "/api/v1/conflicts/" + conflict.id() + "/resolve"))
                .header("Authorization", "Bearer " + operator).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"take\":\"salesforce\"}"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> REP_NAME.equals(clarityName(a)));
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        long calls = stack.salesforce.apiRequestCount();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                stack.salesforce.apiRequestCount() == calls && REP_NAME.equals(clarityName(a)));
        assertThat(salesforceName(a)).isEqualTo(REP_NAME);
        assertThat(openConflicts()).as("the resolution's own write is no new change").isEmpty();
    }

    // ---- the set-up

    private record Account(UserModel user, String salesforceId) {
    }

    /** Both flows with the given default policy, CDC on Account, one customer synced, the flows paused. */
    private Account start(String policy) throws IOException {
        Path flows = Files.createDirectories(dir.resolve("flows"));
        for (String flow : FLOWS) {
            String yaml = shipped(flow + ".yaml").replace("default: newest-wins", "default: " + policy);
            assertThat(yaml).contains("default: " + policy);
            Files.writeString(flows.resolve(flow + ".yaml"), yaml);
            Files.writeString(flows.resolve(flow + ".jsonata"), shipped(flow + ".jsonata"));
            var example = java.util.regex.Pattern.compile("(?m)^example: (\\S+)").matcher(yaml);
            if (example.find()) {
                Files.writeString(flows.resolve(example.group(1)), shipped(example.group(1)));
            }
        }
        stack = TandemStack.start(dir, ClaritySandbox.builder().port(0).seed(11)
                        .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)),
                TandemConfig.Ingest.WEBHOOK, new TandemConfig.Flows(flows, Map.of(FLOWS.get(0), true, FLOWS.get(1), true)));
        assertThat(stack.tandem().flowProblems()).isEmpty();
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Account");
        stack.startTandem();
        await().atMost(Duration.ofSeconds(30)).until(() -> health().path("salesforceCdc").path("/data/AccountChangeEvent")
                .asText().equals("SUBSCRIBED"));
        stack.clarity.customers().createRandomCustomer();
        UserModel user = stack.clarity.store().users().all().getLast();
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.salesforceRest().count(
                "SELECT Id FROM Contact WHERE Clarity_Contact_Key__c = '" + user.contactKey() + "'") == 1);
        String accountId = stack.salesforceRest().query("SELECT AccountId FROM Contact WHERE Clarity_Contact_Key__c = '"
                + user.contactKey() + "'").getFirst().path("AccountId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        for (String flow : FLOWS) {
            stack.tandem().runtime().pause(flow, "test", "both sides rename while the flows wait");
        }
        return new Account(user, accountId);
    }

    /** The back office renames the account in Clarity and a sales rep in Salesforce, then both flows resume. */
    private void renameOnBothSides(Account a) {
        long before = stack.tandem().eventLog().endOffset();
        stack.clarity.customers().renameAccount(a.user.accountId(), CLARITY_NAME);
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().update("Account", a.salesforceId, "{\"Name\":\"" + REP_NAME + "\"}");
        stack.salesforce.changeAsUser(null);
        // The account's webhook and the Salesforce change event are in the log before the flows look.
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().endOffset() >= before + 2);
        for (String flow : FLOWS) {
            stack.tandem().runtime().resume(flow, "test", "both renames are in");
        }
    }

    private String clarityName(Account a) {
        return stack.clarity.store().accounts().byId(a.user.accountId()).orElseThrow().name();
    }

    private String salesforceName(Account a) {
        return stack.salesforceRest().query("SELECT Name FROM Account WHERE Id = '" + a.salesforceId + "'")
                .getFirst().path("Name").asText();
    }

    private long backlog() {
        long end = stack.tandem().eventLog().endOffset();
        return FLOWS.stream().mapToLong(f -> end - stack.tandem().eventLog().committedOffset(
                dev.tandem.core.runtime.FlowRuntime.consumer(f))).max().orElse(0);
    }

    private List<Conflict> openConflicts() {
        return stack.tandem().stateStore().conflicts(Conflict.OPEN, null, 10);
    }

    private List<String> details(String flow) {
        List<Long> offsets = LongStream.rangeClosed(1, stack.tandem().eventLog().endOffset()).boxed().toList();
        return stack.tandem().stateStore().auditFor(offsets).stream().filter(e -> e.flow().equals(flow))
                .map(dev.tandem.core.state.AuditEntry::detail).toList();
    }

    private JsonNode health() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.tandem().baseUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private static String shipped(String file) throws IOException {
        try (InputStream in = AccountMasterPolicyEndToEndTest.class.getResourceAsStream("/flows/" + file)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
