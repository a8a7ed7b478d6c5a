package dev.tandem.sandbox.salesforce;

import static dev.tandem.sandbox.salesforce.SandboxClient.V;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryResourceTest extends SandboxTestSupport {

    private SandboxClient.Response query(String soql) {
        return client.get(V + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
    }

    /** A query whose URI (path and query string as sent) is exactly {@code bytes} long. */
    private static String queryUri(int bytes) {
        String head = V + "/query?q=" + URLEncoder.encode("SELECT Id FROM Account WHERE Name IN ('", StandardCharsets.UTF_8);
        String tail = URLEncoder.encode("')", StandardCharsets.UTF_8);
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    @Test
    void aQueryUriUpTo16384BytesIsAnsweredAndALongerOneIs414AsSalesforceDoes() {
        // spec §2.2: "414 The length of the URI exceeds the 16,384-byte limit"
        assertThat(client.get(queryUri(15_500)).status()).isEqualTo(200);

        SandboxClient.Response tooLong = client.get(queryUri(16_385));
        assertThat(tooLong.status()).isEqualTo(414);
        assertThat(tooLong.json().get(0).get("errorCode").asText()).isEqualTo("URI_TOO_LONG");
    }

    @Test
    void aUriThatFitsButWithItsHeadersExceeds16384BytesIs431() {
        // spec §2.2: "431 The combined length of the URI and headers exceeds the 16,384-byte limit"
        assertThat(client.get(queryUri(16_380)).status()).isEqualTo(431);
    }

    @Test
    void queryReturnsRecordsWithAttributesAndParentFieldsNested() {
        String accountId = account("A-1");
        String contactId = client.create("Contact", Map.of("LastName", "Doe", "AccountId", accountId));
        client.create("Contact", Map.of("LastName", "Orphan"));

        SandboxClient.Response response = query(
                "SELECT Id, LastName, Account.Clarity_Account_Key__c FROM Contact ORDER BY LastName");

        assertThat(response.status()).isEqualTo(200);
        JsonNode body = response.json();
        assertThat(body.get("totalSize").asInt()).isEqualTo(2);
        assertThat(body.get("done").asBoolean()).isTrue();
        JsonNode doe = body.get("records").get(0);
        assertThat(doe.get("attributes").get("type").asText()).isEqualTo("Contact");
        assertThat(doe.get("attributes").get("url").asText()).isEqualTo(V + "/sobjects/Contact/" + contactId);
        assertThat(doe.properties()).extracting(Map.Entry::getKey)
                .containsExactly("attributes", "Id", "LastName", "Account");
        assertThat(doe.get("Account").get("attributes").get("type").asText()).isEqualTo("Account");
        assertThat(doe.get("Account").get("Clarity_Account_Key__c").asText()).isEqualTo("A-1");
        assertThat(body.get("records").get(1).get("Account").isNull()).isTrue();
    }

    @Test
    void whereClauseFiltersWithTypedLiterals() {
        String[] product = client.productWithStandardPrice("P-1", 10);
        String order = client.draftOrder(account("A-1"));
        client.create("OrderItem", Map.of("OrderId", order, "PricebookEntryId", product[1], "Quantity", 2,
                "UnitPrice", 10, "Clarity_Order_Item_Key__c", "I-1"));
        client.create("OrderItem", Map.of("OrderId", order, "PricebookEntryId", product[1], "Quantity", 5,
                "UnitPrice", 10, "Clarity_Order_Item_Key__c", "I-2"));

        JsonNode byQuantity = query("SELECT Clarity_Order_Item_Key__c FROM OrderItem WHERE Quantity > 2").json();
        JsonNode byParent = query("SELECT Id FROM OrderItem WHERE Order.Clarity_Order_Key__c = null"
                + " AND Product2.Clarity_Product_Key__c IN ('P-1') AND (Quantity = 2 OR Quantity = 5)").json();
        JsonNode byLike = query("select Id from Account where Name like 'account%'").json();
        JsonNode byDate = query("SELECT Id FROM Order WHERE EffectiveDate >= 2024-05-01 AND Status != 'Activated'")
                .json();
        JsonNode standard = query("SELECT Id FROM Pricebook2 WHERE IsStandard = true").json();

        assertThat(byQuantity.get("records")).singleElement()
                .satisfies(r -> assertThat(r.get("Clarity_Order_Item_Key__c").asText()).isEqualTo("I-2"));
        assertThat(byParent.get("totalSize").asInt()).isEqualTo(2);
        assertThat(byLike.get("totalSize").asInt()).isEqualTo(1);
        assertThat(byDate.get("totalSize").asInt()).isEqualTo(1);
        assertThat(standard.get("records").get(0).get("Id").asText()).isEqualTo(sandbox.standardPricebookId());
    }

    @Test
    void countQueryReturnsOnlyTheTotal() {
        account("A-1");
        account("A-2");

        SandboxClient.Response response = query("SELECT COUNT() FROM Account");

        assertThat(response.text()).isEqualTo("{\"totalSize\":2,\"done\":true,\"records\":[]}");
    }

    @Test
    void limitAndOffsetPage() {
        for (int i = 0; i < 5; i++) {
            account("A-" + i);
        }

        JsonNode body = query("SELECT Clarity_Account_Key__c FROM Account ORDER BY Clarity_Account_Key__c DESC"
                + " LIMIT 2 OFFSET 1").json();

        assertThat(body.get("records")).extracting(r -> r.get("Clarity_Account_Key__c").asText())
                .containsExactly("A-3", "A-2");
    }

    @Test
    void largeResultsArePagedIn2000RecordBatchesUsableFromAnyVersion() {
        insertAccounts(2450);

        JsonNode first = query("SELECT Id, Name FROM Account").json();

        assertThat(first.get("totalSize").asInt()).isEqualTo(2450);
        assertThat(first.get("done").asBoolean()).isFalse();
        assertThat(first.get("records")).hasSize(2000);
        String next = first.get("nextRecordsUrl").asText();
        assertThat(next).matches("/services/data/v66\\.0/query/01g[A-Za-z0-9]{15}-2000");
        String locator = next.substring(next.lastIndexOf('/') + 1);

        JsonNode second = client.get("/services/data/v52.0/query/" + locator).json();

        assertThat(second.get("done").asBoolean()).isTrue();
        assertThat(second.has("nextRecordsUrl")).isFalse();
        assertThat(second.get("records")).hasSize(450);
        assertThat(second.get("records").get(0).get("attributes").get("url").asText())
                .startsWith("/services/data/v52.0/sobjects/Account/");
        List<String> ids = new ArrayList<>();
        first.get("records").forEach(r -> ids.add(r.get("Id").asText()));
        second.get("records").forEach(r -> ids.add(r.get("Id").asText()));
        assertThat(ids).doesNotHaveDuplicates().hasSize(2450);
    }

    @Test
    void queryAllIncludesDeletedRecords() {
        String id = account("A-1");
        client.delete(sobject("Account") + "/" + id);

        JsonNode all = client.get(V + "/queryAll?q=" + URLEncoder.encode("SELECT Id, IsDeleted FROM Account",
                StandardCharsets.UTF_8)).json();

        assertThat(query("SELECT Id FROM Account").json().get("totalSize").asInt()).isZero();
        assertThat(all.get("records")).singleElement()
                .satisfies(r -> assertThat(r.get("IsDeleted").asBoolean()).isTrue());
    }

    /** The Ids a query returns, in the order returned. */
    private List<String> ids(String soql) {
        List<String> out = new ArrayList<>();
        query(soql).json().get("records").forEach(r -> out.add(r.get("Id").asText()));
        return out;
    }

    @Test
    void idAndLookupFiltersAnsweredFromTheStoreReturnWhatAFullScanReturns() {
        String a1 = account("A-1");
        String a2 = account("A-2");
        String ann = client.create("Contact", Map.of("LastName", "Ann", "AccountId", a1));
        String bob = client.create("Contact", Map.of("LastName", "Bob", "AccountId", a1));
        String cid = client.create("Contact", Map.of("LastName", "Cid", "AccountId", a2));
        String dan = client.create("Contact", Map.of("LastName", "Dan"));
        // A reparented and a deleted record after the first look-up.
        assertThat(ids("SELECT Id FROM Contact WHERE AccountId = '" + a1 + "'")).containsExactly(ann, bob);
        assertThat(client.patch(sobject("Contact") + "/" + bob, Map.of("AccountId", a2)).status()).isEqualTo(204);
        assertThat(client.delete(sobject("Contact") + "/" + cid).status()).isEqualTo(204);

        // 15-character ids match their 18-character forms, as in Salesforce.
        String a2short = a2.substring(0, 15);
        String byLookup = "SELECT Id FROM Contact WHERE AccountId IN ('" + a1 + "', '" + a2short + "')";
        String scanned = byLookup + " OR LastName LIKE 'nobody%'";
        assertThat(ids(byLookup)).containsExactly(ann, bob).isEqualTo(ids(scanned));
        assertThat(ids("SELECT Id FROM Contact WHERE AccountId = '" + a2short + "' AND LastName = 'Bob'"))
                .containsExactly(bob);
        assertThat(ids("SELECT Id FROM Contact WHERE AccountId = null")).containsExactly(dan);

        String byId = "SELECT Id FROM Contact WHERE Id IN ('" + dan + "', '" + ann.substring(0, 15) + "', '"
                + cid + "', '" + a1 + "')";
        // The deleted contact and the account's id are not contacts: only the two live contacts come back.
        assertThat(ids(byId)).containsExactly(ann, dan).isEqualTo(ids(byId + " OR LastName LIKE 'nobody%'"));
        assertThat(ids("SELECT Id FROM Contact WHERE Id = '" + bob + "' AND AccountId = '" + a2 + "'"))
                .containsExactly(bob);

        // A malformed id is still refused as Salesforce refuses it.
        SandboxClient.Response bad = query("SELECT Id FROM Contact WHERE AccountId IN ('" + a1 + "', 'not-an-id')");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_QUERY_FILTER_OPERATOR");
    }

    @Test
    void equalityAndInFiltersAnsweredFromAnIndexReturnWhatAFullScanReturnsAfterUpdatesDeletesAndRollbacks() {
        String ann = client.create("Contact", Map.of("LastName", "Ann", "Email", "ann@example.com"));
        String bob = client.create("Contact", Map.of("LastName", "Bob", "Email", "BOB@example.com"));
        String cid = client.create("Contact", Map.of("LastName", "Cid", "Email", "cid@example.com"));
        // The first filter on Email builds its index; text compares case-insensitively either way.
        assertThat(ids("SELECT Id FROM Contact WHERE Email IN ('bob@EXAMPLE.com', 'ANN@example.com')"))
                .containsExactly(ann, bob);

        // Writes after the index exists: a changed value, a deleted record, and a failed all-or-none request.
        assertThat(client.patch(sobject("Contact") + "/" + bob, Map.of("Email", "robert@example.com")).status())
                .isEqualTo(204);
        assertThat(client.delete(sobject("Contact") + "/" + cid).status()).isEqualTo(204);
        String failed = "{\"allOrNone\":true,\"records\":["
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + ann + "\",\"Email\":\"gone@example.com\"},"
                + "{\"attributes\":{\"type\":\"Contact\"},\"id\":\"" + bob + "\",\"LastName\":null}]}";
        JsonNode refused = client.patch(V + "/composite/sobjects", failed).json();
        assertThat(refused.get(1).get("success").asBoolean()).isFalse();
        String dan = client.create("Contact", Map.of("LastName", "Dan", "Email", "bob@example.com"));

        String indexed = "SELECT Id FROM Contact WHERE Email IN ('bob@example.com', 'robert@example.com',"
                + " 'cid@example.com', 'ann@example.com', 'gone@example.com') OR LastName = 'Cid'";
        // The same filter with an operand no index answers: the whole object is read.
        String scanned = indexed + " OR Email LIKE 'nobody%'";
        assertThat(ids(indexed)).containsExactly(ann, bob, dan).isEqualTo(ids(scanned));
        assertThat(ids("SELECT Id FROM Contact WHERE Email = 'gone@example.com'")).isEmpty();
        assertThat(ids("SELECT Id FROM Contact WHERE LastName = 'Dan' AND Email = 'BOB@example.com'"))
                .containsExactly(dan);
        assertThat(ids("SELECT Id FROM Contact WHERE LastName = 'Ann' AND Email = 'bob@example.com'")).isEmpty();

        // Field = null: the records without a value, kept as values come and go.
        String eve = client.create("Contact", Map.of("LastName", "Eve"));
        String fay = client.create("Contact", Map.of("LastName", "Fay"));
        assertThat(ids("SELECT Id FROM Contact WHERE Email = null")).containsExactly(eve, fay);
        assertThat(client.patch(sobject("Contact") + "/" + eve, Map.of("Email", "eve@example.com")).status())
                .isEqualTo(204);
        assertThat(client.patch(sobject("Contact") + "/" + dan, java.util.Collections.singletonMap("Email", null))
                .status()).isEqualTo(204);
        assertThat(ids("SELECT Id FROM Contact WHERE Email = null AND LastName IN ('Dan', 'Fay', 'Eve')"))
                .containsExactly(dan, fay)
                .isEqualTo(ids("SELECT Id FROM Contact WHERE (Email = null AND LastName IN ('Dan', 'Fay', 'Eve'))"
                        + " OR LastName LIKE 'zzz%'"));
    }

    @Test
    void unknownColumnIsInvalidField() {
        SandboxClient.Response response = query("SELECT Id, Bogus__c FROM Account");

        assertThat(response.status()).isEqualTo(400);
        JsonNode error = response.json().get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(error.get("message").asText()).contains("ERROR at Row:1:Column:12")
                .contains("No such column 'Bogus__c' on entity 'Account'.");
    }

    @Test
    void unknownObjectIsInvalidType() {
        SandboxClient.Response response = query("SELECT Id FROM Whizbang__c");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("INVALID_TYPE");
        assertThat(response.json().get(0).get("message").asText())
                .contains("sObject type 'Whizbang__c' is not supported.");
    }

    @Test
    void syntaxErrorIsMalformedQuery() {
        SandboxClient.Response response = query("SELECT FROM Account");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
    }

    @Test
    void quotedNumberIsATypeError() {
        SandboxClient.Response response = query("SELECT Id FROM OrderItem WHERE Quantity = '2'");

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.json().get(0).get("message").asText())
                .endsWith("value of filter criterion for field 'Quantity' must be of type double and should not be"
                        + " enclosed in quotes");
    }

    private void insertAccounts(int count) {
        for (int start = 0; start < count; start += 200) {
            ObjectNode body = SandboxClient.object();
            body.put("allOrNone", true);
            ArrayNode records = body.putArray("records");
            for (int i = start; i < Math.min(count, start + 200); i++) {
                ObjectNode record = records.addObject();
                record.putObject("attributes").put("type", "Account");
                record.put("Name", "Bulk " + i);
            }
            SandboxClient.Response response = client.post(V + "/composite/sobjects", body);
            assertThat(response.status()).isEqualTo(200);
        }
    }
}
