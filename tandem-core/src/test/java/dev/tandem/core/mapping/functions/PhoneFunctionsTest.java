package dev.tandem.core.mapping.functions;

import dev.tandem.core.mapping.MappingException;
import org.junit.jupiter.api.Test;

import static dev.tandem.core.mapping.functions.FunctionTesting.eval;
import static dev.tandem.core.mapping.functions.FunctionTesting.text;
import static dev.tandem.core.mapping.functions.FunctionTesting.undefined;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PhoneFunctionsTest {

    @Test
    void formatsNationalNumbersOfTheGivenRegion() {
        assertThat(text("$toE164('(650) 253-0000', 'US')")).isEqualTo("+16502530000");
        assertThat(text("$toE164('650.253.0000', 'United States')")).isEqualTo("+16502530000");
        assertThat(text("$toE164('030 123456', 'DE')")).isEqualTo("+4930123456");
        assertThat(text("$toE164('020 7946 0018', 'GBR')")).isEqualTo("+442079460018");
    }

    @Test
    void internationalNumbersNeedNoRegionAndIgnoreIt() {
        assertThat(text("$toE164('+44 20 7946 0018')")).isEqualTo("+442079460018");
        assertThat(text("$toE164('+1 650-253-0000', 'DE')")).isEqualTo("+16502530000");
    }

    @Test
    void anExtensionIsDropped() {
        assertThat(text("$toE164('650-253-0000 ext. 123', 'US')")).isEqualTo("+16502530000");
    }

    @Test
    void aNumberWithoutCountryCodeOrRegionIsAnError() {
        assertThatThrownBy(() -> eval("$toE164('650-253-0000')"))
                .isInstanceOf(MappingException.class)
                .hasMessageContaining("$toE164: '650-253-0000' has no country code");
    }

    @Test
    void anUnparseableOrInvalidNumberIsAnError() {
        assertThatThrownBy(() -> eval("$toE164('n/a', 'US')")).hasMessageContaining("'n/a' is not a phone number");
        assertThatThrownBy(() -> eval("$toE164('123', 'US')")).hasMessageContaining("'123' is not a valid phone number for region US");
        assertThatThrownBy(() -> eval("$toE164('650-253-0000', 'Atlantis')")).hasMessageContaining("'Atlantis' is not an ISO 3166-1");
    }

    @Test
    void isValidPhoneLetsAMappingTestFirst() {
        assertThat(eval("$isValidPhone('(650) 253-0000', 'US')").asBoolean()).isTrue();
        assertThat(eval("$isValidPhone('n/a', 'US')").asBoolean()).isFalse();
        assertThat(eval("$isValidPhone('123', 'US')").asBoolean()).isFalse();
        assertThat(eval("$isValidPhone(missing)").asBoolean()).isFalse();
        assertThat(text("$isValidPhone(p, 'US') ? $toE164(p, 'US') : 'none'").toString()).isEqualTo("none");
    }

    @Test
    void undefinedOrBlankGivesUndefined() {
        assertThat(undefined(eval("$toE164(phone, 'US')"))).isTrue();
        assertThat(undefined(eval("$toE164(' ', 'US')"))).isTrue();
    }

    @Test
    void worksInsideMapWithTheRegionOfEachRecord() {
        assertThat(eval("contacts.$toE164(phone, country)",
                "{\"contacts\": [{\"phone\": \"650 253 0000\", \"country\": \"US\"}, {\"phone\": \"030 123456\", \"country\": \"DE\"}]}"))
                .hasToString("[\"+16502530000\",\"+4930123456\"]");
    }
}
