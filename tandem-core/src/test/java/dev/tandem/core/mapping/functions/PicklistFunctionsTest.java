package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

class PicklistFunctionsTest {

    private static FunctionLibrary library() {
        Map<String, String> legacy = new HashMap<>();
        legacy.put("Legacy", null);
        legacy.put("Current", "Active");
        return FunctionLibrary.of(Map.of(
                "customerType", Map.of("Business", "B2B", "Consumer", "B2C", "3", "Reseller"),
                "status", legacy), Map.of());
    }

    @Test
    void mapsADeclaredValue() {
        assertThat(eval("$picklist(type, 'customerType')", "{\"type\": \"Business\"}", library()).asText()).isEqualTo("B2B");
    }

    @Test
    void matchesIgnoringCaseAndBlanksAndNumbersAsText() {
        assertThat(eval("$picklist(' consumer ', 'customerType')", "{}", library()).asText()).isEqualTo("B2C");
        assertThat(eval("$picklist(3, 'customerType')", "{}", library()).asText()).isEqualTo("Reseller");
    }

    @Test
    void anEntryMappedToNullGivesUndefined() {
        assertThat(eval("{'s': $picklist('Legacy', 'status')}", "{}", library()).has("s")).isFalse();
        assertThat(eval("$picklist('Current', 'status')", "{}", library()).asText()).isEqualTo("Active");
    }

    @Test
    void anUnknownValueIsAPicklistValueExceptionCarryingMapValueAndMapping() {
        assertThatThrownBy(() -> eval("$picklist(type, 'customerType')", "{\"type\": \"Government\"}", library()))
                .isInstanceOf(PicklistValueException.class)
                .hasMessageContaining("mapping test")
                .hasMessageContaining("value 'Government' is not in picklist map 'customerType'")
                .asInstanceOf(type(PicklistValueException.class))
                .satisfies(e -> {
                    assertThat(e.mapName()).isEqualTo("customerType");
                    assertThat(e.value()).isEqualTo("Government");
                    assertThat(e.mapping()).isEqualTo("test");
                    assertThat(e.code()).isEqualTo("PICKLIST_VALUE_UNKNOWN");
                });
    }

    @Test
    void anUnknownValueInsideAHigherOrderFunctionIsStillAPicklistValueException() {
        assertThatThrownBy(() -> eval("$map(types, function($t) { $picklist($t, 'customerType') })",
                "{\"types\": [\"Business\", \"Alien\"]}", library()))
                .isInstanceOf(PicklistValueException.class)
                .hasMessageContaining("'Alien'");
    }

    @Test
    void aDefaultReplacesTheErrorForUnknownValues() {
        assertThat(eval("$picklist('Government', 'customerType', 'Other')", "{}", library()).asText()).isEqualTo("Other");
        assertThat(eval("$picklist('Business', 'customerType', 'Other')", "{}", library()).asText()).isEqualTo("B2B");
        assertThat(eval("{'t': $picklist('Government', 'customerType', null)}", "{}", library()).has("t")).isFalse();
        assertThatThrownBy(() -> eval("$picklist('Government', 'customerType', missing)", "{}", library()))
                .isInstanceOf(PicklistValueException.class);
    }

    @Test
    void anUndeclaredMapIsAMappingErrorNamingTheDeclaredOnes() {
        assertThatThrownBy(() -> eval("$picklist('x', 'tier')", "{}", library()))
                .isInstanceOf(MappingException.class)
                .isNotInstanceOf(PicklistValueException.class)
                .hasMessageContaining("no picklist map 'tier' is declared in the flow (declared: customerType, status)");
        assertThatThrownBy(() -> eval("$picklist('x', 'tier')"))
                .hasMessageContaining("(declared: none)");
    }

    @Test
    void undefinedValueGivesUndefined() {
        assertThat(undefined(eval("$picklist(type, 'customerType')", "{}", library()))).isTrue();
    }
}
