package dev.tandem.core.mapping.functions;

import org.junit.jupiter.api.Test;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.text;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;

class NameFunctionsTest {

    private static String split(String full) {
        return eval("$splitName(n)", "{\"n\": \"" + full + "\"}").toString();
    }

    @Test
    void splitsFirstAndLast() {
        assertThat(split("Jane Doe")).isEqualTo("{\"first\":\"Jane\",\"last\":\"Doe\"}");
        assertThat(split("  Jane   Doe ")).isEqualTo("{\"first\":\"Jane\",\"last\":\"Doe\"}");
    }

    @Test
    void readsLastCommaFirst() {
        assertThat(split("Doe, Jane")).isEqualTo("{\"first\":\"Jane\",\"last\":\"Doe\"}");
        assertThat(split("Doe, Jane Mary")).isEqualTo("{\"first\":\"Jane\",\"middle\":\"Mary\",\"last\":\"Doe\"}");
        assertThat(split("Smith, John, Jr.")).isEqualTo("{\"first\":\"John\",\"last\":\"Smith\",\"suffix\":\"Jr.\"}");
    }

    @Test
    void setsMiddleNamesApart() {
        assertThat(split("John Ronald Reuel Tolkien"))
                .isEqualTo("{\"first\":\"John\",\"middle\":\"Ronald Reuel\",\"last\":\"Tolkien\"}");
    }

    @Test
    void aSingleNameIsALastName() {
        assertThat(split("Cher")).isEqualTo("{\"last\":\"Cher\"}");
    }

    @Test
    void keepsParticlesWithTheLastNameAndSetsSalutationAndSuffixApart() {
        assertThat(split("Ludwig van Beethoven")).isEqualTo("{\"first\":\"Ludwig\",\"last\":\"van Beethoven\"}");
        assertThat(split("Dr. Martin Luther King Jr."))
                .isEqualTo("{\"salutation\":\"Dr.\",\"first\":\"Martin\",\"middle\":\"Luther\",\"last\":\"King\",\"suffix\":\"Jr.\"}");
        assertThat(split("John Smith, III")).isEqualTo("{\"first\":\"John\",\"last\":\"Smith\",\"suffix\":\"III\"}");
    }

    @Test
    void fieldsOfTheSplitAreUsableInAMapping() {
        assertThat(eval("($n := $splitName(name); {'FirstName': $n.first, 'LastName': $n.last})",
                "{\"name\": \"Doe, Jane\"}").toString()).isEqualTo("{\"FirstName\":\"Jane\",\"LastName\":\"Doe\"}");
    }

    @Test
    void joinNameSkipsMissingAndBlankParts() {
        assertThat(text("$joinName('Jane', 'Doe')")).isEqualTo("Jane Doe");
        assertThat(text("$joinName(' Jane ', null)")).isEqualTo("Jane");
        assertThat(eval("$joinName(first, last)", "{\"last\": \"Doe\"}").asText()).isEqualTo("Doe");
        assertThat(text("$joinName('Jane', 'Mary', 'Doe')")).isEqualTo("Jane Mary Doe");
        assertThat(undefined(eval("$joinName(first, last)"))).isTrue();
    }

    @Test
    void undefinedOrBlankGivesUndefined() {
        assertThat(undefined(eval("$splitName(name)"))).isTrue();
        assertThat(undefined(eval("$splitName('   ')"))).isTrue();
    }
}
