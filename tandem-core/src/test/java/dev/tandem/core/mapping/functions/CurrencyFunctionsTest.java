package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CurrencyFunctionsTest {

    @Test
    void roundsToTheMinorUnitsOfTheCurrency() {
        assertThat(eval("$roundAmount(2395.9849, 'USD')").asDouble()).isEqualTo(2395.98);
        assertThat(eval("$roundAmount(1234.5, 'JPY')").asInt()).isEqualTo(1234);
        assertThat(eval("$roundAmount(1.23456, 'KWD')").asDouble()).isEqualTo(1.235);
        assertThat(eval("$roundAmount(10.005)").asDouble()).isEqualTo(10.0);
    }

    @Test
    void roundsHalfEvenByDefaultAndHalfUpOnRequest() {
        assertThat(eval("$roundAmount(2.675, 'USD')").asDouble()).isEqualTo(2.68);
        assertThat(eval("$roundAmount(2.665, 'USD')").asDouble()).isEqualTo(2.66);
        assertThat(eval("$roundAmount(2.665, 'USD', 'HALF_UP')").asDouble()).isEqualTo(2.67);
        assertThat(eval("$roundAmount(-2.665, 'EUR', 'half-up')").asDouble()).isEqualTo(-2.67);
    }

    @Test
    void readsAmountsWrittenAsStrings() {
        assertThat(eval("$roundAmount('12.345', 'usd', 'HALF_UP')").asDouble()).isEqualTo(12.35);
        assertThat(eval("$roundAmount(a, 'USD') + 1", "{\"a\": \"3.999\"}").asDouble()).isEqualTo(5.0);
    }

    @Test
    void wholeResultsAreJsonataIntegers() {
        assertThat(eval("$roundAmount(12.0, 'USD')").isIntegralNumber()).isTrue();
    }

    @Test
    void validatesAndNormalisesIso4217Codes() {
        assertThat(eval("$isCurrencyCode('EUR')").asBoolean()).isTrue();
        assertThat(eval("$isCurrencyCode('eur')").asBoolean()).isTrue();
        assertThat(eval("$isCurrencyCode('EURO')").asBoolean()).isFalse();
        assertThat(eval("$isCurrencyCode('ABC')").asBoolean()).isFalse();
        assertThat(eval("$isCurrencyCode(missing)").asBoolean()).isFalse();
        assertThat(eval("$currencyCode(' cad ')").asText()).isEqualTo("CAD");
        assertThat(eval("$currencyDigits('JPY')").asInt()).isZero();
        assertThat(eval("$currencyDigits('BHD')").asInt()).isEqualTo(3);
    }

    @Test
    void anInvalidCurrencyCodeIsAnError() {
        assertThatThrownBy(() -> eval("$roundAmount(1.5, 'XYZ')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("$roundAmount: 'XYZ' is not an ISO 4217 currency code");
        assertThatThrownBy(() -> eval("$currencyCode('dollars')")).hasMessageContaining("'dollars' is not an ISO 4217");
    }

    @Test
    void aPseudoCurrencyWithoutMinorUnitsCannotBeRounded() {
        assertThatThrownBy(() -> eval("$roundAmount(1.5, 'XAU')")).hasMessageContaining("XAU has no minor unit");
    }

    @Test
    void aNonNumericAmountOrUnknownModeIsAnError() {
        assertThatThrownBy(() -> eval("$roundAmount('twelve', 'USD')")).hasMessageContaining("is not a number: 'twelve'");
        assertThatThrownBy(() -> eval("$roundAmount(1, 'USD', 'CEILING')")).hasMessageContaining("unknown rounding mode 'CEILING'");
    }

    @Test
    void undefinedAmountGivesUndefined() {
        assertThat(undefined(eval("$roundAmount(total, 'USD')"))).isTrue();
        assertThat(undefined(eval("$currencyCode(null)"))).isTrue();
    }
}
