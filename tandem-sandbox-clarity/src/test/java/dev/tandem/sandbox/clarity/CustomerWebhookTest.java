package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import dev.tandem.sandbox.clarity.WebhookReceiver.Received;
import dev.tandem.sandbox.clarity.webhook.DeliveryView;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Spec §11: every create, update and (de)activation of a user, account or contact fires {@code Customer.Created} or
 * {@code Customer.Updated} with that Entity and its keys, signed like the order events, and the change is visible
 * to a {@code ModifiedSince} poll (§3, §7). Seeded IDs: accounts from 1001, users from 2001, contacts from 9001.
 */
class CustomerWebhookTest {

    private static final String SECRET = "whsec_customer_0123";
    private static final Instant START = Instant.parse("2026-11-26T12:00:00Z");

    private MutableClock clock;
    private ClaritySandbox sandbox;
    private WebhookReceiver receiver;
    private ClarityTestClient client;

    @BeforeEach
    void start() {
        QuietLogging.install();
        clock = new MutableClock(START);
        sandbox = ClaritySandbox.builder().clock(clock).seed(5).customers(4).products(4).build().start();
        receiver = WebhookReceiver.start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.close();
    }

    private void subscribeToEverything() {
        sandbox.webhooks().subscribe(receiver.url(), SECRET);
    }

    @Test
    void fixingAContactsLastNameThroughTheApiSendsOneSignedCustomerUpdatedAndShowsInTheDeltaPoll() throws Exception {
        subscribeToEverything();
        clock.advance(Duration.ofMinutes(10));
        Instant cursor = clock.instant();

        Reply reply = client.put("/Contacts/Contact/Update", "{\"ID\":9002,\"LastName\":\"Lovelace\"}");

        assertThat(reply.status()).isEqualTo(200);
        // Published before the write answers, so the log already holds every delivery the update caused.
        assertThat(sandbox.webhooks().deliveries()).singleElement().satisfies(d -> {
            assertThat(d.eventType()).isEqualTo("Customer.Updated");
            assertThat(d.entity()).isEqualTo("Contact");
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
        Received delivery = receiver.received().getFirst();
        assertValidSignature(delivery);
        JsonNode stored = client.get("/Contacts/Contact/ID/9002").json();
        assertThat(stored.get("LastName").asText()).isEqualTo("Lovelace");
        assertThat(delivery.json().get("EventType").asText()).isEqualTo("Customer.Updated");
        assertThat(delivery.json().get("Entity").asText()).isEqualTo("Contact");
        assertThat(delivery.json().get("ID").asInt()).isEqualTo(9002);
        assertThat(delivery.json().get("CustomKey").asText()).isEqualTo("CON-9002");
        assertThat(delivery.json().get("Hash").asLong()).isEqualTo(stored.get("Hash").asLong());
        assertThat(ids("/Contacts/Contacts", cursor)).containsExactly(9002);
        assertThat(stored.get("UpdatedDate").asText()).startsWith("2026-11-26T12:10:00");
    }

    @Test
    void aFixedBillingContactIsWhatTheOrderReadsAfterwardsWhileTheOrderItselfIsUnchanged() {
        SalesOrderRef order = sandbox.orders().createRandomOrders(1, BadData.MISSING_LAST_NAME).getFirst();
        JsonNode before = client.get("/Ordering/SalesOrder/ID/" + order.id()).json();
        int billingContact = before.get("BillingContactID").asInt();
        assertThat(before.get("BillingContact").has("LastName")).isFalse();
        subscribeToEverything();
        clock.advance(Duration.ofMinutes(10));
        Instant cursor = clock.instant();

        client.put("/Contacts/Contact/Update", "{\"ID\":" + billingContact + ",\"LastName\":\"Hopper\"}");

        JsonNode after = client.get("/Ordering/SalesOrder/ID/" + order.id()).json();
        assertThat(after.get("BillingContact").get("LastName").asText()).isEqualTo("Hopper");
        assertThat(after.get("UpdatedDate")).isEqualTo(before.get("UpdatedDate"));
        assertThat(after.get("Hash")).isEqualTo(before.get("Hash"));
        assertThat(ids("/Ordering/SalesOrders", cursor)).isEmpty();
        assertThat(ids("/Contacts/Contacts", cursor)).containsExactly(billingContact);
        assertThat(sandbox.webhooks().deliveries()).singleElement().satisfies(d -> {
            assertThat(d.entity()).isEqualTo("Contact");
            assertThat(d.entityId()).isEqualTo(billingContact);
        });
    }

    @Test
    void aCustomersOwnContactChangeReachesTheUserAndTheAccountContactCopies() {
        int contactId = client.get("/Contacts/User/ID/2001").json().get("ContactID").asInt();
        Reply link = client.post("/Accounts/AccountContact/Create",
                "{\"MasterID\":1001,\"SlaveID\":" + contactId + ",\"Name\":\"Main\"}");
        assertThat(link.status()).isEqualTo(200);

        client.put("/Contacts/Contact/Update", "{\"ID\":" + contactId + ",\"LastName\":\"Turing\"}");

        JsonNode user = client.get("/Contacts/User/ID/2001").json();
        assertThat(user.get("Contact").get("LastName").asText()).isEqualTo("Turing");
        assertThat(user.get("ContactLastName").asText()).isEqualTo("Turing");
        assertThat(client.get("/Accounts/AccountContact/ID/" + link.json().get("Result").asInt()).json()
                .get("SlaveLastName").asText()).isEqualTo("Turing");
    }

    @Test
    void aContactJoiningAnAccountsAddressBookFiresOneCustomerUpdatedOfThatContact() {
        subscribeToEverything();
        Reply link = client.post("/Accounts/AccountContact/Create",
                "{\"MasterID\":1001,\"SlaveID\":9003,\"Name\":\"Purchasing\"}");
        assertThat(link.status()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
        assertThat(receiver.received()).singleElement().satisfies(r -> {
            assertThat(r.json().get("EventType").asText()).isEqualTo("Customer.Updated");
            assertThat(r.json().get("Entity").asText()).isEqualTo("Contact");
            assertThat(r.json().get("ID").asInt()).isEqualTo(9003);
            assertThat(r.json().get("CustomKey").asText()).isEqualTo("CON-9003");
        });
    }

    @ParameterizedTest
    @CsvSource({"/Accounts/Account, 1003, Account, CUST-00003, Name, Renamed GmbH",
            "/Contacts/User, 2003, User, USR-2003, DisplayName, Grace H.",
            "/Contacts/Contact, 9003, Contact, CON-9003, FirstName, Grace"})
    void anUpdateAndADeactivationEachFireOneCustomerUpdatedAndTheDeactivationIsPolled(String route, int id, String entity,
            String key, String field, String value) {
        subscribeToEverything();
        clock.advance(Duration.ofMinutes(1));
        client.put(route + "/Update", "{\"ID\":" + id + ",\"" + field + "\":\"" + value + "\"}");
        clock.advance(Duration.ofMinutes(1));
        Instant beforeDeactivation = clock.instant();

        client.patch(route + "/Deactivate/ID/" + id);
        client.patch(route + "/Deactivate/ID/" + id);

        assertThat(ids(route + "s", beforeDeactivation)).containsExactly(id);
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
        assertThat(sandbox.webhooks().deliveries()).hasSize(2);
        assertThat(receiver.received()).allSatisfy(r -> {
            assertThat(r.json().get("EventType").asText()).isEqualTo("Customer.Updated");
            assertThat(r.json().get("Entity").asText()).isEqualTo(entity);
            assertThat(r.json().get("ID").asInt()).isEqualTo(id);
            assertThat(r.json().get("CustomKey").asText()).isEqualTo(key);
        });
    }

    @ParameterizedTest
    @CsvSource({"/Accounts/Account, Account, '{\"CustomKey\":\"CUST-NEW\",\"Name\":\"New Co\"}'",
            "/Contacts/User, User, '{\"CustomKey\":\"USR-NEW\",\"UserName\":\"new@example.com\"}'",
            "/Contacts/Contact, Contact, '{\"CustomKey\":\"CON-NEW\",\"FirstName\":\"Nia\",\"LastName\":\"New\"}'"})
    void aCreateFiresCustomerCreatedWithTheNewKeys(String route, String entity, String body) {
        subscribeToEverything();

        int id = client.post(route + "/Create", body).json().get("Result").asInt();

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
        JsonNode event = receiver.received().getFirst().json();
        assertThat(event.get("EventType").asText()).isEqualTo("Customer.Created");
        assertThat(event.get("Entity").asText()).isEqualTo(entity);
        assertThat(event.get("ID").asInt()).isEqualTo(id);
        assertThat(event.get("CustomKey").asText()).endsWith("-NEW");
    }

    @Test
    void aContactWithoutACustomKeyIsAnnouncedWithoutOne() {
        subscribeToEverything();

        int id = client.post("/Contacts/Contact/Create", "{\"FirstName\":\"Key\",\"LastName\":\"Less\"}").json()
                .get("Result").asInt();

        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 1);
        JsonNode event = receiver.received().getFirst().json();
        assertThat(event.get("ID").asInt()).isEqualTo(id);
        assertThat(event.has("CustomKey")).isFalse();
    }

    @Test
    void renamingAContactFromTheTestApiFiresOneCustomerUpdatedAndMovesUpdatedDate() {
        subscribeToEverything();
        clock.advance(Duration.ofMinutes(3));
        Instant cursor = clock.instant();

        RecordRef ref = sandbox.customers().renameContact(9004, null, "Lamarr");

        JsonNode stored = client.get("/Contacts/Contact/ID/9004").json();
        assertThat(ref).isEqualTo(new RecordRef("Contact", 9004, "CON-9004"));
        assertThat(stored.get("LastName").asText()).isEqualTo("Lamarr");
        assertThat(stored.get("FullName").asText()).isEqualTo(stored.get("FirstName").asText() + " Lamarr");
        assertThat(ids("/Contacts/Contacts", cursor)).containsExactly(9004);
        assertThat(sandbox.webhooks().deliveries()).singleElement()
                .satisfies(d -> assertThat(d.eventType()).isEqualTo("Customer.Updated"));
    }

    @Test
    void renamingAContactRefusesAnUnknownContactOrABlankName() {
        assertThatThrownBy(() -> sandbox.customers().renameContact(424242, null, "X"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("424242");
        assertThatThrownBy(() -> sandbox.customers().renameContact(9001, null, "  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("last name");
        assertThat(sandbox.webhooks().deliveries()).isEmpty();
    }

    @Test
    void theControlRouteRenamesAContactAndAnswersBadInputClearly() {
        subscribeToEverything();
        ClarityTestClient control = new ClarityTestClient(sandbox.controlUrl());

        Reply ok = control.post("/contacts/9001/name", "{\"firstName\":\"Ada\",\"lastName\":\"Byron\"}");
        Reply blank = control.post("/contacts/9001/name", "{\"firstName\":\"Ada\"}");
        Reply unknown = control.post("/contacts/424242/name", "{\"lastName\":\"X\"}");
        Reply notAnId = control.post("/contacts/abc/name", "{\"lastName\":\"X\"}");
        Reply notJson = control.post("/contacts/9001/name", "{lastName");

        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.json().get("customKey").asText()).isEqualTo("CON-9001");
        assertThat(client.get("/Contacts/Contact/ID/9001").json().get("FullName").asText()).isEqualTo("Ada Byron");
        assertThat(List.of(blank.status(), unknown.status(), notAnId.status(), notJson.status()))
                .containsExactly(400, 404, 400, 400);
        assertThat(sandbox.webhooks().deliveries()).hasSize(1);
    }

    @Test
    void aHardDeleteFiresNothingBecauseSection11HasNoDeleteEvent() {
        subscribeToEverything();

        client.delete("/Contacts/Contact/Delete/ID/9004");

        assertThat(sandbox.webhooks().deliveries()).isEmpty();
    }

    private List<Integer> ids(String list, Instant since) {
        JsonNode page = client.get(list + "?ModifiedSince=" + ClarityTestClient.encode(since.toString())).json();
        List<Integer> ids = new ArrayList<>();
        page.get("Results").forEach(row -> ids.add(row.get("ID").asInt()));
        return ids;
    }

    /** As spec §11 tells receivers: HMAC-SHA256 over "t.body" with the shared secret, constant-time compare. */
    private static void assertValidSignature(Received delivery) throws Exception {
        assertThat(delivery.signature()).matches("t=\\d+,v1=[0-9a-f]{64}");
        String[] parts = delivery.signature().split(",");
        long t = Long.parseLong(parts[0].substring(2));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((t + ".").getBytes(StandardCharsets.UTF_8));
        byte[] expected = mac.doFinal(delivery.body());
        assertThat(MessageDigest.isEqual(expected, HexFormat.of().parseHex(parts[1].substring(3)))).isTrue();
    }
}
