package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.mapping.JsonataMapping;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each proposed expression is compiled and run by the flow engine's JSONata on a sample record. */
class ExpressionProposerTest {

    static JsonNode json(String s) {
        try {
            return DevSet.JSON.readTree(s);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The proposal for (path → target) on these records, and its value on the first record. */
    static ExpressionProposer.Proposal propose(String records, String path, TargetField target) {
        List<SourceField> all = SourceFields.collect(json(records));
        SourceField f = all.stream().filter(s -> s.path().equals(path)).findFirst().orElseThrow();
        return ExpressionProposer.propose(f, ValueProfile.of(f.samples()), target, all);
    }

    static JsonNode eval(String expression, String records) {
        return JsonataMapping.compile("test", expression).apply(json(records).get(0));
    }

    @Test
    void anOptInIsNegatedIntoAnOptOut() {
        String records = "[{\"accepts_marketing\": true}, {\"accepts_marketing\": false}]";
        var p = propose(records, "accepts_marketing", SignalsTest.field("HasOptedOutOfEmail", "Email Opt Out", "boolean", 0));
        assertThat(p.expression()).isEqualTo("$not(accepts_marketing)");
        assertThat(p.transform()).hasValueSatisfying(t -> assertThat(t).contains("negated"));
        assertThat(eval(p.expression(), records).asBoolean()).isFalse();
    }

    @Test
    void twoStreetLinesAreJoinedWithANewLine() {
        String records = "[{\"billing\": {\"address_1\": \"969 Market\", \"address_2\": \"Suite 4\"}}]";
        var p = propose(records, "billing.address_1", SignalsTest.field("BillingStreet", "Billing Street", "textarea", 255));
        assertThat(eval(p.expression(), records).asText()).isEqualTo("969 Market\nSuite 4");
        String oneLine = "[{\"billing\": {\"address_1\": \"969 Market\", \"address_2\": \"\"}}]";
        assertThat(eval(p.expression(), oneLine).asText()).isEqualTo("969 Market");
        var second = propose(records, "billing.address_2", SignalsTest.field("BillingStreet", "Billing Street", "textarea", 255));
        assertThat(second.expression()).isEqualTo(p.expression());
    }

    @Test
    void picklistValuesGoThroughAValueMap() {
        String records = "[{\"status\": \"draft\"}, {\"status\": \"activated\"}, {\"status\": \"on-hold\"}]";
        var p = propose(records, "status", SignalsTest.field("Status", "Status", "picklist", 40, "Draft", "Activated"));
        assertThat(p.expression()).contains("{\"draft\": \"Draft\", \"activated\": \"Activated\"}");
        assertThat(p.transform()).hasValueSatisfying(t -> assertThat(t).contains("1 sample value(s) match no picklist value"));
        assertThat(eval(p.expression(), records).asText()).isEqualTo("Draft");
        assertThat(eval(p.expression(), "[{\"status\": \"activated\"}]").asText()).isEqualTo("Activated");
        assertThat(eval(p.expression(), "[{\"status\": \"on-hold\"}]").isMissingNode()).isTrue();
    }

    @Test
    void datesAreReformattedAndDatetimesCutToTheirDate() {
        String us = "[{\"dob\": \"7/30/1990\"}]";
        var p = propose(us, "dob", SignalsTest.field("Birthdate", "Birthdate", "date", 0));
        assertThat(eval(p.expression(), us).asText()).isEqualTo("1990-07-30");
        String iso = "[{\"created_at\": \"2024-03-10T14:15:22-04:00\"}]";
        var q = propose(iso, "created_at", SignalsTest.field("EffectiveDate", "Order Start Date", "date", 0));
        assertThat(eval(q.expression(), iso).asText()).isEqualTo("2024-03-10");
        String eu = "[{\"datum\": \"03.05.2024\"}]";
        var r = propose(eu, "datum", SignalsTest.field("EffectiveDate", "Order Start Date", "date", 0));
        assertThat(eval(r.expression(), eu).asText()).isEqualTo("2024-05-03");
    }

    @Test
    void numbersComeFromStringsAndTextIsCutToTheTargetLength() {
        String records = "[{\"total_price\": \"598.94\", \"note\": \"" + "n".repeat(50) + "\", \"id\": 207119551}]";
        var n = propose(records, "total_price", SignalsTest.field("Clarity_Total__c", "Total", "currency", 0));
        assertThat(eval(n.expression(), records).isNumber()).isTrue();
        assertThat(eval(n.expression(), records).asDouble()).isEqualTo(598.94);
        var t = propose(records, "note", SignalsTest.field("Title", "Title", "string", 40));
        assertThat(eval(t.expression(), records).asText()).hasSize(40);
        var s = propose(records, "id", SignalsTest.field("Key__c", "Key", "string", 40));
        assertThat(eval(s.expression(), records).asText()).isEqualTo("207119551");
    }

    @Test
    void keysThatAreNotPlainNamesAreQuotedAndArraysOfObjectsRead() {
        String records = "[{\"first-name\": \"Jane\", \"line_items\": [{\"sku\": \"A\"}]}]";
        var p = propose(records, "first-name", SignalsTest.field("FirstName", "First Name", "string", 40));
        assertThat(p.expression()).isEqualTo("`first-name`");
        assertThat(eval(p.expression(), records).asText()).isEqualTo("Jane");
        var q = propose(records, "line_items[].sku", SignalsTest.field("ProductCode", "Product Code", "string", 40));
        assertThat(q.expression()).isEqualTo("line_items.sku");
        assertThat(eval(q.expression(), records).asText()).isEqualTo("A");
    }

    @Test
    void stringLiteralsAreEscaped() {
        assertThat(ExpressionProposer.string("a\"b\\c\nd")).isEqualTo("\"a\\\"b\\\\c\\nd\"");
    }
}
