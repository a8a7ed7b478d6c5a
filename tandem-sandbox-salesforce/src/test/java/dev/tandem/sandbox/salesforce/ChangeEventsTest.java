package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.tandem.sandbox.salesforce.cdc.EventBus;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Change events from every write path of the sandbox (spec §4.2, §4.3, §4.5 bitmaps). */
class ChangeEventsTest extends PubSubTestSupport {

    private static final String REST_ORIGIN = "com/salesforce/api/rest/66.0;client=" + CLIENT_ID;

    private static String bits(int... positions) {
        BigInteger value = BigInteger.ZERO;
        for (int p : positions) {
            value = value.setBit(p);
        }
        String hex = value.toString(16).toUpperCase();
        return "0x" + (hex.length() % 2 == 1 ? "0" + hex : hex);
    }

    @Test
    void schemaHasTheHeaderFirstThenDescribeOrderWithCompoundAddresses() {
        Schema schema = schemaOf("Account");
        assertThat(schema.getFullName()).isEqualTo("com.sforce.eventbus.AccountChangeEvent");
        assertThat(schema.getFields().getFirst().name()).isEqualTo("ChangeEventHeader");
        List<String> names = schema.getFields().stream().map(Schema.Field::name).toList();
        assertThat(names).doesNotContain("Id", "IsDeleted", "SystemModstamp", "BillingCity");
        assertThat(names).containsSubsequence("Name", "BillingAddress", "ShippingAddress", "Description");
        Schema billing = schema.getField("BillingAddress").schema();
        assertThat(billing.getType()).isEqualTo(Schema.Type.UNION);
        assertThat(billing.getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
        assertThat(billing.getTypes().get(1).getFields().stream().map(Schema.Field::name))
                .containsExactly("Street", "City", "State", "PostalCode", "Country");
        assertThat(schema.getField("Name").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.STRING);
        Schema contact = schemaOf("Contact");
        assertThat(contact.getField("Name").schema().getTypes().get(1).getFields().stream().map(Schema.Field::name))
                .containsExactly("FirstName", "LastName");
        assertThat(contact.getField("MailingAddress")).isNotNull();
    }

    @Test
    void createCarriesTheFullHeaderAndEveryValue() {
        Instant before = Instant.now();
        String id = createWithClient("Account", Map.of("Name", "Acme", "BillingCity", "Paris",
                "Clarity_Account_Key__c", "A-1"));

        GenericRecord event = changeEvents("Account").getLast();
        GenericRecord header = header(event);
        assertThat(text(header.get("entityName"))).isEqualTo("Account");
        assertThat(strings(header.get("recordIds"))).containsExactly(id);
        assertThat(text(header.get("changeType"))).isEqualTo("CREATE");
        assertThat(text(header.get("changeOrigin"))).isEqualTo(REST_ORIGIN);
        assertThat(text(header.get("transactionKey"))).matches("[0-9a-f-]{36}");
        assertThat(header.get("sequenceNumber")).isEqualTo(1);
        assertThat((Long) header.get("commitTimestamp")).isGreaterThanOrEqualTo(before.toEpochMilli() - 1000);
        assertThat((Long) header.get("commitNumber")).isPositive();
        assertThat(text(header.get("commitUser"))).isEqualTo(sandbox.userId());
        assertThat(strings(header.get("changedFields"))).isEmpty();
        assertThat(strings(header.get("nulledFields"))).isEmpty();
        assertThat(strings(header.get("diffFields"))).isEmpty();
        assertThat(text(event.get("Name"))).isEqualTo("Acme");
        assertThat(text(event.get("Clarity_Account_Key__c"))).isEqualTo("A-1");
        assertThat(text(((GenericRecord) event.get("BillingAddress")).get("City"))).isEqualTo("Paris");
        assertThat(event.get("ShippingAddress")).isNull();
        assertThat(event.get("CreatedDate")).isInstanceOf(Long.class);
        assertThat(text(event.get("CreatedById"))).isEqualTo(sandbox.userId());
        assertThat(storedChangeEvents().getLast().topic()).isEqualTo("/data/AccountChangeEvent");
    }

    @Test
    void updateCarriesOnlyChangedValuesWithBitmaps() {
        String id = createWithClient("Account", Map.of("Name", "Acme", "Phone", "123", "BillingCity", "Paris",
                "BillingState", "IDF"));
        java.util.Map<String, Object> changes = new java.util.HashMap<>();
        changes.put("Name", "Acme 2");
        changes.put("Phone", null);
        changes.put("BillingCity", "Lyon");
        assertThat(call("PATCH", sobject("Account") + "/" + id, changes).status()).isEqualTo(204);

        GenericRecord event = changeEvents("Account").getLast();
        GenericRecord header = header(event);
        assertThat(text(header.get("changeType"))).isEqualTo("UPDATE");
        int billing = position("Account", "BillingAddress");
        assertThat(strings(header.get("changedFields"))).containsExactly(
                bits(position("Account", "Name"), position("Account", "Phone"),
                        position("Account", "LastModifiedDate")),
                billing + "-" + bits(1));
        assertThat(strings(header.get("nulledFields"))).containsExactly(bits(position("Account", "Phone")));
        assertThat(text(event.get("Name"))).isEqualTo("Acme 2");
        assertThat(event.get("Phone")).isNull();
        GenericRecord address = (GenericRecord) event.get("BillingAddress");
        assertThat(text(address.get("City"))).isEqualTo("Lyon");
        assertThat(address.get("State")).as("unchanged sub-field").isNull();
        assertThat(event.get("CreatedDate")).as("unchanged").isNull();
        assertThat(event.get("LastModifiedDate")).isInstanceOf(Long.class);
    }

    @Test
    void deleteIsHeaderOnly() {
        String id = createWithClient("Account", Map.of("Name", "Gone"));
        assertThat(call("DELETE", sobject("Account") + "/" + id, null).status()).isEqualTo(204);

        GenericRecord event = changeEvents("Account").getLast();
        assertThat(text(header(event).get("changeType"))).isEqualTo("DELETE");
        assertThat(strings(header(event).get("recordIds"))).containsExactly(id);
        assertThat(event.get("Name")).isNull();
    }

    @Test
    void upsertByExternalIdCreatesThenUpdates() {
        String path = sobject("Account") + "/Clarity_Account_Key__c/K-9";
        assertThat(call("PATCH", path, Map.of("Name", "Up")).status()).isEqualTo(201);
        assertThat(call("PATCH", path, Map.of("Name", "Up 2")).status()).isEqualTo(200);

        List<GenericRecord> events = changeEvents("Account");
        assertThat(events).extracting(e -> text(header(e).get("changeType"))).containsExactly("CREATE", "UPDATE");
        assertThat(text(events.getLast().get("Name"))).isEqualTo("Up 2");
    }

    @Test
    void collectionsUpdateOfSeveralRecordsWithTheSameChangeIsMergedIntoOneEvent() {
        String a = createWithClient("Account", Map.of("Name", "A"));
        String b = createWithClient("Account", Map.of("Name", "B"));
        String c = createWithClient("Account", Map.of("Name", "C"));
        String body = "{\"allOrNone\":true,\"records\":["
                + "{\"attributes\":{\"type\":\"Account\"},\"id\":\"" + a + "\",\"Industry\":\"Banking\"},"
                + "{\"attributes\":{\"type\":\"Account\"},\"id\":\"" + b + "\",\"Industry\":\"Banking\"},"
                + "{\"attributes\":{\"type\":\"Account\"},\"id\":\"" + c + "\",\"Industry\":\"Energy\"}]}";
        assertThat(call("PATCH", SandboxClient.V + "/composite/sobjects", body).status()).isEqualTo(200);

        List<GenericRecord> updates = changeEvents("Account").stream()
                .filter(e -> text(header(e).get("changeType")).equals("UPDATE")).toList();
        assertThat(updates).hasSize(2);
        assertThat(strings(header(updates.get(0)).get("recordIds"))).containsExactly(a, b);
        assertThat(strings(header(updates.get(1)).get("recordIds"))).containsExactly(c);
        assertThat(text(header(updates.get(0)).get("transactionKey")))
                .isEqualTo(text(header(updates.get(1)).get("transactionKey")));
        assertThat(header(updates.get(0)).get("sequenceNumber")).isEqualTo(1);
        assertThat(header(updates.get(1)).get("sequenceNumber")).isEqualTo(2);
    }

    @Test
    void compositeRequestSharesOneTransactionKeyWithSequenceNumbers() {
        String body = "{\"allOrNone\":true,\"compositeRequest\":["
                + "{\"method\":\"POST\",\"url\":\"" + SandboxClient.V + "/sobjects/Account\",\"referenceId\":\"acc\","
                + "\"body\":{\"Name\":\"Composite\"}},"
                + "{\"method\":\"POST\",\"url\":\"" + SandboxClient.V + "/sobjects/Contact\",\"referenceId\":\"con\","
                + "\"body\":{\"LastName\":\"Doe\",\"FirstName\":\"Jo\",\"AccountId\":\"@{acc.id}\"}}]}";
        assertThat(call("POST", SandboxClient.V + "/composite", body).status()).isEqualTo(200);

        List<EventBus.StoredEvent> stored = storedChangeEvents();
        GenericRecord account = decode(schemaOf("Account"), stored.get(stored.size() - 2).payload());
        GenericRecord contact = decode(schemaOf("Contact"), stored.getLast().payload());
        assertThat(text(header(account).get("transactionKey"))).isEqualTo(text(header(contact).get("transactionKey")));
        assertThat(header(account).get("sequenceNumber")).isEqualTo(1);
        assertThat(header(contact).get("sequenceNumber")).isEqualTo(2);
        assertThat(text(((GenericRecord) contact.get("Name")).get("LastName"))).isEqualTo("Doe");
        assertThat(stored.getLast().topic()).isEqualTo("/data/ContactChangeEvent");
    }

    @Test
    void compositeGraphAndTreeWritesPublishEvents() {
        String graph = "{\"graphs\":[{\"graphId\":\"g1\",\"compositeRequest\":["
                + "{\"method\":\"POST\",\"url\":\"" + SandboxClient.V + "/sobjects/Account\",\"referenceId\":\"a\","
                + "\"body\":{\"Name\":\"Graph\"}},"
                + "{\"method\":\"POST\",\"url\":\"" + SandboxClient.V + "/sobjects/Contact\",\"referenceId\":\"c\","
                + "\"body\":{\"LastName\":\"G\",\"AccountId\":\"@{a.id}\"}}]}]}";
        assertThat(call("POST", SandboxClient.V + "/composite/graph", graph).status()).isEqualTo(200);
        List<EventBus.StoredEvent> afterGraph = storedChangeEvents();
        assertThat(afterGraph).extracting(EventBus.StoredEvent::entity).containsExactly("Account", "Contact");

        String tree = "{\"records\":[{\"attributes\":{\"type\":\"Account\",\"referenceId\":\"r1\"},\"Name\":\"Tree\","
                + "\"Contacts\":{\"records\":[{\"attributes\":{\"type\":\"Contact\",\"referenceId\":\"r2\"},"
                + "\"LastName\":\"T\"}]}}]}";
        assertThat(call("POST", SandboxClient.V + "/composite/tree/Account", tree).status()).isEqualTo(201);
        List<EventBus.StoredEvent> all = storedChangeEvents();
        assertThat(all).hasSize(4);
        GenericRecord treeAccount = decode(schemaOf("Account"), all.get(2).payload());
        GenericRecord treeContact = decode(schemaOf("Contact"), all.get(3).payload());
        assertThat(text(treeAccount.get("Name"))).isEqualTo("Tree");
        assertThat(text(header(treeAccount).get("transactionKey")))
                .isEqualTo(text(header(treeContact).get("transactionKey")));
        assertThat(text(header(treeContact).get("changeOrigin"))).isEqualTo(REST_ORIGIN);
    }

    @Test
    void bulkIngestEventsCarryTheBulkApiOrigin() {
        SandboxClient.Response job = call("POST", SandboxClient.V + "/jobs/ingest",
                Map.of("object", "Account", "operation", "insert", "lineEnding", "LF"));
        String jobId = job.json().get("id").asText();
        SandboxClient.Response upload = client.send("PUT", SandboxClient.V + "/jobs/ingest/" + jobId + "/batches",
                "Name\nBulk 1\nBulk 2\n", Map.of("Authorization", "Bearer " + token(), "Content-Type", "text/csv"));
        assertThat(upload.status()).isEqualTo(201);
        call("PATCH", SandboxClient.V + "/jobs/ingest/" + jobId, Map.of("state", "UploadComplete"));
        await().atMost(Duration.ofSeconds(30)).until(() -> changeEvents("Account").size() >= 2);

        List<GenericRecord> events = changeEvents("Account");
        assertThat(events).extracting(e -> text(header(e).get("changeOrigin")))
                .containsOnly("com/salesforce/api/bulkapi/66.0;client=" + CLIENT_ID);
        assertThat(events).extracting(e -> text(e.get("Name"))).containsExactly("Bulk 1", "Bulk 2");
    }

    @Test
    void orderProductAndPriceEventsIncludingTheRollUp() {
        String account = createWithClient("Account", Map.of("Name", "Buyer"));
        createWithClient("Contact", Map.of("LastName", "Buyer"));
        String product = createWithClient("Product2", Map.of("Name", "Widget", "IsActive", true));
        String entry = createWithClient("PricebookEntry", Map.of("Pricebook2Id", sandbox.standardPricebookId(),
                "Product2Id", product, "UnitPrice", 10.0, "IsActive", true));
        String order = createWithClient("Order", Map.of("AccountId", account, "EffectiveDate", "2024-05-01",
                "Status", "Draft", "Pricebook2Id", sandbox.standardPricebookId()));
        String item = createWithClient("OrderItem", Map.of("OrderId", order, "PricebookEntryId", entry,
                "Quantity", 2, "UnitPrice", 10.0));

        Set<String> entities = storedChangeEvents().stream().map(EventBus.StoredEvent::entity)
                .collect(Collectors.toSet());
        assertThat(entities).contains("Account", "Contact", "Product2", "PricebookEntry", "Order", "OrderItem");
        GenericRecord orderCreate = changeEvents("Order").getFirst();
        assertThat(orderCreate.get("EffectiveDate")).as("Date as days since epoch")
                .isEqualTo((int) java.time.LocalDate.parse("2024-05-01").toEpochDay());
        GenericRecord itemCreate = changeEvents("OrderItem").getLast();
        assertThat(strings(header(itemCreate).get("recordIds"))).containsExactly(item);
        assertThat(itemCreate.get("Quantity")).isEqualTo(2.0);
        // The TotalAmount roll-up is the org's own write in the item's transaction: an Order UPDATE after it.
        GenericRecord rollUp = changeEvents("Order").getLast();
        assertThat(text(header(rollUp).get("changeType"))).isEqualTo("UPDATE");
        assertThat(strings(header(rollUp).get("recordIds"))).containsExactly(order);
        assertThat(text(header(rollUp).get("transactionKey"))).isEqualTo(text(header(itemCreate).get("transactionKey")));
        assertThat(header(itemCreate).get("sequenceNumber")).isEqualTo(1);
        assertThat(header(rollUp).get("sequenceNumber")).isEqualTo(2);
        assertThat(rollUp.get("TotalAmount")).isEqualTo(20.0);
        assertThat(strings(header(rollUp).get("changedFields")).getFirst()).isIn(
                bits(position("Order", "TotalAmount"), position("Order", "LastModifiedDate")),
                bits(position("Order", "TotalAmount")));
    }

    @Test
    void selectedEntitiesLimitWhichObjectsPublish() {
        assertThat(control("POST", "cdc/entities", "{\"entities\":[\"Contact\"]}").status()).isEqualTo(200);
        createWithClient("Account", Map.of("Name", "Silent"));
        createWithClient("Contact", Map.of("LastName", "Loud"));
        assertThat(storedChangeEvents()).extracting(EventBus.StoredEvent::entity).containsExactly("Contact");

        assertThat(control("POST", "cdc/entities", "{\"entities\":null}").json().get("selectedEntities"))
                .hasSizeGreaterThan(5);
    }

    @Test
    void changeAsAUserHasAnotherCommitUserAndNoClientId() {
        assertThat(control("POST", "cdc/as-user", "{}").status()).isEqualTo(200);
        createWithClient("Account", Map.of("Name", "Human"));
        GenericRecord header = header(changeEvents("Account").getLast());
        assertThat(text(header.get("commitUser"))).isEqualTo(sandbox.humanUserId()).isNotEqualTo(sandbox.userId());
        assertThat(text(header.get("changeOrigin"))).isEqualTo("com/salesforce/api/rest/66.0");

        control("DELETE", "cdc/as-user", null);
        createWithClient("Account", Map.of("Name", "Machine"));
        assertThat(text(header(changeEvents("Account").getLast()).get("commitUser"))).isEqualTo(sandbox.userId());
    }

    @Test
    void gapAndOverflowEventsAreHeaderOnly() {
        String id = createWithClient("Account", Map.of("Name", "Gap"));
        assertThat(control("POST", "cdc/gap", "{\"entity\":\"Account\",\"changeType\":\"GAP_UPDATE\",\"recordIds\":[\""
                + id + "\"]}").status()).isEqualTo(200);
        assertThat(control("POST", "cdc/gap", "{\"entity\":\"Account\",\"changeType\":\"GAP_OVERFLOW\"}").status())
                .isEqualTo(200);
        assertThat(control("POST", "cdc/gap", "{\"entity\":\"Account\",\"changeType\":\"UPDATE\"}").status())
                .isEqualTo(400);

        List<GenericRecord> events = changeEvents("Account");
        GenericRecord gap = events.get(events.size() - 2);
        assertThat(text(header(gap).get("changeType"))).isEqualTo("GAP_UPDATE");
        assertThat(strings(header(gap).get("recordIds"))).containsExactly(id);
        assertThat(gap.get("Name")).isNull();
        assertThat(text(header(events.getLast()).get("changeType"))).isEqualTo("GAP_OVERFLOW");
    }

    @Test
    void failedWritesPublishNothing() {
        assertThat(call("POST", sobject("Account"), Map.of("Phone", "1")).status()).isEqualTo(400);
        assertThat(storedChangeEvents()).isEmpty();
    }

    @Test
    void controlApiListsDecodedEventsAndUserinfoWorks() {
        createWithClient("Account", Map.of("Name", "Listed"));
        SandboxClient.Response events = control("GET", "cdc/events", null);
        assertThat(events.json().get("events").get(0).get("payload").get("Name").asText())
                .isEqualTo("Listed");
        SandboxClient.Response userinfo = client.send("GET", "/services/oauth2/userinfo", null,
                Map.of("Authorization", "Bearer " + token()));
        assertThat(userinfo.json().get("organization_id").asText()).isEqualTo(sandbox.orgId());
        assertThat(userinfo.json().get("user_id").asText()).isEqualTo(sandbox.userId());
        assertThat(client.send("GET", "/services/oauth2/userinfo", null, Map.of()).status()).isEqualTo(401);
    }
}
