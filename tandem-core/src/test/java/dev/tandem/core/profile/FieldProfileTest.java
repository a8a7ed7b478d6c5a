package dev.tandem.core.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Learning a field's profile and each check against it. */
class FieldProfileTest {

    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static FieldProfile learned(JsonNode... values) {
        FieldProfile p = new FieldProfile();
        for (JsonNode v : values) {
            p.learn(v);
        }
        return p;
    }

    private static FieldProfile numbers(int n, double from, double to) {
        FieldProfile p = new FieldProfile();
        for (int i = 0; i < n; i++) {
            p.learn(N.numberNode(from + (to - from) * i / Math.max(1, n - 1)));
        }
        return p;
    }

    @Test
    void nothingIsFlaggedBeforeTheMinimumNumberOfObservations() {
        FieldProfile p = numbers(49, 10, 200);
        assertThat(p.check(N.textNode("abc"), 50)).isEmpty();
        p.learn(N.numberNode(20));
        assertThat(p.check(N.textNode("abc"), 50)).isPresent();
    }

    @Test
    void aTotalThatIsNotANumberIsFlaggedAsSuch() {
        FieldProfile p = numbers(100, 10, 900);
        assertThat(p.check(N.textNode("12,50 EUR"), 50)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("expected a number (all 100 values seen)"));
        assertThat(p.check(N.textNode("42.50"), 50)).as("a numeric string is a number").isEmpty();
        assertThat(p.check(N.numberNode(512.3), 50)).isEmpty();
    }

    @Test
    void anEmailWithoutAtIsFlaggedWhenTheFieldHoldsEmails() {
        FieldProfile p = new FieldProfile();
        for (int i = 0; i < 60; i++) {
            p.learn(N.textNode("buyer" + i + "@example.com"));
        }
        assertThat(p.check(N.textNode("buyer.example.com"), 50)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("expected an e-mail address (60 of 60 values)"));
        assertThat(p.check(N.textNode("new.buyer@example.org"), 50)).isEmpty();
    }

    @Test
    void aFreeTextFieldDoesNotFlagOddFormats() {
        FieldProfile p = new FieldProfile();
        for (int i = 0; i < 60; i++) {
            p.learn(N.textNode("Leave at the door " + i));
        }
        assertThat(p.check(N.textNode("call me at ann@example.com"), 50)).isEmpty();
        assertThat(p.check(N.textNode("ann@example.com"), 50)).isEmpty();
    }

    @Test
    void aQuantityAThousandTimesTheUsualIsFlaggedButTheUsualSpreadIsNot() {
        FieldProfile p = numbers(200, 1, 8);
        assertThat(p.check(N.numberNode(5000), 50)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("expected a magnitude up to about 8 (200 numbers from 1 to 8")
                .contains("× the typical value"));
        assertThat(p.check(N.numberNode(12), 50)).as("a little above the largest seen").isEmpty();
        assertThat(p.check(N.numberNode(-2), 50)).hasValueSatisfying(r -> assertThat(r).startsWith("expected a number ≥ 0"));
    }

    @Test
    void aCountryNeverSeenIsFlaggedNamingTheOnesSeen() {
        FieldProfile p = new FieldProfile();
        String[] seen = {"US", "CA", "GB", "DE"};
        for (int i = 0; i < 100; i++) {
            p.learn(N.textNode(seen[i % seen.length]));
        }
        assertThat(p.categorical()).isTrue();
        assertThat(p.check(N.textNode("XX"), 50)).hasValue("expected one of the 4 values seen (CA, DE, GB, US)");
        assertThat(p.check(N.textNode("GB"), 50)).isEmpty();
    }

    @Test
    void identifiersAndNamesAreNotCategoricalAndTheDomainStaysBounded() {
        FieldProfile p = new FieldProfile();
        for (int i = 0; i < 10_000; i++) {
            p.learn(N.textNode("SO-" + i));
        }
        assertThat(p.categorical()).isFalse();
        assertThat(p.check(N.textNode("SO-999999"), 50)).isEmpty();
        assertThat(Profiles.write(p).length()).as("bounded: no values kept").isLessThan(600);
    }

    @Test
    void aMissingValueIsFlaggedOnlyWhenTheFieldWasAlwaysPresent() {
        FieldProfile always = numbers(60, 1, 5);
        assertThat(always.check(MissingNode.getInstance(), 50)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("expected a value (present in all 60 records synced)"));
        assertThat(always.check(N.nullNode(), 50)).isPresent();
        FieldProfile sometimes = numbers(60, 1, 5);
        sometimes.learn(N.nullNode());
        assertThat(sometimes.check(N.nullNode(), 50)).isEmpty();
    }

    @Test
    void aValueFarLongerThanAnySeenIsFlagged() {
        FieldProfile p = new FieldProfile();
        for (int i = 0; i < 60; i++) {
            p.learn(N.textNode("Street " + i + " with some words " + "x".repeat(i % 7)));
        }
        assertThat(p.check(N.textNode("y".repeat(500)), 50)).hasValueSatisfying(r -> assertThat(r)
                .startsWith("expected at most about"));
    }

    @Test
    void aProfileSurvivesItsStoredFormAndTwoSketchesMerge() throws Exception {
        FieldProfile a = numbers(30, 1, 5);
        FieldProfile b = numbers(30, 2, 9);
        FieldProfile back = Profiles.read(Profiles.write(a));
        back.merge(b);
        assertThat(back.count()).isEqualTo(60);
        assertThat(back.summary()).extracting("numbers").satisfies(n -> assertThat(JSON.valueToTree(n).path("max").asDouble()).isEqualTo(9));
        assertThat(back.check(N.numberNode(500), 50)).isPresent();
        assertThat(back.check(N.numberNode(7), 50)).isEmpty();
    }

    @Test
    void pathsReachNestedFieldsAndEachElementOfAnArray() throws Exception {
        JsonNode order = JSON.readTree("""
                {"Totals": {"Total": 12.5}, "Lines": [{"Quantity": 1, "Sku": "A"}, {"Quantity": 3}], "Tags": ["x", "y"],
                 "Billing": {"Email": "a@b.co", "Address": {"Country": "US"}}}""");
        assertThat(Profiles.values(order, "Totals.Total")).extracting(JsonNode::asDouble).containsExactly(12.5);
        assertThat(Profiles.values(order, "Lines[].Quantity")).extracting(JsonNode::asInt).containsExactly(1, 3);
        assertThat(Profiles.values(order, "Lines[].Sku")).extracting(JsonNode::isMissingNode).containsExactly(false, true);
        assertThat(Profiles.values(order, "Missing.Field")).singleElement().satisfies(v -> assertThat(v.isMissingNode()).isTrue());
        Set<String> leaves = new LinkedHashSet<>();
        Profiles.leaves(order, leaves);
        assertThat(leaves).containsExactly("Totals.Total", "Lines[].Quantity", "Lines[].Sku", "Tags[]",
                "Billing.Email", "Billing.Address.Country");
        assertThat(List.of("Totals.Total", "Lines[].Quantity", "a.b[].c")).allMatch(p -> Profiles.PATH.matcher(p).matches());
        assertThat(List.of("", "a..b", "a[0]", "a b", "-a", "x".repeat(81))).noneMatch(p -> Profiles.PATH.matcher(p).matches());
    }
}
