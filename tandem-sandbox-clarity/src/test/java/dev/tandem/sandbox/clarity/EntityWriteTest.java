package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spec §5: Create/Upsert/Update/Delete with bare model bodies, CEFActionResponse answers, and their events. */
class EntityWriteTest {

    private ClaritySandbox sandbox;
    private ClarityTestClient client;
    private WebhookReceiver receiver;

    @BeforeEach
    void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().customers(3).products(3).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
        receiver = WebhookReceiver.start();
        sandbox.webhooks().subscribe(receiver.url(), "secret", "Customer.*", "Product.*");
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.close();
    }

    @Test
    void upsertCreatesByKeyThenUpdatesTheSameRecord() {
        Reply created = client.post("/Accounts/Account/Upsert",
                "{\"CustomKey\":\"CUST-SF-1\",\"Name\":\"Acme Corp\",\"Active\":true,\"TypeKey\":\"CUSTOMER\","
                        + "\"StatusKey\":\"NORMAL\"}");
        int id = created.json().get("Result").asInt();
        long firstHash = client.get("/Accounts/Account/ID/" + id).json().get("Hash").asLong();

        Reply updated = client.post("/Accounts/Account/Upsert",
                "{\"CustomKey\":\"CUST-SF-1\",\"Name\":\"Acme Corporation\",\"SerializableAttributes\":"
                        + "{\"SalesforceId\":{\"ID\":0,\"Key\":\"SalesforceId\",\"Value\":\"001xx000003DGb2AAG\","
                        + "\"UofM\":\"\"}}}");

        assertThat(created.json().get("ActionSucceeded").asBoolean()).isTrue();
        assertThat(created.json().get("Messages")).isEmpty();
        assertThat(updated.json().get("Result").asInt()).isEqualTo(id);
        JsonNode account = client.get("/Accounts/Account/Key/CUST-SF-1").json();
        assertThat(account.get("Name").asText()).isEqualTo("Acme Corporation");
        assertThat(account.get("TypeID").asInt()).isEqualTo(2);
        assertThat(account.get("TypeName").asText()).isEqualTo("Customer");
        assertThat(account.at("/SerializableAttributes/SalesforceId/Value").asText()).isEqualTo("001xx000003DGb2AAG");
        assertThat(account.get("Hash").asLong()).isNotEqualTo(firstHash);
        assertThat(account.get("UpdatedDate").asText()).isNotBlank();
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received().size() == 2);
        assertThat(receiver.received()).extracting(r -> r.json().get("EventType").asText())
                .containsExactlyInAnyOrder("Customer.Created", "Customer.Updated");
    }

    @Test
    void upsertByIdUpdatesEvenWhenTheKeyChanges() {
        Reply reply = client.post("/Products/Product/Upsert", "{\"ID\":301,\"CustomKey\":\"SKU-RENAMED\"}");

        assertThat(reply.json().get("Result").asInt()).isEqualTo(301);
        assertThat(client.get("/Products/Product/Key/SKU-RENAMED").json().get("ID").asInt()).isEqualTo(301);
        assertThat(client.get("/Products/Product/Key/SKU-10001").status()).isEqualTo(404);
    }

    @Test
    void createAssignsANewIdAndDefaults() {
        Reply reply = client.post("/Products/Product/Create", "{\"ID\":5,\"CustomKey\":\"SKU-NEW\","
                + "\"Name\":\"New Gadget\",\"unitOfMeasure\":\"EA\",\"Unknown\":\"ignored\"}");

        int id = reply.json().get("Result").asInt();
        JsonNode product = client.get("/Products/Product/ID/" + id).json();
        assertThat(id).isEqualTo(304);
        assertThat(product.get("Active").asBoolean()).isTrue();
        assertThat(product.get("TypeKey").asText()).isEqualTo("GENERAL");
        assertThat(product.get("UnitOfMeasure").asText()).isEqualTo("EA");
        assertThat(product.has("Unknown")).isFalse();
        assertThat(product.get("CreatedDate").asText()).isNotBlank();
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("Product.Created").size() == 1);
    }

    @Test
    void createWithADuplicateKeyOrWithoutARequiredFieldFailsTheActionWithItsReason() {
        Reply duplicate = client.post("/Accounts/Account/Create", "{\"CustomKey\":\"CUST-00001\",\"Name\":\"Dup\"}");
        Reply missingName = client.post("/Accounts/Account/Create", "{\"CustomKey\":\"CUST-X\"}");
        Reply unknownType = client.post("/Accounts/Account/Create", "{\"Name\":\"X\",\"TypeKey\":\"ALIEN\"}");

        for (Reply failed : List.of(duplicate, missingName, unknownType)) {
            assertThat(failed.status()).isEqualTo(200);
            assertThat(failed.json().get("ActionSucceeded").asBoolean()).isFalse();
            assertThat(failed.json().has("Result")).isFalse();
        }
        assertThat(duplicate.json().get("Messages").get(0).asText()).contains("CUST-00001", "already exists");
        assertThat(missingName.json().get("Messages").get(0).asText()).contains("Name");
        assertThat(unknownType.json().get("Messages").get(0).asText()).contains("ALIEN");
        assertThat(client.get("/Accounts/Account/Key/CUST-X").status()).isEqualTo(404);
    }

    @Test
    void aBodyThatIsNotAModelIs400() {
        assertThat(client.post("/Accounts/Account/Create", "[1,2]").status()).isEqualTo(400);
        assertThat(client.post("/Accounts/Account/Create", "{not json").status()).isEqualTo(400);
    }

    @Test
    void updateChangesOnlyTheGivenMembersAndNeedsAnExistingRecord() {
        JsonNode before = client.get("/Contacts/Contact/ID/9001").json();

        Reply reply = client.put("/Contacts/Contact/Update", "{\"ID\":9001,\"Phone1\":\"+1 512-555-0199\"}");

        JsonNode after = client.get("/Contacts/Contact/ID/9001").json();
        assertThat(reply.json().get("Result").asInt()).isEqualTo(9001);
        assertThat(after.get("Phone1").asText()).isEqualTo("+1 512-555-0199");
        assertThat(after.get("FirstName")).isEqualTo(before.get("FirstName"));
        assertThat(after.get("Address")).isEqualTo(before.get("Address"));
        assertThat(after.get("CreatedDate")).isEqualTo(before.get("CreatedDate"));
        assertThat(client.put("/Contacts/Contact/Update", "{\"ID\":424242,\"Phone1\":\"x\"}").status())
                .isEqualTo(404);
    }

    @Test
    void anEmbeddedAddressWithoutAnIdBecomesANewAddressRowAndKeepsItsIdOnUpdate() {
        int id = client.post("/Contacts/Contact/Upsert", "{\"CustomKey\":\"SF-CONTACT-1\",\"LastName\":\"Rep\","
                + "\"Address\":{\"Street1\":\"12 Market St\",\"City\":\"Austin\"}}").json().get("Result").asInt();
        JsonNode created = client.get("/Contacts/Contact/ID/" + id).json();
        int addressId = created.path("Address").path("ID").asInt();
        assertThat(addressId).isPositive();
        assertThat(created.path("AddressID").asInt()).isEqualTo(addressId);

        client.put("/Contacts/Contact/Update", "{\"ID\":" + id + ",\"Address\":{\"ID\":" + addressId
                + ",\"Street1\":\"500 Rep Avenue\",\"City\":\"Round Rock\"}}");
        JsonNode updated = client.get("/Contacts/Contact/ID/" + id).json();
        assertThat(updated.path("Address").path("ID").asInt()).isEqualTo(addressId);
        assertThat(updated.path("Address").path("City").asText()).isEqualTo("Round Rock");

        int other = client.post("/Contacts/Contact/Upsert", "{\"CustomKey\":\"SF-CONTACT-2\","
                + "\"Address\":{\"City\":\"Berlin\"}}").json().get("Result").asInt();
        assertThat(client.get("/Contacts/Contact/ID/" + other).json().path("AddressID").asInt())
                .as("a row of its own").isNotEqualTo(addressId).isPositive();
    }

    @Test
    void deleteRemovesTheRecord() {
        assertThat(client.delete("/Contacts/User/Delete/Key/USR-2001").json().get("ActionSucceeded").asBoolean())
                .isTrue();

        assertThat(client.get("/Contacts/User/ID/2001").status()).isEqualTo(404);
        assertThat(client.get("/Contacts/User/Exists/Key/USR-2001").body()).isEqualTo("null");
        assertThat(client.delete("/Contacts/User/Delete/ID/2001").status()).isEqualTo(404);
    }

    @Test
    void deactivateIsASoftDeleteThatFiresAnUpdate() {
        assertThat(client.patch("/Accounts/Account/Deactivate/ID/1002").json().get("ActionSucceeded").asBoolean())
                .isTrue();

        assertThat(client.get("/Accounts/Account/ID/1002").json().get("Active").asBoolean()).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> receiver.received("Customer.Updated").size() == 1);
        assertThat(receiver.received().getFirst().json().get("ID").asInt()).isEqualTo(1002);
    }

    @Test
    void workflowPatchMovesTheOrderStatusAndRecordsASalesOrderEvent() {
        SalesOrderRef order = sandbox.orders().createRandomOrder();

        Reply reply = client.patch("/Ordering/SalesOrder/Ship/" + order.id());

        assertThat(reply.json().get("ActionSucceeded").asBoolean()).isTrue();
        JsonNode stored = client.get("/Ordering/SalesOrder/ID/" + order.id()).json();
        assertThat(stored.get("StatusKey").asText()).isEqualTo("Shipped");
        assertThat(stored.get("StatusID").asInt()).isEqualTo(9);
        JsonNode events = client.get("/Ordering/SalesOrderEvents?MasterID=" + order.id()).json();
        assertThat(events.get("TotalCount").asInt()).isEqualTo(1);
        JsonNode event = events.get("Results").get(0);
        assertThat(event.get("OldStatusID").asInt()).isEqualTo(1);
        assertThat(event.get("NewStatusID").asInt()).isEqualTo(9);
        assertThat(event.get("NewHash").asLong()).isEqualTo(stored.get("Hash").asLong());
        assertThat(client.patch("/Ordering/SalesOrder/Ship/999999").status()).isEqualTo(404);
    }

    @Test
    void writesNeedASession() {
        ClarityTestClient anonymous = new ClarityTestClient(sandbox.baseUrl());

        assertThat(anonymous.post("/Accounts/Account/Upsert", "{\"Name\":\"X\"}").status()).isEqualTo(401);
        assertThat(anonymous.patch("/Ordering/SalesOrder/Confirm/5001").status()).isEqualTo(401);
        assertThat(List.of(sandbox.store().accounts().size())).containsExactly(3);
    }
}
