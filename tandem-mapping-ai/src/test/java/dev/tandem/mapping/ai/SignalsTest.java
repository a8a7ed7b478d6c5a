package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each signal on its own: name, values, structure, writability. */
class SignalsTest {

    static final JsonNodeFactory F = JsonNodeFactory.instance;

    static TargetField field(String name, String label, String type, int length, String... picklist) {
        return new TargetField(name, label, type, length, true, true, true, false, false, Arrays.asList(picklist));
    }

    static SourceField source(String path, JsonNode... samples) {
        return new SourceField(path, Arrays.asList(path.split("\\.")), Arrays.asList(samples), samples.length);
    }

    static List<JsonNode> texts(String... values) {
        return Arrays.stream(values).map(v -> (JsonNode) F.textNode(v)).toList();
    }

    @Test
    void nameSimilarityUsesWordsSynonymsAndParentKeys() {
        TargetField postal = field("BillingPostalCode", "Billing Zip/Postal Code", "string", 20);
        assertThat(NameSignal.score(source("billing_address.zip"), postal)).isGreaterThan(0.8);
        assertThat(NameSignal.score(source("qty"), field("Quantity", "Quantity", "double", 0))).isEqualTo(1.0);
        assertThat(NameSignal.exact(source("qty"), field("Quantity", "Quantity", "double", 0))).isEqualTo(1.0);
        // the parent keys count only when the key itself shares a word
        assertThat(NameSignal.score(source("billing_address.id"), field("BillingStreet", "Billing Street", "textarea", 255))).isZero();
        // a weak word alone ("name") is a weak match
        assertThat(NameSignal.score(source("first_name"), field("Name", "Order Name", "string", 80))).isLessThan(0.5);
        assertThat(NameSignal.score(source("first_name"), field("FirstName", "First Name", "string", 40))).isEqualTo(1.0);
    }

    @Test
    void valueProfilesRecogniseTheKinds() {
        assertThat(ValueProfile.kindOf("jane@acme.test")).isEqualTo(ValueKind.EMAIL);
        assertThat(ValueProfile.kindOf("https://acme.test/x")).isEqualTo(ValueKind.URL);
        assertThat(ValueProfile.kindOf("+1 (512) 555-0100")).isEqualTo(ValueKind.PHONE);
        assertThat(ValueProfile.kindOf("2024-05-03")).isEqualTo(ValueKind.DATE);
        assertThat(ValueProfile.kindOf("05/03/2024")).isEqualTo(ValueKind.DATE);
        assertThat(ValueProfile.kindOf("2024-05-03T10:00:00-04:00")).isEqualTo(ValueKind.DATETIME);
        assertThat(ValueProfile.kindOf("2024-05-03T10:00:00.0000000")).isEqualTo(ValueKind.DATETIME);
        assertThat(ValueProfile.kindOf("199.65")).isEqualTo(ValueKind.DECIMAL);
        assertThat(ValueProfile.kindOf("yes")).isEqualTo(ValueKind.BOOLEAN);
        assertThat(ValueProfile.kindOf("USA")).isEqualTo(ValueKind.COUNTRY);
        assertThat(ValueProfile.kindOf("TX")).isEqualTo(ValueKind.STATE);
        assertThat(ValueProfile.kindOf("M5H 3T4")).isEqualTo(ValueKind.POSTAL_CODE);
        assertThat(ValueProfile.kindOf("78701")).isEqualTo(ValueKind.POSTAL_CODE);
        assertThat(ValueProfile.kindOf("wc_order_58d2d042d1d")).isEqualTo(ValueKind.ID);
        assertThat(ValueProfile.kindOf("Leave at the door")).isEqualTo(ValueKind.TEXT);
        assertThat(ValueProfile.kindOf("x".repeat(300))).isEqualTo(ValueKind.LONG_TEXT);
        ValueProfile p = ValueProfile.of(List.of(F.textNode("12.50"), F.textNode("3.00"), F.nullNode()));
        assertThat(p.dominant()).isEqualTo(ValueKind.DECIMAL);
        assertThat(p.numbersAsText()).isTrue();
        assertThat(p.values()).isEqualTo(2);
        assertThat(ValueProfile.of(List.of(F.numberNode(207119551L))).dominant()).isEqualTo(ValueKind.ID);
    }

    @Test
    void valuesFitTheTargetTypeLengthAndPicklist() {
        ValueProfile emails = ValueProfile.of(texts("a@b.test", "c@d.test"));
        assertThat(ValueSignal.score(emails, field("Email", "Email", "email", 80))).isEqualTo(1.0);
        assertThat(ValueSignal.score(emails, field("Quantity", "Quantity", "double", 0))).isZero();
        ValueProfile words = ValueProfile.of(texts("Retail", "Banking"));
        TargetField industry = field("Industry", "Industry", "picklist", 255, "Retail", "Banking", "Other");
        assertThat(ValueSignal.score(words, industry)).isEqualTo(1.0);
        assertThat(ValueSignal.score(ValueProfile.of(texts("processing", "completed")), industry)).isLessThan(0.2);
        ValueProfile longText = ValueProfile.of(texts("x".repeat(60)));
        assertThat(ValueSignal.score(longText, field("City", "City", "string", 40)))
                .isEqualTo(ValueSignal.score(longText, field("City", "City", "string", 400)) / 2);
        assertThat(ValueSignal.score(ValueProfile.of(List.of()), industry)).isEqualTo(0.5);
    }

    @Test
    void structurePrefersTheSameAddressGroupAndMarksRepeatedChildren() {
        TargetField billingCity = field("BillingCity", "Billing City", "string", 40);
        TargetField shippingCity = field("ShippingCity", "Shipping City", "string", 40);
        TargetField mailingCity = field("MailingCity", "Mailing City", "string", 40);
        assertThat(StructureSignal.score(source("billing_address.city"), billingCity)).isEqualTo(1);
        assertThat(StructureSignal.score(source("billing_address.city"), shippingCity)).isEqualTo(-1);
        assertThat(StructureSignal.score(source("BillingContact.Address.City"), billingCity)).isEqualTo(1);
        assertThat(StructureSignal.score(source("default_address.city"), mailingCity)).isEqualTo(1);
        assertThat(StructureSignal.score(source("city"), billingCity)).isZero();
        assertThat(StructureSignal.score(source("billing_address.city"), field("Name", "Name", "string", 80))).isZero();
        assertThat(StructureSignal.inRepeatedChild(source("line_items[].name"))).isTrue();
        assertThat(StructureSignal.inRepeatedChild(source("addresses[].city"))).isFalse();
        assertThat(StructureSignal.inRepeatedChild(source("customer.name"))).isFalse();
    }

    @Test
    void onlyWritableNonCalculatedValueFieldsAreCandidates() {
        assertThat(Writability.writable(field("Name", "Name", "string", 80))).isTrue();
        assertThat(Writability.excluded(new TargetField("TotalAmount", "Total", "currency", 0, false, false, true, false,
                false, List.of()))).hasValueSatisfying(w -> assertThat(w).contains("read-only"));
        assertThat(Writability.excluded(new TargetField("Margin__c", "Margin", "currency", 0, true, true, true, true,
                false, List.of()))).hasValueSatisfying(w -> assertThat(w).contains("calculated"));
        assertThat(Writability.writable(field("AccountId", "Account ID", "reference", 18))).isFalse();
        assertThat(Writability.writable(field("Id", "Record ID", "id", 18))).isFalse();
        // an update-only field is still a mapping target
        assertThat(Writability.writable(new TargetField("Status", "Status", "picklist", 40, false, true, true, false,
                false, List.of("Draft")))).isTrue();
    }
}
