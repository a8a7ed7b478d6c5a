package dev.tandem.mapping.ai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tandem.core.mapping.MappingDecisionStore.Decision;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The suggester end to end on one object: ranking, reasons, knowing when not to map, earlier decisions, bad input. */
class SuggesterTest {

    static Suggester suggester;
    static TargetObject contact;

    @BeforeAll
    static void load() {
        suggester = Suggester.load();
        contact = DevSet.describe("Contact");
    }

    static final String CUSTOMERS = """
            [{"email": "a@b.test", "first_name": "Ann", "last_name": "Bell", "accepts_marketing": true,
              "loyalty_points": 120, "favourite_colour": "teal",
              "default_address": {"address1": "1 Main St", "address2": "", "city": "Austin", "zip": "78701", "country_code": "US"}},
             {"email": "c@d.test", "first_name": "Cy", "last_name": "Dunn", "accepts_marketing": false,
              "loyalty_points": 7, "favourite_colour": "red",
              "default_address": {"address1": "9 Oak Rd", "address2": "Apt 3", "city": "Denver", "zip": "80202", "country_code": "US"}}]
            """;

    @Test
    void rankedSuggestionsCarryScoresReasonsAndExpressions() {
        var result = suggester.suggest(ExpressionProposerTest.json(CUSTOMERS), contact, Suggester.Options.defaults(), List.of());
        Suggestion email = result.bySource().get("email").getFirst();
        assertThat(email.target()).isEqualTo("Email");
        assertThat(email.score()).isGreaterThan(0.5);
        assertThat(email.reasons()).anySatisfy(r -> assertThat(r).startsWith("name 1.00"))
                .anySatisfy(r -> assertThat(r).startsWith("embedding"))
                .anySatisfy(r -> assertThat(r).contains("email → email"));
        assertThat(result.bySource().get("default_address.city").getFirst().target()).isEqualTo("MailingCity");
        assertThat(result.bySource().get("default_address.zip").getFirst().target()).isEqualTo("MailingPostalCode");
        Suggestion optOut = result.bySource().get("accepts_marketing").getFirst();
        assertThat(optOut.target()).isEqualTo("HasOptedOutOfEmail");
        assertThat(optOut.expression()).isEqualTo("$not(accepts_marketing)");
        assertThat(result.bySource().get("email")).hasSizeLessThanOrEqualTo(3)
                .isSortedAccordingTo((a, b) -> Double.compare(b.score(), a.score()));
        assertThat(result.excludedTargets()).anySatisfy(t -> assertThat(t).startsWith("Id: "))
                .anySatisfy(t -> assertThat(t).startsWith("AccountId: "));
    }

    @Test
    void fieldsWithNoSensibleTargetGetNoConfidentSuggestion() {
        var result = suggester.suggest(ExpressionProposerTest.json(CUSTOMERS), contact, new Suggester.Options(3, 0), List.of());
        for (String path : List.of("loyalty_points", "favourite_colour")) {
            assertThat(result.bySource().getOrDefault(path, List.of()))
                    .as(path).allSatisfy(s -> assertThat(s.score()).isLessThan(0.5));
        }
    }

    @Test
    void earlierAcceptsRaiseAndRejectsLowerAndTheReasonsSaySo() {
        JsonNode records = ExpressionProposerTest.json(CUSTOMERS);
        var before = suggester.suggest(records, contact, new Suggester.Options(50, 0), List.of());
        double colourToDescription = score(before, "favourite_colour", "Description");
        List<Decision> decisions = List.of(
                new Decision("shop", "Contact", "favourite_colour", "Description", true, 1),
                new Decision("shop", "Contact", "email", "Email", false, 1));
        var after = suggester.suggest(records, contact, new Suggester.Options(50, 0), decisions);
        Suggestion accepted = after.bySource().get("favourite_colour").getFirst();
        assertThat(accepted.target()).isEqualTo("Description");
        assertThat(accepted.score()).isGreaterThan(colourToDescription).isGreaterThan(0.5);
        assertThat(accepted.reasons().getFirst()).isEqualTo("accepted before");
        assertThat(after.bySource().get("favourite_colour").get(1).reasons())
                .contains("another target was accepted before for this field");
        Suggestion rejected = after.bySource().get("email").stream().filter(s -> s.target().equals("Email")).findFirst().orElseThrow();
        assertThat(rejected.score()).isLessThan(0.5).isLessThan(score(before, "email", "Email"));
        assertThat(rejected.reasons().getFirst()).isEqualTo("rejected before");
    }

    static double score(Suggester.Result r, String path, String target) {
        return r.bySource().get(path).stream().filter(s -> s.target().equals(target)).findFirst().orElseThrow().score();
    }

    @Test
    void badRecordsAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json("{\"a\": 1}"), contact, Suggester.Options.defaults(), List.of()))
                .isInstanceOf(SuggestInputException.class).hasMessageContaining("must be a JSON array");
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json("[]"), contact, Suggester.Options.defaults(), List.of()))
                .hasMessageContaining("empty array");
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json("[1, 2]"), contact, Suggester.Options.defaults(), List.of()))
                .hasMessageContaining("sample record 0 is not a JSON object");
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json("[{\"a`b\": 1}]"), contact, Suggester.Options.defaults(), List.of()))
                .hasMessageContaining("key that cannot be mapped").hasMessageContaining("a`b");
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json("[{\"a\\u0000b\": 1}]"), contact, Suggester.Options.defaults(), List.of()))
                .hasMessageContaining("no control characters").hasMessageNotContaining("\u0000");
        String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json("[" + deep + "]"), contact, Suggester.Options.defaults(), List.of()))
                .hasMessageContaining("nests deeper than");
        StringBuilder wide = new StringBuilder("[{");
        for (int i = 0; i < 2_100; i++) {
            wide.append(i == 0 ? "" : ",").append("\"f").append(i).append("\": 1");
        }
        assertThatThrownBy(() -> suggester.suggest(ExpressionProposerTest.json(wide + "}]"), contact, Suggester.Options.defaults(), List.of()))
                .hasMessageContaining("more than 2000 distinct field paths");
        assertThatThrownBy(() -> new Suggester.Options(0, 0.1)).hasMessageContaining("--top");
    }

    @Test
    void badDescribesAreRefusedWithAClearMessage() {
        assertThatThrownBy(() -> TargetObject.fromDescribe(ExpressionProposerTest.json("[]")))
                .isInstanceOf(SuggestInputException.class).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> TargetObject.fromDescribe(ExpressionProposerTest.json("{\"name\": \"Account\"}")))
                .hasMessageContaining("has no \"fields\" array");
        assertThatThrownBy(() -> TargetObject.fromDescribe(ExpressionProposerTest.json("{\"name\": \"Account\", \"fields\": []}")))
                .hasMessageContaining("has no \"fields\" array");
        assertThatThrownBy(() -> TargetObject.fromDescribe(ExpressionProposerTest.json("{\"name\": \"Acc'; DROP\", \"fields\": [{\"name\": \"A\"}]}")))
                .hasMessageContaining("no usable \"name\"");
        assertThatThrownBy(() -> TargetObject.fromDescribe(ExpressionProposerTest.json(
                "{\"name\": \"Account\", \"fields\": [{\"name\": \"Name\\\": $eval(x)\"}]}")))
                .hasMessageContaining("field 0 of the describe of Account has no usable name");
        assertThatThrownBy(() -> TargetObject.fromDescribe(ExpressionProposerTest.json(
                "{\"name\": \"Account\", \"fields\": [{\"name\": \"Name\"}, {\"name\": \"Name\"}]}")))
                .hasMessageContaining("names field Name twice");
    }
}
