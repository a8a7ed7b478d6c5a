package dev.tandem.sandbox.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.sandbox.salesforce.schema.SalesforceSchema;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** An org with multiple currencies (corporate USD, EUR and GBP active): prices per price book and currency. */
class MultiCurrencyTest extends SandboxTestSupport {

    @Override
    protected SalesforceSandbox.Builder configure(SalesforceSandbox.Builder builder) {
        return builder.currencies(List.of("USD", "EUR", "GBP"));
    }

    private static String errorCode(SandboxClient.Response response) {
        return response.json().get(0).get("errorCode").asText();
    }

    private String entry(String pricebook, String product, String currency, double price) {
        return client.create("PricebookEntry", Map.of("Pricebook2Id", pricebook, "Product2Id", product,
                "CurrencyIsoCode", currency, "UnitPrice", price, "IsActive", true));
    }

    @Test
    void describeOffersTheActiveCurrenciesAsARestrictedPicklistDefaultingToTheCorporateOne() {
        JsonNode field = null;
        for (JsonNode f : client.get(sobject("PricebookEntry") + "/describe").json().get("fields")) {
            if (f.get("name").asText().equals("CurrencyIsoCode")) {
                field = f;
            }
        }

        assertThat(field).isNotNull();
        assertThat(field.get("type").asText()).isEqualTo("picklist");
        assertThat(field.get("restrictedPicklist").asBoolean()).isTrue();
        assertThat(field.get("createable").asBoolean()).isTrue();
        assertThat(field.get("updateable").asBoolean()).isFalse();
        assertThat(field.get("picklistValues").findValuesAsText("value")).containsExactly("USD", "EUR", "GBP");
        String product = client.create("Product2", Map.of("Name", "Widget"));
        assertThat(sandbox.record("Product2", product).orElseThrow()).containsEntry("CurrencyIsoCode", "USD");
    }

    @Test
    void aProductHasOneStandardPricePerCurrencyAndACustomPriceNeedsTheStandardOneInItsCurrency() {
        String product = client.create("Product2", Map.of("Name", "Widget"));
        String standard = sandbox.standardPricebookId();
        String custom = client.create("Pricebook2", Map.of("Name", "EU", "IsActive", true));
        entry(standard, product, "USD", 100.0);

        SandboxClient.Response euroWithoutStandard = client.post(sobject("PricebookEntry"), Map.of("Pricebook2Id",
                custom, "Product2Id", product, "CurrencyIsoCode", "EUR", "UnitPrice", 90.0));
        String euroStandard = entry(standard, product, "EUR", 92.0);
        String euroCustom = entry(custom, product, "EUR", 90.0);
        SandboxClient.Response secondEuroStandard = client.post(sobject("PricebookEntry"), Map.of("Pricebook2Id",
                standard, "Product2Id", product, "CurrencyIsoCode", "EUR", "UnitPrice", 93.0));

        assertThat(euroWithoutStandard.status()).isEqualTo(400);
        assertThat(errorCode(euroWithoutStandard)).isEqualTo("STANDARD_PRICE_NOT_DEFINED");
        assertThat(sandbox.record("PricebookEntry", euroStandard).orElseThrow()).containsEntry("CurrencyIsoCode", "EUR");
        assertThat(sandbox.record("PricebookEntry", euroCustom).orElseThrow()).containsEntry("UnitPrice", 90.0);
        assertThat(errorCode(secondEuroStandard)).isEqualTo("DUPLICATE_VALUE");
        JsonNode rows = client.get(SandboxClient.V + "/query?q=" + java.net.URLEncoder.encode(
                "SELECT CurrencyIsoCode, UnitPrice FROM PricebookEntry WHERE Product2Id = '" + product
                        + "' AND CurrencyIsoCode = 'EUR'", java.nio.charset.StandardCharsets.UTF_8)).json();
        assertThat(rows.get("totalSize").asInt()).isEqualTo(2);
    }

    @Test
    void aCurrencyTheOrgDoesNotHaveIsABadPicklistValueAndAnEntrysCurrencyCannotChange() {
        String product = client.create("Product2", Map.of("Name", "Widget"));
        String usd = entry(sandbox.standardPricebookId(), product, "USD", 100.0);

        SandboxClient.Response yen = client.post(sobject("PricebookEntry"), Map.of("Pricebook2Id",
                sandbox.standardPricebookId(), "Product2Id", product, "CurrencyIsoCode", "JPY", "UnitPrice", 1.0));
        SandboxClient.Response change = client.patch(sobject("PricebookEntry") + "/" + usd,
                Map.of("CurrencyIsoCode", "EUR"));

        assertThat(yen.status()).isEqualTo(400);
        assertThat(errorCode(yen)).isEqualTo("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST");
        assertThat(change.status()).isEqualTo(400);
        assertThat(errorCode(change)).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
    }

    @Test
    void anOrderLineTakesItsOrdersCurrencyAndRefusesAnEntryInAnother() {
        String product = client.create("Product2", Map.of("Name", "Widget"));
        String standard = sandbox.standardPricebookId();
        String usd = entry(standard, product, "USD", 100.0);
        String eur = entry(standard, product, "EUR", 92.0);
        String order = client.create("Order", Map.of("AccountId", account("A-1"), "EffectiveDate", "2024-05-01",
                "Status", "Draft", "Pricebook2Id", standard, "CurrencyIsoCode", "EUR"));

        SandboxClient.Response wrong = client.post(sobject("OrderItem"), Map.of("OrderId", order,
                "PricebookEntryId", usd, "Quantity", 1, "UnitPrice", 100.0));
        String line = client.create("OrderItem", Map.of("OrderId", order, "PricebookEntryId", eur, "Quantity", 1,
                "UnitPrice", 92.0));

        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get(0).get("message").asText())
                .isEqualTo("field integrity exception: PricebookEntryId (pricebook entry currency code does not match"
                        + " order currency code)");
        assertThat(sandbox.record("OrderItem", line).orElseThrow()).containsEntry("CurrencyIsoCode", "EUR");
    }

    @Test
    void currencyTypeListsTheActiveCurrenciesAndNamesTheCorporateOne() {
        JsonNode rows = client.get(SandboxClient.V + "/query?q=" + java.net.URLEncoder.encode(
                "SELECT IsoCode FROM CurrencyType WHERE IsCorporate = true", java.nio.charset.StandardCharsets.UTF_8))
                .json();
        JsonNode all = client.get(SandboxClient.V + "/query?q=" + java.net.URLEncoder.encode(
                "SELECT IsoCode, IsActive FROM CurrencyType", java.nio.charset.StandardCharsets.UTF_8)).json();

        assertThat(rows.get("records").findValuesAsText("IsoCode")).containsExactly("USD");
        assertThat(all.get("records").findValuesAsText("IsoCode")).containsExactlyInAnyOrder("USD", "EUR", "GBP");
        SandboxClient.Response create = client.post(sobject("CurrencyType"), Map.of("IsoCode", "JPY"));
        assertThat(create.status()).isEqualTo(400);
    }

    @Nested
    class SingleCurrencyOrg {

        @Test
        void hasNoCurrencyFieldAndRejectsOne() {
            SalesforceSchema plain = SalesforceSchema.standard(false);

            assertThat(plain.require("PricebookEntry").field("CurrencyIsoCode")).isEmpty();
            assertThat(plain.multiCurrency()).isFalse();
        }

        @Test
        void badCurrencyListsAreRefusedAtStart() {
            assertThatThrownBy(() -> SalesforceSchema.standard(false, List.of("usd")))
                    .hasMessageContaining("three-letter ISO 4217 code");
            assertThatThrownBy(() -> SalesforceSchema.standard(false, List.of("USD", "USD")))
                    .hasMessageContaining("name one twice");
        }
    }
}
