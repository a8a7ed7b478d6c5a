package dev.tandem.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClaritySandbox;
import dev.tandem.sandbox.clarity.model.UserModel;
import dev.tandem.server.cli.Main;
import dev.tandem.server.config.TandemConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 11 item 4 with Customer 360 on (both customer flows, Change Data Capture on Account and Contact): the
 * backfill's Bulk upserts come back to tandem server as change events, one per record, and must be dropped as
 * Tandem's own writes — not read back and synced to Clarity — and the id map and two-way baselines the backfill
 * filled make the next real change an update of the same Salesforce records.
 *
 * <p>The embedded store is held by one process at a time, so tandem server stops while the backfill runs and starts
 * again after it: its CDC subscription resumes from its stored replay id and receives every change event of the
 * backfill at once (the worst case for echoes).
 */
class BackfillEchoEndToEndTest {

    private static final List<String> FLOWS = List.of("clarity-customer-to-salesforce", "salesforce-contact-to-clarity",
            "salesforce-account-to-clarity");
    private static final int CUSTOMERS = 40;

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
    void theBackfillsChangeEventsAreDroppedAsEchoesThenTheSystemIsQuietAndALaterChangeUpdatesTheSameRecords()
            throws Exception {
        stack = TandemStack.start(dir, ClaritySandbox.builder().port(0).seed(21).customers(CUSTOMERS).products(5)
                        .webhookRetryInitial(Duration.ofMillis(100)).webhookRetryMax(Duration.ofSeconds(1)),
                TandemConfig.Ingest.WEBHOOK, new TandemConfig.Flows(null, Map.of(FLOWS.get(0), true, FLOWS.get(1), true,
                        FLOWS.get(2), true)));
        stack.stopTandem();
        stack.cdc = stack.cdcFor("Contact", "Account");
        stack.startTandem();
        awaitSubscribed();
        // A sales rep's own contact (no Clarity key): its change event is logged and skipped, and the CDC source
        // stores its replay id, which it resumes from after the restart below.
        stack.salesforce.changeAsUser(stack.salesforce.humanUserId());
        stack.salesforceRest().create("Contact", "{\"LastName\":\"Rep-Made\"}");
        stack.salesforce.changeAsUser(null);
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.tandem().eventLog().endOffset() >= 1 && backlog() == 0);
        long logged = stack.tandem().eventLog().endOffset();
        stack.stopTandem();

        BackfillRun run = backfill();

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        List<JsonNode> contacts = stack.salesforceRest().query(
                "SELECT Id, Clarity_Contact_Key__c FROM Contact WHERE Clarity_Contact_Key__c != null");
        long accounts = stack.salesforceRest().count(
                "SELECT COUNT() FROM Account WHERE Clarity_Account_Key__c != null");
        assertThat(contacts).hasSize(CUSTOMERS);
        ClaritySnapshot before = ClaritySnapshot.of(stack.clarity);

        stack.startTandem();
        awaitSubscribed();

        // Every backfilled Account and Contact came back as a change event made by Tandem's client with the values
        // it wrote: all dropped before the log.
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.tandem().status().cdcEchoesDropped()
                >= CUSTOMERS + accounts);
        assertThat(stack.tandem().status().cdcEchoesDropped()).isEqualTo(stack.tandem().status().cdcEvents());
        assertQuiet(logged);
        assertThat(ClaritySnapshot.of(stack.clarity)).as("no Clarity write for the backfilled customers")
                .isEqualTo(before);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();

        // A real change afterwards: the customer's phone, changed in Clarity, updates the Contact the backfill made.
        UserModel user = stack.clarity.store().users().all().get(CUSTOMERS / 2);
        String contactId = contacts.stream().filter(c -> c.path("Clarity_Contact_Key__c").asText()
                .equals(user.contactKey())).findFirst().orElseThrow().path("Id").asText();
        stack.clarity.customers().updatePhone(user.id(), "+1 512 555 0177");
        await().atMost(Duration.ofSeconds(30)).until(() -> stack.salesforceRest().query(
                        "SELECT Id, Phone FROM Contact WHERE Id = '" + contactId + "'").getFirst().path("Phone").asText()
                .replaceAll("[^0-9]", "").endsWith("5125550177"));
        assertThat(stack.salesforceRest().count("SELECT COUNT() FROM Contact WHERE Clarity_Contact_Key__c = '"
                + user.contactKey() + "'")).isEqualTo(1);
        assertThat(stack.salesforceRest().count("SELECT COUNT() FROM Contact WHERE Clarity_Contact_Key__c != null"))
                .isEqualTo(CUSTOMERS);
        ClaritySnapshot changed = ClaritySnapshot.of(stack.clarity);
        // Its own change event is an echo too, and nothing goes back to Clarity.
        assertQuiet(stack.tandem().eventLog().endOffset());
        assertThat(ClaritySnapshot.of(stack.clarity)).isEqualTo(changed);
        assertThat(stack.tandem().stateStore().deadLetterCount()).isZero();
    }

    // ---- helpers

    private record BackfillRun(int exit, String out, String err) {
    }

    /** {@code tandem backfill customers} on Tandem's store, with the same sandboxes and CDC switched on. */
    private BackfillRun backfill() throws Exception {
        var cdc = stack.cdcFor("Contact", "Account");
        Path config = Files.writeString(dir.resolve("backfill.yaml"), """
                store:
                  path: %s
                clarity:
                  baseUrl: %s
                  username: %s
                  password: %s
                  webhook:
                    secrets: [ "%s" ]
                salesforce:
                  tokenUrl: %s
                  clientId: %s
                  clientSecret: %s
                  cdc:
                    enabled: true
                    objects: [ Contact, Account ]
                    endpoint: %s
                    trustCertificate: %s
                """.formatted(dir.resolve("tandem.db"), stack.clarity.baseUrl(), stack.clarity.user(),
                stack.clarity.password(), TandemStack.WEBHOOK_SECRET, stack.salesforce.tokenUrl(),
                stack.salesforce.clientId(), stack.salesforce.clientSecret(), cdc.endpoint(),
                stack.salesforce.pubSubCertificatePath().orElseThrow()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("backfill", "customers", "--config", config.toString(), "--chunk", "15");
        return new BackfillRun(exit, out.toString(), err.toString());
    }

    /** Every Clarity customer record as the sandbox holds it (records compare by value). */
    private record ClaritySnapshot(List<?> users, List<?> contacts, List<?> accounts) {
        static ClaritySnapshot of(ClaritySandbox clarity) {
            return new ClaritySnapshot(List.copyOf(clarity.store().users().all()),
                    List.copyOf(clarity.store().contacts().all()), List.copyOf(clarity.store().accounts().all()));
        }
    }

    /** Over two seconds: nothing new in the event log past {@code logged}, no Salesforce API request, nothing waiting. */
    private void assertQuiet(long logged) {
        await().atMost(Duration.ofSeconds(30)).until(() -> backlog() == 0);
        long calls = stack.salesforce.apiRequestCount();
        long end = Math.max(logged, stack.tandem().eventLog().endOffset());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
                stack.salesforce.apiRequestCount() == calls && stack.tandem().eventLog().endOffset() == end
                        && backlog() == 0);
    }

    private void awaitSubscribed() {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode cdc = health().path("salesforceCdc");
            return cdc.path("/data/ContactChangeEvent").asText().equals("SUBSCRIBED")
                    && cdc.path("/data/AccountChangeEvent").asText().equals("SUBSCRIBED");
        });
    }

    private JsonNode health() throws Exception {
        var r = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(stack.tandem().baseUrl() + "/health")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.body());
    }

    private long backlog() {
        long end = stack.tandem().eventLog().endOffset();
        return FLOWS.stream().mapToLong(f -> end - stack.tandem().eventLog().committedOffset(
                dev.tandem.core.runtime.FlowRuntime.consumer(f))).max().orElse(0);
    }
}
