package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class UnitFunctionsTest {

    @Test
    void convertsMassExactly() {
        assertThat(eval("$convertUnit(1, 'lb', 'kg')").asDouble()).isEqualTo(0.45359237);
        assertThat(eval("$convertUnit(1, 'kg', 'lb')").asDouble()).isCloseTo(2.2046226218, within(1e-9));
        assertThat(eval("$convertUnit(16, 'oz', 'lb')").asInt()).isEqualTo(1);
        assertThat(eval("$convertUnit(1, 'oz', 'g')").asDouble()).isEqualTo(28.349523125);
    }

    @Test
    void convertsLength() {
        assertThat(eval("$convertUnit(1, 'in', 'cm')").asDouble()).isEqualTo(2.54);
        assertThat(eval("$convertUnit(12, 'inches', 'ft')").asInt()).isEqualTo(1);
        assertThat(eval("$convertUnit(1, 'mi', 'km')").asDouble()).isEqualTo(1.609344);
        assertThat(eval("$convertUnit(254, 'mm', 'in')").asInt()).isEqualTo(10);
    }

    @Test
    void convertsVolume() {
        assertThat(eval("$convertUnit(1, 'gal', 'l')").asDouble()).isEqualTo(3.785411784);
        assertThat(eval("$convertUnit(1, 'impgal', 'l')").asDouble()).isEqualTo(4.54609);
        assertThat(eval("$convertUnit(128, 'floz', 'gal')").asInt()).isEqualTo(1);
        assertThat(eval("$convertUnit(1000, 'ml', 'Liters')").asInt()).isEqualTo(1);
    }

    @Test
    void readsUnitAliasesAndNumericStrings() {
        assertThat(eval("$convertUnit('2.5', 'Pounds', 'KG')").asDouble()).isEqualTo(1.133980925);
        assertThat(eval("$convertUnit(weight, 'lbs', 'g')", "{\"weight\": 2}").asDouble()).isEqualTo(907.18474);
    }

    @Test
    void anUnknownUnitIsAnError() {
        assertThatThrownBy(() -> eval("$convertUnit(1, 'furlong', 'm')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("$convertUnit: unknown unit 'furlong'");
    }

    @Test
    void unitsOfDifferentDimensionsAreAnError() {
        assertThatThrownBy(() -> eval("$convertUnit(1, 'kg', 'cm')"))
                .hasMessageContaining("cannot convert mass (kg) to length (cm)");
    }

    @Test
    void aNonNumericValueIsAnError() {
        assertThatThrownBy(() -> eval("$convertUnit('heavy', 'kg', 'lb')")).hasMessageContaining("is not a number: 'heavy'");
    }

    @Test
    void undefinedValueGivesUndefinedButTheUnitsAreStillChecked() {
        assertThat(undefined(eval("$convertUnit(weight, 'lb', 'kg')"))).isTrue();
        assertThatThrownBy(() -> eval("$convertUnit(weight, 'lb', 'parsec')")).hasMessageContaining("unknown unit 'parsec'");
    }
}
