package dev.tandem.mapping.ai;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FieldTokensTest {

    @Test
    void camelSnakeKebabAndDigitsAreSplit() {
        assertThat(FieldTokens.split("BillingPostalCode")).containsExactly("billing", "postal", "code");
        assertThat(FieldTokens.split("default_address.zip")).containsExactly("default", "address", "zip");
        assertThat(FieldTokens.split("first-name")).containsExactly("first", "name");
        assertThat(FieldTokens.split("Phone1")).containsExactly("phone", "1");
        assertThat(FieldTokens.split("HTMLBody")).containsExactly("html", "body");
    }

    @Test
    void abbreviationsAndSynonymsBecomeOneSpelling() {
        assertThat(FieldTokens.words("qty")).containsExactly("quantity");
        assertThat(FieldTokens.words("zip")).containsExactly("postal", "code");
        assertThat(FieldTokens.words("postcode")).containsExactly("postal", "code");
        assertThat(FieldTokens.words("zip_code")).containsExactly("postal", "code");
        assertThat(FieldTokens.words("tel")).containsExactly("phone");
        assertThat(FieldTokens.words("desc")).containsExactly("description");
        assertThat(FieldTokens.words("sku")).containsExactly("product", "code");
        assertThat(FieldTokens.words("total_amt")).containsExactly("total", "amount");
        assertThat(FieldTokens.words("e_mail")).containsExactly("email");
        assertThat(FieldTokens.words("billing_addr")).containsExactly("billing", "address");
    }

    @Test
    void streetLinesDigitsFillersAndPluralsAreNormalised() {
        assertThat(FieldTokens.words("address_1")).containsExactly("street");
        assertThat(FieldTokens.words("AddressLine2")).containsExactly("street");
        assertThat(FieldTokens.words("Clarity_Order_Key__c")).containsExactly("clarity", "order", "key");
        assertThat(FieldTokens.words("categories")).containsExactly("category");
        assertThat(FieldTokens.words("addresses")).containsExactly("address");
    }
}
