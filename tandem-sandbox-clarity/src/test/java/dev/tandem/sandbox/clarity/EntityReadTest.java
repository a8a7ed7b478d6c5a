package dev.tandem.sandbox.clarity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.clarity.ClarityTestClient.Reply;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Spec §2, §5, §6, §8: single-record routes and the wire format of the models. */
class EntityReadTest {

    private static ClaritySandbox sandbox;
    private static ClarityTestClient client;
    private static SalesOrderRef order;

    @BeforeAll
    static void start() {
        QuietLogging.install();
        sandbox = ClaritySandbox.builder().seed(11).customers(12).products(15).build().start();
        client = new ClarityTestClient(sandbox.baseUrl()).loginWithPid(sandbox.user(), sandbox.password());
        order = sandbox.orders().createRandomOrder();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void salesOrderByIdHasTheShapeOfSalesOrderModel() {
        JsonNode o = client.get("/Ordering/SalesOrder/ID/" + order.id()).json();

        assertThat(o.get("ID").asInt()).isEqualTo(order.id()).isGreaterThanOrEqualTo(5001);
        assertThat(o.get("CustomKey").asText()).isEqualTo("SO-" + order.id());
        assertThat(o.get("Active").asBoolean()).isTrue();
        assertThat(o.get("TypeKey").asText()).isEqualTo("Web");
        assertThat(o.get("StatusKey").asText()).isEqualTo("Pending");
        assertThat(o.get("StatusName").asText()).isEqualTo("Pending");
        assertThat(o.get("StateKey").asText()).isEqualTo("WORK");
        assertThat(o.get("AccountKey").asText()).startsWith("CUST-");
        assertThat(o.get("Totals").fieldNames()).toIterable()
                .containsExactly("SubTotal", "Shipping", "Handling", "Fees", "Discounts", "Tax", "Total");
        assertThat(o.get("BillingContact").get("Address").get("CountryCode").asText()).hasSize(3);
        assertThat(o.get("BillingContactID").asInt()).isEqualTo(o.get("BillingContact").get("ID").asInt());
        assertThat(o.get("ShippingContact")).isNotNull();
        assertThat(o.get("ShippingSameAsBilling").isBoolean()).isTrue();
        JsonNode item = o.get("SalesItems").get(0);
        assertThat(item.get("CustomKey").asText()).isEqualTo("SO-" + order.id() + "-1");
        assertThat(item.get("MasterID").asInt()).isEqualTo(order.id());
        assertThat(item.get("Sku").asText()).isEqualTo(item.get("ProductKey").asText()).startsWith("SKU-");
        assertThat(item.get("UnitOfMeasure").asText()).isEqualTo("EA");
        assertThat(o.get("Hash").isIntegralNumber()).isTrue();
    }

    @Test
    void amountsAreJsonNumbersWithTwoDecimals() {
        String body = client.get("/Ordering/SalesOrder/ID/" + order.id()).body();

        assertThat(body).containsPattern("\"SubTotal\":\\d+\\.\\d{2}[,}]")
                .containsPattern("\"Handling\":0\\.00[,}]")
                .containsPattern("\"Total\":-?\\d+\\.\\d{2}[,}]")
                .containsPattern("\"UnitSoldPrice\":\\d+\\.\\d{2}[,}]");
    }

    @Test
    void salesOrderByKeyIsTheSameRecord() {
        Reply byKey = client.get("/Ordering/SalesOrder/Key/" + order.customKey());

        assertThat(byKey.status()).isEqualTo(200);
        assertThat(byKey.json()).isEqualTo(client.get("/Ordering/SalesOrder/ID/" + order.id()).json());
        assertThat(client.get("/Ordering/SalesOrder/Key/" + order.customKey().toLowerCase()).status())
                .isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource({
        "/Accounts/Account, 1001, CUST-00001",
        "/Contacts/Contact, 9001, CON-9001",
        "/Contacts/User, 2001, USR-2001",
        "/Products/Product, 301, SKU-10001"})
    void seededRecordsAreFoundByIdAndByKey(String route, int id, String key) {
        Reply byId = client.get(route + "/ID/" + id);
        Reply byKey = client.get(route + "/Key/" + key);

        assertThat(byId.status()).isEqualTo(200);
        assertThat(byId.json().get("ID").asInt()).isEqualTo(id);
        assertThat(byId.json().get("CustomKey").asText()).isEqualTo(key);
        assertThat(byKey.json()).isEqualTo(byId.json());
    }

    @ParameterizedTest
    @CsvSource({"/Ordering/SalesOrder", "/Accounts/Account", "/Contacts/Contact", "/Contacts/User",
        "/Products/Product"})
    void missingRecordIs404WithAServiceStackErrorBody(String route) {
        Reply byId = client.get(route + "/ID/999999");
        Reply byKey = client.get(route + "/Key/NO-SUCH-KEY");

        assertThat(byId.status()).isEqualTo(404);
        assertThat(byId.json().at("/ResponseStatus/ErrorCode").asText()).isEqualTo("NotFound");
        assertThat(byId.json().at("/ResponseStatus/Message").asText()).isNotBlank();
        assertThat(byKey.status()).isEqualTo(404);
    }

    @Test
    void existsAnswersTheIdOrJsonNull() {
        Reply present = client.get("/Ordering/SalesOrder/Exists/ID/" + order.id());
        Reply absent = client.get("/Ordering/SalesOrder/Exists/ID/999999");

        assertThat(present.status()).isEqualTo(200);
        assertThat(present.body()).isEqualTo(String.valueOf(order.id()));
        assertThat(absent.status()).isEqualTo(200);
        assertThat(absent.body()).isEqualTo("null");
        assertThat(client.get("/Accounts/Account/Exists/Key/CUST-00002").body()).isEqualTo("1002");
    }

    @Test
    void nullFieldsAreOmittedEverywhere() {
        for (String path : List.of("/Ordering/SalesOrder/ID/" + order.id(), "/Accounts/Account/ID/1001",
                "/Contacts/User/ID/2001", "/Contacts/Contact/ID/9001", "/Products/Product/ID/301",
                "/Accounts/Accounts", "/Contacts/CurrentUser")) {
            assertThat(nullFields(client.get(path).json(), "$")).as(path).isEmpty();
        }
        assertThat(client.get("/Accounts/Account/ID/1001").json().has("Description")).isFalse();
    }

    @Test
    void namesArePascalCaseWithDotNetIdSuffixes() {
        JsonNode user = client.get("/Contacts/User/ID/2001").json();

        assertThat(user.has("ID")).isTrue();
        assertThat(user.has("AccountID")).isTrue();
        assertThat(user.has("ContactID")).isTrue();
        assertThat(user.has("IsApproved")).isTrue();
        assertThat(user.has("Id")).isFalse();
        assertThat(user.has("accountId")).isFalse();
    }

    @Test
    void datesAreIso8601InUtc() {
        JsonNode account = client.get("/Accounts/Account/ID/1001").json();

        Instant created = Instant.parse(account.get("CreatedDate").asText());
        Instant updated = Instant.parse(account.get("UpdatedDate").asText());
        assertThat(account.get("CreatedDate").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{7}Z");
        assertThat(updated).isAfterOrEqualTo(created);
    }

    @Test
    void serializableAttributesIsADictionary() {
        assertThat(client.get("/Accounts/Account/ID/1001").json().get("SerializableAttributes").isObject()).isTrue();
    }

    @Test
    void hashIsStableAcrossReadsAndChangesWithTheData() {
        long before = client.get("/Products/Product/ID/302").json().get("Hash").asLong();
        assertThat(client.get("/Products/Product/ID/302").json().get("Hash").asLong()).isEqualTo(before);

        assertThat(client.patch("/Products/Product/Deactivate/ID/302").json().get("ActionSucceeded").asBoolean())
                .isTrue();

        JsonNode after = client.get("/Products/Product/ID/302").json();
        assertThat(after.get("Active").asBoolean()).isFalse();
        assertThat(after.get("Hash").asLong()).isNotEqualTo(before);
        client.patch("/Products/Product/Reactivate/ID/302");
        assertThat(client.get("/Products/Product/ID/302").json().get("Hash").asLong()).isEqualTo(before);
    }

    @Test
    void productPriceComesFromThePricingRouteBecauseProductModelHasNone() {
        JsonNode product = client.get("/Products/Product/ID/305").json();
        JsonNode price = client.get("/Pricing/Prices/ForProduct/305/Quantity/1").json();

        assertThat(product.has("Price")).isFalse();
        assertThat(price.get("ActionSucceeded").asBoolean()).isTrue();
        assertThat(price.at("/Result/BasePrice").decimalValue()).isBetween(new BigDecimal("5.00"),
                new BigDecimal("500.00"));
    }

    @Test
    void digestListsIdKeyAndHash() {
        JsonNode digest = client.get("/Products/ProductsDigest").json();

        assertThat(digest.isArray()).isTrue();
        assertThat(digest).hasSize(15);
        assertThat(digest.get(0).fieldNames()).toIterable().containsExactly("ID", "Key", "Hash");
    }

    @Test
    void forConnectListIsBareWithoutThePagingWrapper() {
        JsonNode list = client.get("/Accounts/AccountsForConnect").json();

        assertThat(list.isArray()).isTrue();
        assertThat(list.size()).isGreaterThanOrEqualTo(12);
    }

    @Test
    void unknownRouteIs404JsonNotHtml() {
        Reply reply = client.get("/Nothing/Here");

        assertThat(reply.status()).isEqualTo(404);
        assertThat(reply.raw().headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        assertThat(reply.json().at("/ResponseStatus/ErrorCode").asText()).isEqualTo("NotFound");
    }

    @Test
    void malformedJsonBodyIs400() {
        Reply reply = client.post("/Webhooks/Subscriptions", "{\"Url\": [");

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().at("/ResponseStatus/ErrorCode").asText()).isEqualTo("SerializationException");
    }

    @Test
    void nonNumericIdIs400() {
        assertThat(client.get("/Accounts/Account/ID/abc").status()).isEqualTo(400);
    }

    @Test
    void ordersFilterByAccount() {
        int accountId = client.get("/Ordering/SalesOrder/ID/" + order.id()).json().get("AccountID").asInt();

        JsonNode orders = client.get("/Ordering/SalesOrders?AccountID=" + accountId).json();

        assertThat(orders.get("Results")).isNotEmpty()
                .allSatisfy(o -> assertThat(o.get("AccountID").asInt()).isEqualTo(accountId));
    }

    private static List<String> nullFields(JsonNode node, String path) {
        List<String> nulls = new ArrayList<>();
        if (node.isNull()) {
            nulls.add(path);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                nulls.addAll(nullFields(field.getValue(), path + "." + field.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                nulls.addAll(nullFields(node.get(i), path + "[" + i + "]"));
            }
        }
        return nulls;
    }
}
